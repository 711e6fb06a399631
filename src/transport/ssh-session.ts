/** A DeviceSession over one interactive PTY: login detection, facts, level state machine,
 * one command at a time. */
import type { ConnectionSpec } from '../model/inventory.js';
import type { Level } from '../model/playbook.js';
import { TransportError, type CommandResult, type DeviceSession, type Facts, type RunOptions } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { parseShowVersion, parseSfVersion } from './facts.js';
import { enterExpert, enterRoot, exitLevel, rankOf, type LevelContext } from './levels.js';
import {
  CLISH_PROMPT,
  EXPERT_PROMPT,
  PASSWORD_CHANGE_PROMPT,
  PASSWORD_PROMPT,
  ROOT_PROMPT,
  hostnameFromPrompt,
} from './prompts.js';
import { runClishCommand, runMarkedCommand, syncShell, waitForAny, type Exchange } from './shell-ops.js';
import type { ShellStream } from './shell-stream.js';

/** What a session needs from the connector. */
export interface SessionInit {
  spec: ConnectionSpec;
  shell: ShellStream;
  outputCapBytes: number;
  secrets: readonly string[];
  /** Closes the SSH connection (idempotent). */
  dispose: () => void;
}

/** The session over one SSH shell. Create with openSshSession(). */
export class SshDeviceSession implements DeviceSession {
  facts: Facts;
  private level: Level;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Cached refusals: never retry a refused expert/sudo (avoids lockouts from repeated wrong passwords). */
  private readonly refused = new Map<Level, TransportError>();
  private readonly ctx: LevelContext;

  constructor(
    private readonly init: SessionInit,
    private readonly baseLevel: Level,
  ) {
    this.level = baseLevel;
    this.facts = { platform: init.spec.platform, loginLevel: baseLevel };
    this.ctx = {
      shell: init.shell,
      // FTD's sudo wants the admin's own password (docs/devices.md "Levels").
      becomePassword: init.spec.becomePassword ?? init.spec.password,
      secrets: init.secrets,
    };
  }

  /** Runs commands strictly one after another. */
  run(command: string, level: Level, opts?: RunOptions): Promise<CommandResult> {
    const next = this.queue.then(() => this.runNow(command, level, opts?.timeoutMs ?? this.init.spec.commandTimeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runNow(command: string, level: Level, timeoutMs: number): Promise<CommandResult> {
    const started = Date.now();
    const failed = this.init.shell.failed;
    if (this.closed || failed) throw failed ?? new TransportError('disconnected', 'the session is closed');
    try {
      const at = await this.moveTo(level, timeoutMs);
      const ex = await this.exchange(command, at, timeoutMs);
      const result: CommandResult = {
        command,
        level,
        output: ex.output,
        exitCode: ex.exitCode,
        durationMs: Date.now() - started,
        truncated: ex.truncated,
      };
      if (ex.timedOut) result.timedOut = true;
      return result;
    } catch (err) {
      throw this.onFailure(err);
    }
  }

  private exchange(command: string, at: Level, timeoutMs: number): Promise<Exchange> {
    const { shell, outputCapBytes } = this.init;
    return at === 'cli'
      ? runClishCommand(shell, command, timeoutMs, outputCapBytes)
      : runMarkedCommand(shell, command, timeoutMs, outputCapBytes);
  }

  /** Errors that leave the shell in an unknown state end the session. */
  private onFailure(err: unknown): TransportError {
    const te =
      err instanceof TransportError
        ? new TransportError(err.triage, redact(err.message, this.init.secrets))
        : new TransportError('internal', redact(err instanceof Error ? err.message : String(err), this.init.secrets));
    if (te.triage !== 'privilege' && te.triage !== 'level-unavailable') {
      this.init.shell.fail(te);
      void this.close();
    }
    return te;
  }

  private async moveTo(target: Level, timeoutMs: number): Promise<Level> {
    if (target === 'cli' && this.baseLevel !== 'cli') {
      const why =
        this.init.spec.platform === 'linux'
          ? 'linux hosts have no CLISH (>) shell'
          : `this ${this.init.spec.platform.toUpperCase()} logs in to the Linux shell, where the > CLI is not available`;
      throw new TransportError('level-unavailable', `cannot run a cli command: ${why}; use level expert or root`);
    }
    // Logged in above the requested level (e.g. as root): run there, it can only do more.
    const goal: Level = rankOf(target) < rankOf(this.baseLevel) ? this.baseLevel : target;
    while (this.level !== goal) {
      const up = rankOf(this.level) < rankOf(goal);
      const step: Level = up ? (this.level === 'cli' ? 'expert' : 'root') : this.level;
      const cached = up ? this.refused.get(step) : undefined;
      if (cached) throw cached;
      try {
        this.level = up
          ? step === 'expert'
            ? await enterExpert(this.ctx, timeoutMs)
            : await enterRoot(this.ctx, timeoutMs)
          : await exitLevel(this.ctx, this.level, timeoutMs);
      } catch (err) {
        if (up && err instanceof TransportError && err.triage === 'privilege') this.refused.set(step, err);
        throw err;
      }
    }
    return goal;
  }

  /** Reads the login (banner, first prompt) and gathers facts. */
  async gatherFacts(timeoutMs: number): Promise<void> {
    const { spec, shell, outputCapBytes } = this.init;
    const facts: Facts = { platform: spec.platform, loginLevel: this.baseLevel };
    if (this.baseLevel === 'cli') {
      const ex = await runClishCommand(shell, 'show version', timeoutMs, outputCapBytes);
      Object.assign(facts, definedOnly(parseShowVersion(ex.output)));
    } else {
      if (spec.platform !== 'linux') {
        const ex = await runMarkedCommand(shell, 'cat /etc/sf/sf-version', timeoutMs, outputCapBytes);
        if (ex.exitCode === 0) Object.assign(facts, definedOnly(parseSfVersion(ex.output)));
      }
      const host = await runMarkedCommand(shell, 'hostname', timeoutMs, outputCapBytes);
      const name = host.output.trim();
      if (host.exitCode === 0 && name !== '') facts.hostname = name;
    }
    this.facts = facts;
  }

  /** Ends the session; later runs reject with `disconnected`. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.init.shell.fail(new TransportError('disconnected', 'the session was closed'));
    this.init.dispose();
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Waits for the first prompt after login (past banners/MOTD) and builds the session. */
export async function openSshSession(init: SessionInit, loginTimeoutMs: number): Promise<SshDeviceSession> {
  const { shell, spec } = init;
  const seen = await waitForAny(
    shell,
    [
      { name: 'password-change', pattern: PASSWORD_CHANGE_PROMPT },
      { name: 'cli', pattern: CLISH_PROMPT },
      { name: 'root', pattern: ROOT_PROMPT },
      { name: 'expert', pattern: EXPERT_PROMPT },
      { name: 'password', pattern: PASSWORD_PROMPT },
    ],
    loginTimeoutMs,
  );
  const lastLine = redact(seen.text.trim().split('\n').slice(-1)[0] ?? '', init.secrets).slice(0, 200);
  if (seen.name === 'password-change') {
    throw new TransportError('unexpected-prompt', `the device asks for a password change at login ("${lastLine}"); log in once by hand to set it`);
  }
  if (seen.name === 'password' || seen.name === 'timeout') {
    throw new TransportError('unexpected-prompt', `no known shell prompt after login within ${loginTimeoutMs} ms (last line: "${lastLine}")`);
  }
  const base = seen.name as Level;
  if (base !== 'cli') await syncShell(shell, Math.max(loginTimeoutMs, 2_000));
  const session = new SshDeviceSession(init, base);
  await session.gatherFacts(spec.commandTimeoutMs);
  if (!session.facts.hostname && base !== 'cli') {
    const fromPrompt = hostnameFromPrompt(seen.text);
    if (fromPrompt) session.facts.hostname = fromPrompt;
  }
  return session;
}
