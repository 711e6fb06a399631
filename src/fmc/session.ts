/**
 * `api:` collect steps at the seam every step goes through (docs/playbooks.md "API steps"): a
 * Connector that wraps another and answers level `api` — `GET <path>` — from the FMC REST API
 * of a host that came from a `plugin: firebook.fmc` source; every other level goes to the
 * wrapped session (SSH). The runner, checks and reports see one more DeviceSession.
 * GET only: the client has no other method (docs/fmc.md "The API client").
 */
import type { ConnectionSpec } from '../model/inventory.js';
import type { Level } from '../model/playbook.js';
import { TransportError, type CommandResult, type ConnectHooks, type Connector, type DeviceSession, type RunOptions } from '../model/transport.js';
import { connectFmc, type FmcConnectOptions } from './client.js';
import { FmcError } from './errors.js';

/** How a host reaches its FMC's API: its login settings, or why it has none. */
export type FmcApiOf = (host: ConnectionSpec) => FmcConnectOptions | { none: string };

/** Keys whose values an answer never shows (a SecureX `clientPassword`, tokens). */
const SECRET_KEY = /password|secret|token/i;

/** The answer as evidence: `{ "items": [...] }` (every page, expanded), secrets blanked. */
export function apiEvidence(items: unknown[]): string {
  return JSON.stringify({ items }, (k, v) => (k !== '' && SECRET_KEY.test(k) && v !== null && v !== '' ? '********' : v), 2);
}

class FmcApiSession implements DeviceSession {
  constructor(
    private readonly inner: DeviceSession,
    private readonly host: ConnectionSpec,
    private readonly apiOf: FmcApiOf,
  ) {}

  get facts() {
    return this.inner.facts;
  }

  async run(command: string, level: Level, opts?: RunOptions): Promise<CommandResult> {
    if (level !== 'api') return this.inner.run(command, level, opts);
    const m = /^GET (\/\S*)$/.exec(command);
    if (!m) throw new TransportError('level-unavailable', `an api: step only reads (GET): '${command.slice(0, 80)}' refused`);
    let settings: ReturnType<FmcApiOf>;
    try {
      settings = this.apiOf(this.host);
    } catch (err) {
      throw new TransportError('level-unavailable', `api: step on '${this.host.name}': ${(err as Error).message}`);
    }
    if ('none' in settings) throw new TransportError('level-unavailable', settings.none);
    const started = Date.now();
    try {
      const client = await connectFmc({ ...settings, ...(opts?.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
      const items = await client.getAll(m[1]);
      return { command, level, output: apiEvidence(items), exitCode: 0, durationMs: Date.now() - started, truncated: false };
    } catch (err) {
      if (!(err instanceof FmcError)) throw err;
      throw new TransportError('level-unavailable', `FMC API (${err.triage}): ${err.message}; next: ${err.nextStep}`);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Wraps a connector: its sessions also answer `api:` steps (through `apiOf`). */
export class FmcApiConnector implements Connector {
  constructor(
    private readonly inner: Connector,
    private readonly apiOf: FmcApiOf,
  ) {}

  async connect(host: ConnectionSpec, signal?: AbortSignal, hooks?: ConnectHooks): Promise<DeviceSession> {
    return new FmcApiSession(await this.inner.connect(host, signal, hooks), host, this.apiOf);
  }
}
