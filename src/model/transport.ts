/** The boundary between the runner and a device: a session that runs commands at a level. */
import type { Level, Platform } from './playbook.js';

/** Facts gathered once per host at connect. */
export interface Facts {
  /** What the device reports (`show version` / `/etc/sf/sf-version`; a POSIX login without
   * sf-version is `linux`); the inventory's `platform` when the device does not say. Judging uses it. */
  platform: Platform;
  /** The inventory's `platform`, present only when the device reports another one. */
  inventoryPlatform?: Platform;
  /** Software version, e.g. `6.5.0` (from `show version` / `/etc/sf/sf-version`); absent for `linux`. */
  version?: string;
  build?: string;
  model?: string;
  hostname?: string;
  /** Which shell the login landed in (FMC: `cli` or `expert`). */
  loginLevel: Level;
}

/** One command's outcome. A command that ran is always a value, never an exception. */
export interface CommandResult {
  command: string;
  level: Level;
  /** Output with prompts, echo, ANSI escapes and BEL removed; `\n` line ends. */
  output: string;
  /** Exit code in Linux shells; `null` in CLISH (it has none). */
  exitCode: number | null;
  durationMs: number;
  /** Output was cut at the configured cap. */
  truncated: boolean;
  /** The command did not finish within its timeout. */
  timedOut?: boolean;
  /** The session was lost while the command ran. */
  disconnected?: boolean;
  /** This session cannot answer the command at all (a troubleshoot bundle without its
   * evidence: "not in the bundle"); the check is then `skipped` with this reason, never judged
   * on an empty output (docs/bundles.md). */
  unavailable?: string;
}

/** Why a host could not be used, with a plain next step (see triage.ts). */
export type TriageClass =
  | 'dns'
  | 'refused'
  | 'connect-timeout'
  | 'host-key-mismatch'
  | 'host-key-unknown'
  | 'auth'
  | 'privilege'
  | 'unexpected-prompt'
  | 'disconnected'
  | 'command-timeout'
  | 'host-timeout'
  | 'interrupted'
  | 'replay-missing'
  | 'level-unavailable'
  | 'invalid-input'
  | 'internal';

/** A failure of the transport; `triage` says which class. Messages never hold secrets. */
export class TransportError extends Error {
  constructor(
    readonly triage: TriageClass,
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface RunOptions {
  timeoutMs?: number;
}

/** An open session to one host. Commands run one at a time, in order. */
export interface DeviceSession {
  readonly facts: Facts;
  /** Where the evidence comes from when it is not the live device (docs/bundles.md "Provenance"). */
  readonly bundle?: import('./result.js').BundleProvenance;
  /** Runs a command at a level, switching levels as needed. Rejects only with
   * TransportError for failures that end the session or the level (e.g. `privilege`);
   * a non-zero exit or a timeout is a value. */
  run(command: string, level: Level, opts?: RunOptions): Promise<CommandResult>;
  close(): Promise<void>;
}

/** What the caller of `connect` may ask of every attempt. */
export interface ConnectHooks {
  /** Awaited before EVERY login attempt, retries included: the run's login pacer
   * (`--connect-rate`), so a flapping fleet cannot burst logins at the AAA server. */
  beforeAttempt?: () => Promise<void>;
}

/** Opens sessions. The SSH transport, the recorder and the replayer implement it. */
export interface Connector {
  connect(host: import('./inventory.js').ConnectionSpec, signal?: AbortSignal, hooks?: ConnectHooks): Promise<DeviceSession>;
}
