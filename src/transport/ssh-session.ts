/** A DeviceSession over one interactive PTY: login (CLISH by its `>`, any POSIX shell pinned),
 * facts from the device, the level state machine, one command at a time. */
import type { ConnectionSpec } from '../model/inventory.js';
import type { Level } from '../model/playbook.js';
import { TransportError, type CommandResult, type DeviceSession, type Facts, type RunOptions } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { parseShowVersion, parseSfVersion, platformFromModel } from './facts.js';
import { enterExpert, enterRoot, exitLevel, rankOf, type LevelContext } from './levels.js';
import { awaitArrival, lastBytes, pinPosixShell, type PinnedShell } from './pinned-shell.js';
import { CLISH_PROMPT, PASSWORD_CHANGE_PROMPT, PASSWORD_PROMPT } from './prompts.js';
import { runClishCommand, runMarkedCommand, type Exchange } from './shell-ops.js';
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
    /** The login shell's pinned prompt (absent for a CLISH login). */
    basePrompt?: string,
  ) {
    this.level = baseLevel;
    this.facts = { platform: init.spec.platform, loginLevel: baseLevel };
    this.ctx = {
      shell: init.shell,
      // FTD's sudo wants the admin's own password (docs/devices.md "Levels").
      becomePassword: init.spec.becomePassword ?? init.spec.password,
      secrets: init.secrets,
      prompts: new Map(basePrompt ? [[baseLevel, basePrompt]] : []),
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
      : runMarkedCommand(shell, command, timeoutMs, outputCapBytes, this.promptOf(at));
  }

  private promptOf(level: Level): string {
    const p = this.ctx.prompts.get(level);
    if (!p) throw new TransportError('internal', `level ${level} is not pinned`);
    return p;
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
        this.facts.platform === 'linux'
          ? 'linux hosts have no CLISH (>) shell'
          : `this ${this.facts.platform.toUpperCase()} logs in to the Linux shell, where the > CLI is not available`;
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

  /** Gathers facts from the device: CLISH `show version`, or in a POSIX login the host name and
   * `/etc/sf/sf-version` in one exchange. The device's platform wins over the inventory's;
   * a disagreement is kept in `inventoryPlatform` for the report. */
  async gatherFacts(timeoutMs: number): Promise<void> {
    const { spec, shell, outputCapBytes } = this.init;
    const facts: Facts = { platform: spec.platform, loginLevel: this.baseLevel };
    let model: string | undefined;
    if (this.baseLevel === 'cli') {
      const ex = await runClishCommand(shell, 'show version', timeoutMs, outputCapBytes);
      Object.assign(facts, definedOnly(parseShowVersion(ex.output)));
      model = facts.model;
    } else {
      const cmd = 'printf \'%s\\n\' "$(hostname 2>/dev/null)"; cat /etc/sf/sf-version 2>/dev/null';
      const ex = await runMarkedCommand(shell, cmd, timeoutMs, outputCapBytes, this.promptOf(this.baseLevel));
      const nl = ex.output.indexOf('\n');
      const name = ex.output.slice(0, Math.max(0, nl)).trim();
      if (name !== '') facts.hostname = name;
      const sf = parseSfVersion(ex.output.slice(nl + 1));
      Object.assign(facts, definedOnly(sf));
      // A POSIX login without an sf-version file is a plain Linux host.
      model = sf.model ?? (ex.exitCode !== 0 ? '' : undefined);
    }
    const reported = model === '' ? 'linux' : model !== undefined ? platformFromModel(model) : undefined;
    if (reported && reported !== spec.platform) {
      facts.platform = reported;
      facts.inventoryPlatform = spec.platform;
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

/** Reads the login (banner, MOTD) up to CLISH's `>` or a POSIX shell, which is pinned; then
 * gathers facts. A shell that never answers fails in seconds with the last bytes seen. */
export async function openSshSession(init: SessionInit, loginTimeoutMs: number): Promise<SshDeviceSession> {
  const { shell, spec } = init;
  const cli = { name: 'cli', pattern: CLISH_PROMPT };
  const watch = [{ name: 'password-change', pattern: PASSWORD_CHANGE_PROMPT }, cli, { name: 'password', pattern: PASSWORD_PROMPT }];
  let seen = await awaitArrival(shell, watch, loginTimeoutMs);
  let pinned: PinnedShell | undefined;
  if (seen.name === 'ready') {
    const r = await pinPosixShell(shell, { what: 'login shell', secrets: init.secrets, watch });
    if ('prompt' in r) pinned = r;
    else seen = r;
  }
  const lastLine = redact(seen.text.trim().split('\n').slice(-1)[0] ?? '', init.secrets).slice(0, 200);
  if (seen.name === 'password-change') {
    throw new TransportError('unexpected-prompt', `the device asks for a password change at login ("${lastLine}"); log in once by hand to set it`);
  }
  if (seen.name === 'password' || seen.name === 'timeout') {
    const what = seen.name === 'password' ? 'a password question' : `nothing that answers within ${loginTimeoutMs} ms`;
    throw new TransportError('unexpected-prompt', `no shell after login: ${what} (last bytes: ${lastBytes(shell, init.secrets)})`);
  }
  const base: Level = pinned ? (pinned.uid === 0 ? 'root' : 'expert') : 'cli';
  const session = new SshDeviceSession(init, base, pinned?.prompt);
  await session.gatherFacts(spec.commandTimeoutMs);
  return session;
}
