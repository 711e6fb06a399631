/** The SSH Connector: one node-ssh connection and one PTY shell per host. */
import { NodeSSH, type Config } from 'node-ssh';
import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { ConnectionSpec } from '../model/inventory.js';
import { TransportError, type ConnectHooks, type Connector, type DeviceSession } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { createHostVerifier, orderHostKeyAlgorithms } from './host-verifier.js';
import { KeyFileAgent } from './key-agent.js';
import { ShellStream } from './shell-stream.js';
import { openSshSession } from './ssh-session.js';
import { isTransientTriage, toConnectError } from './triage.js';

/** Options of the SSH transport. */
export interface SshConnectorOptions {
  /** OpenSSH known_hosts file used to verify (and with accept-new, record) host keys. */
  knownHostsFile: string;
  /** strict: unknown key fails; accept-new: unknown key is recorded; off: no check. A changed key
   * always fails (except `off`). */
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  /** Output kept per command; the rest is drained and dropped (default 1 MiB). */
  outputCapBytes?: number;
  /** Extra attempts after a transient failure (refused, reset, connect timeout); default 2. */
  connectRetries?: number;
  /** First retry delay, doubled each attempt (default 500 ms). */
  retryBaseDelayMs?: number;
  /** ssh-agent socket; default `SSH_AUTH_SOCK` when the host has neither password nor key. */
  agentSocket?: string;
  /** PTY rows (default 200: tall, so pagers rarely trigger); columns are always 500 (no echo wrap). */
  terminalRows?: number;
  /** Receives every decoded chunk the shell prints (secrets redacted), e.g. for recording. */
  onRawOutput?: (hostName: string, chunk: string) => void;
}

const DEFAULT_CAP_BYTES = 1024 * 1024;

/** Connects to FTD/FMC/Linux hosts over SSH and returns level-aware sessions. */
export class SshConnector implements Connector {
  /** Key files read once per run, by path and passphrase (an unusable one: its error). */
  private readonly keyAgents = new Map<string, KeyFileAgent | Error>();

  constructor(private readonly options: SshConnectorOptions) {}

  /** Opens one connection + one shell, waits for the first prompt, gathers facts.
   * Retries only transient connect failures; rejects with TransportError. */
  async connect(spec: ConnectionSpec, signal?: AbortSignal, hooks?: ConnectHooks): Promise<DeviceSession> {
    const secrets = [spec.password, spec.passphrase, spec.becomePassword].filter(
      (s): s is string => typeof s === 'string' && s.length > 0,
    );
    const target = `${spec.name} (${spec.address}:${spec.port})`;
    const retries = this.options.connectRetries ?? 2;
    const baseDelayMs = this.options.retryBaseDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      throwIfAborted(signal, target);
      await hooks?.beforeAttempt?.();
      throwIfAborted(signal, target);
      try {
        return await this.connectOnce(spec, secrets, signal);
      } catch (err) {
        if (signal?.aborted) throw interrupted(target);
        const te = toConnectError(err, target, secrets);
        const retryable = !(err as { afterLogin?: boolean }).afterLogin && isTransientTriage(te.triage);
        if (!retryable || attempt >= retries) throw te;
        await sleep(baseDelayMs * 2 ** attempt, signal);
      }
    }
  }

  private async connectOnce(spec: ConnectionSpec, secrets: string[], signal?: AbortSignal): Promise<DeviceSession> {
    // RFC 6761 §6.4: a name under `.invalid` never resolves, and resolver APIs should say so at
    // once, without a query (glibc asks the DNS anyway).
    if (/(^|\.)invalid\.?$/i.test(spec.address)) {
      throw new TransportError('dns', `cannot connect to ${spec.name}: the name '${spec.address}' does not resolve (.invalid is reserved, RFC 6761)`);
    }
    const ssh = new NodeSSH();
    // The host's own ssh args (UserKnownHostsFile / StrictHostKeyChecking) win over the run's flags.
    const verifier = createHostVerifier(spec.knownHostsFiles ?? this.options.knownHostsFile, spec.hostKeyPolicy ?? this.options.hostKeyPolicy, spec.address, spec.port);
    const dispose = (): void => {
      try {
        ssh.dispose();
      } catch {
        /* already closed */
      }
    };
    const onAbort = (): void => dispose();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await ssh.connect(this.buildConfig(spec, verifier.verify, verifier.knownTypes));
    } catch (err) {
      dispose();
      throw verifier.error() ?? err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    try {
      return await this.openSession(ssh, spec, secrets, dispose, signal);
    } catch (err) {
      dispose();
      throw Object.assign(toConnectError(err, `${spec.name}`, secrets), { afterLogin: true });
    }
  }

  private async openSession(
    ssh: NodeSSH,
    spec: ConnectionSpec,
    secrets: string[],
    dispose: () => void,
    signal?: AbortSignal,
  ): Promise<DeviceSession> {
    const connection = ssh.connection;
    if (!connection) throw new TransportError('disconnected', 'connection closed right after login');
    const channel = await ssh.requestShell({ term: 'vt100', cols: 500, rows: this.options.terminalRows ?? 200 });
    const onRaw = this.options.onRawOutput;
    const shell = new ShellStream(channel, onRaw ? (chunk) => onRaw(spec.name, redact(chunk, secrets)) : undefined);
    // After `ready`, node-ssh leaves no error listener: an unhandled 'error' would crash the process.
    connection.on('error', (err: Error) => shell.fail(new TransportError('disconnected', `connection lost: ${err.message}`)));
    connection.on('close', () => shell.fail(new TransportError('disconnected', 'connection closed by the device')));
    const onAbort = (): void => {
      shell.fail(new TransportError('interrupted', 'interrupted'));
      dispose();
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const init = {
      spec,
      shell,
      outputCapBytes: this.options.outputCapBytes ?? DEFAULT_CAP_BYTES,
      secrets,
      dispose: () => {
        signal?.removeEventListener('abort', onAbort);
        dispose();
      },
    };
    try {
      return await openSshSession(init, Math.max(spec.connectTimeoutMs, spec.commandTimeoutMs));
    } catch (err) {
      signal?.removeEventListener('abort', onAbort);
      throw err;
    }
  }

  private buildConfig(spec: ConnectionSpec, hostVerifier: (key: Buffer) => boolean, knownTypes: string[]): Config {
    const config: Config = {
      host: spec.address,
      port: spec.port,
      username: spec.user,
      readyTimeout: spec.connectTimeoutMs,
      hostVerifier,
      keepaliveInterval: 15_000,
    };
    if (knownTypes.length > 0) config.algorithms = { serverHostKey: orderHostKeyAlgorithms(knownTypes) as ServerHostKeyAlgorithm[] };
    if (spec.password !== undefined) {
      config.password = spec.password;
      config.tryKeyboard = true;
      const password = spec.password;
      // Answer only password questions; anything else (OTP, new password) fails auth cleanly
      // instead of hanging until readyTimeout like node-ssh's default handler would.
      config.onKeyboardInteractive = (_name, _instructions, _lang, prompts, finish) => {
        const answerable = prompts.every((p) => /password/i.test(p.prompt) && !/new/i.test(p.prompt));
        finish(answerable ? prompts.map(() => password) : []);
      };
    }
    if (spec.privateKeyFile !== undefined && this.options.agentSocket === undefined) {
      // ssh2 takes one agent: with an agent socket as well, ssh2 reads the key file itself.
      config.agent = this.keyAgent(spec.privateKeyFile, spec.passphrase);
    } else if (spec.privateKeyFile !== undefined) {
      config.privateKeyPath = spec.privateKeyFile;
      if (spec.passphrase !== undefined) config.passphrase = spec.passphrase;
    }
    const agent = this.options.agentSocket ?? (spec.password === undefined && spec.privateKeyFile === undefined ? process.env.SSH_AUTH_SOCK : undefined);
    if (agent) config.agent = agent;
    return config;
  }

  /** The key file as an agent, loaded once per run; throws (each time) when it is unusable. */
  private keyAgent(file: string, passphrase: string | undefined): KeyFileAgent {
    const id = `${file}\0${passphrase ?? ''}`;
    let agent = this.keyAgents.get(id);
    if (!agent) {
      try {
        agent = KeyFileAgent.load(file, passphrase);
      } catch (err) {
        agent = err as Error;
      }
      this.keyAgents.set(id, agent);
    }
    if (agent instanceof Error) throw agent;
    return agent;
  }
}

function interrupted(target: string): TransportError {
  return new TransportError('interrupted', `connecting to ${target} was interrupted`);
}

function throwIfAborted(signal: AbortSignal | undefined, target: string): void {
  if (signal?.aborted) throw interrupted(target);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
