/**
 * Record and replay. `--record DIR` saves every command a host ran (level, command, output,
 * exit code, timing) to `DIR/<host>.json`; `--replay DIR` answers the same commands from those
 * files with no SSH, so a recording re-evaluates to the same results (and offline analysis
 * of captured output works with the same playbooks).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from '../io/atomic-file.js';
import type { ConnectionSpec } from '../model/inventory.js';
import type { Level } from '../model/playbook.js';
import { connectionSecrets, redact } from '../model/redact.js';
import { readOnlyLineOf, renderLine } from '../command/words.js';
import { TransportError, type CommandResult, type ConnectHooks, type Connector, type DeviceSession, type Facts, type RunOptions } from '../model/transport.js';

export interface RecordedCommand {
  level: Level;
  command: string;
  output: string;
  exitCode: number | null;
  durationMs: number;
  truncated?: boolean;
  timedOut?: boolean;
}

export interface Recording {
  formatVersion: 1;
  host: string;
  recordedAt: string;
  facts: Facts;
  commands: RecordedCommand[];
}

/** File name for a host's recording: unique and stable. A plain lower-case name is kept as it
 * is (`ftd01.json`); any other name is sanitised and gets a short hash of the real name
 * (`fw_1-3f2a9c1b.json`), so `fw;1` and `fw_1` (or `FW1` and `fw1` on a case-insensitive
 * disk) never overwrite each other. The file also names its host, checked on reading. */
export function recordingFile(dir: string, host: string): string {
  if (/^[a-z0-9_-][a-z0-9._-]*$/.test(host)) return join(dir, `${host}.json`);
  const hash = createHash('sha256').update(host).digest('hex').slice(0, 8);
  return join(dir, `${host.toLowerCase().replace(/[^a-z0-9._-]/g, '_').replace(/^\./, '_')}-${hash}.json`);
}

/** Wraps a connector; every session's commands are saved (secrets redacted) when it closes. */
export class RecordingConnector implements Connector {
  /** One recording per host for the whole run: a reconnect appends to it, never starts over. */
  private readonly recordings = new Map<string, Recording>();
  constructor(
    private readonly inner: Connector,
    private readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  }

  async connect(spec: ConnectionSpec, signal?: AbortSignal, hooks?: ConnectHooks): Promise<DeviceSession> {
    const session = await this.inner.connect(spec, signal, hooks);
    const secrets = spec.secrets ?? connectionSecrets(spec);
    const rec: Recording = this.recordings.get(spec.name) ?? { formatVersion: 1, host: spec.name, recordedAt: new Date().toISOString(), facts: session.facts, commands: [] };
    this.recordings.set(spec.name, rec);
    const path = recordingFile(this.dir, spec.name);
    // The owner's alone (docs/secrets.md "File modes"); whole or not at all, fsynced.
    const save = () => writeFileAtomic(path, JSON.stringify(rec, null, 2) + '\n', PRIVATE_FILE_MODE);
    return {
      facts: session.facts,
      async run(command: string, level: Level, opts?: RunOptions): Promise<CommandResult> {
        const res = await session.run(command, level, opts);
        rec.commands.push({ level, command: redact(command, secrets), output: redact(res.output, secrets), exitCode: res.exitCode, durationMs: res.durationMs, truncated: res.truncated, timedOut: res.timedOut });
        save();
        return res;
      },
      async close() {
        save();
        await session.close();
      },
    };
  }
}

/** Reads a recording; throws TransportError('replay-missing') when the host has none. */
export function readRecording(dir: string, host: string): Recording {
  let text: string;
  try {
    text = readFileSync(recordingFile(dir, host), 'utf8');
  } catch {
    throw new TransportError('replay-missing', `no recording for host '${host}' in ${dir}`);
  }
  let rec: Recording;
  try {
    rec = JSON.parse(text) as Recording;
  } catch {
    throw new TransportError('replay-missing', `the recording ${recordingFile(dir, host)} is not valid JSON`);
  }
  if (rec.host !== host) throw new TransportError('replay-missing', `the recording ${recordingFile(dir, host)} is for host '${rec.host}', not '${host}'`);
  return rec;
}

/** A recorded POSIX command as a read-only step sends it today (every word single-quoted,
 * docs/commands.md): recordings made before that hold the unquoted text. */
function quotedForm(command: string): string | undefined {
  try {
    return renderLine(readOnlyLineOf(command), () => {
      throw new Error('a recorded command has no holes');
    });
  } catch {
    return undefined;
  }
}

/** A session that answers from a recording. Each command is matched by level and text, in
 * order (a recording older than quoted read-only words matches by its quoted form); a command
 * asked again (a retry) gets the next recorded answer, or the last one.
 * Recorded commands are redacted, so the live command is redacted the same way to match. */
export function replaySession(rec: Recording, secrets: readonly string[] = []): DeviceSession {
  const used = new Set<number>();
  return {
    facts: rec.facts,
    async run(command: string, level: Level): Promise<CommandResult> {
      const wanted = redact(command, secrets);
      let matches = rec.commands.map((c, i) => ({ c, i })).filter(({ c }) => c.command === wanted && c.level === level);
      if (matches.length === 0 && level !== 'cli') matches = rec.commands.map((c, i) => ({ c, i })).filter(({ c }) => c.level === level && quotedForm(c.command) === wanted);
      if (matches.length === 0) throw new TransportError('replay-missing', `the recording has no output for '${command}' at level ${level}`);
      const next = matches.find(({ i }) => !used.has(i)) ?? matches[matches.length - 1];
      used.add(next.i);
      const c = next.c;
      return { command, level, output: c.output, exitCode: c.exitCode, durationMs: c.durationMs, truncated: c.truncated ?? false, timedOut: c.timedOut };
    },
    async close() {},
  };
}

export class ReplayConnector implements Connector {
  constructor(private readonly dir: string) {}
  async connect(spec: ConnectionSpec): Promise<DeviceSession> {
    return replaySession(readRecording(this.dir, spec.name), spec.secrets ?? connectionSecrets(spec));
  }
}
