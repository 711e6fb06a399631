/** A troubleshoot bundle as a host (docs/bundles.md): a `DeviceSession` that answers commands
 * from the bundle's files through the bundle map, and says "not in the bundle" for anything
 * else — a live-only probe or evidence this bundle does not carry — so that check is skipped,
 * never guessed. */
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Level, Platform } from '../model/playbook.js';
import type { BundleProvenance } from '../model/result.js';
import { TransportError, type CommandResult, type DeviceSession, type Facts } from '../model/transport.js';
import { parseShowVersion, parseSfVersion, platformOfModel } from '../checks/parsers/show-version.js';
import { answerFor, bundlePathOf, memberMatches, wantOf, type BundleAnswer, type BundleMap } from './bundle-map.js';
import { BundleError, readArchive, type ArchiveLimits, type ArchiveMember, type OpenedArchive } from './archive.js';

/** The reason a check gets when its evidence is not in the bundle (exact words, issue #22). */
export const NOT_IN_BUNDLE = 'not in the bundle';

/** The most a command's answer holds; beyond it the output is cut and marked truncated. */
const OUTPUT_CAP_BYTES = 8 * 1024 * 1024;

/** The bundle files the host's facts come from: `show version` (or `sf-version`) and the host name. */
export function identityPaths(map: BundleMap): string[] {
  const out = [answerFor(map, 'show version', 'cli')?.bundle, bundlePathOf(map, '/etc/sf/sf-version')?.bundle, bundlePathOf(map, '/etc/hostname')?.bundle];
  return out.filter((p): p is string => p !== undefined);
}

/** The bundle paths that answer `commands` (those the map does not answer are left out). */
export function wantedPaths(map: BundleMap, commands: Iterable<{ command: string; level: Level }>): Set<string> {
  const paths = new Set(identityPaths(map));
  for (const c of commands) {
    const a = answerFor(map, c.command, c.level);
    if (a) paths.add(a.bundle);
  }
  return paths;
}

export class BundleSession implements DeviceSession {
  constructor(
    readonly facts: Facts,
    readonly bundle: BundleProvenance,
    private readonly archive: OpenedArchive,
    private readonly map: BundleMap,
  ) {}

  /** The member holding a bundle path, if the bundle carries it. */
  member(bundlePath: string): ArchiveMember | undefined {
    return memberOf(this.archive, bundlePath);
  }

  async run(command: string, level: Level): Promise<CommandResult> {
    const started = Date.now();
    const notHere = (): CommandResult => ({ command, level, output: '', exitCode: null, durationMs: 0, truncated: false, unavailable: NOT_IN_BUNDLE });
    // `GET <path>` (an api: step) is the FMC's REST API: never in a bundle.
    const answer = command.startsWith('GET ') ? undefined : answerFor(this.map, command, level);
    const member = answer && this.member(answer.bundle);
    if (!answer || !member) return notHere();
    const { text, truncated } = await readAnswer(member.path, answer);
    return { command, level, output: text, exitCode: level === 'cli' ? null : 0, durationMs: Date.now() - started, truncated };
  }

  async close(): Promise<void> {
    await this.archive.dispose();
  }
}

function memberOf(archive: OpenedArchive, bundlePath: string): ArchiveMember | undefined {
  const exact = archive.members.get(bundlePath);
  if (exact) return exact;
  for (const [name, m] of archive.members) if (memberMatches(name, bundlePath)) return m;
  return undefined;
}

/** Reads what an answer takes of a file: all of it, its last or its first N lines, bounded. */
async function readAnswer(file: string, answer: BundleAnswer): Promise<{ text: string; truncated: boolean }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    if (answer.take === 'last') return await lastLines(fh, size, answer.lines ?? 10);
    const want = Math.min(size, OUTPUT_CAP_BYTES);
    const buf = Buffer.alloc(want);
    const { bytesRead } = await fh.read(buf, 0, want, 0);
    let text = normalise(buf.subarray(0, bytesRead).toString('utf8'));
    let truncated = size > OUTPUT_CAP_BYTES;
    if (answer.take === 'first') {
      const lines = text.split('\n');
      const n = answer.lines ?? 10;
      if (lines.length > n) {
        text = lines.slice(0, n).join('\n') + '\n';
        truncated = false;
      }
    }
    return { text, truncated };
  } finally {
    await fh.close();
  }
}

/** The last `n` lines, read backwards in chunks (a log of gigabytes is never read whole). */
async function lastLines(fh: import('node:fs/promises').FileHandle, size: number, n: number): Promise<{ text: string; truncated: boolean }> {
  const CHUNK = 64 * 1024;
  const chunks: Buffer[] = [];
  let pos = size;
  let newlines = 0;
  let read = 0;
  // A final newline ends the last line; it does not start another.
  const needed = n + 1;
  while (pos > 0 && newlines < needed && read < OUTPUT_CAP_BYTES) {
    const len = Math.min(CHUNK, pos);
    pos -= len;
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos);
    chunks.unshift(buf);
    read += len;
    for (const b of buf) if (b === 10) newlines++;
  }
  let text = normalise(Buffer.concat(chunks).toString('utf8'));
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const truncated = pos > 0 && lines.length < n;
  text = lines.slice(Math.max(0, lines.length - n)).join('\n') + (endsWithNewline ? '\n' : '');
  return { text, truncated };
}

function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

async function readSmall(member: ArchiveMember | undefined): Promise<string | undefined> {
  if (!member) return undefined;
  return (await readAnswer(member.path, { bundle: '', take: 'all', status: 'confirmed' })).text;
}

export interface OpenBundleOptions {
  map: BundleMap;
  /** Bundle paths to extract (wantedPaths); the identity files are always added. */
  want: ReadonlySet<string>;
  /** The platform to assume when the bundle does not say (the inventory's). */
  platform: Platform;
  limits?: Partial<ArchiveLimits>;
}

/** Opens a bundle: reads the wanted members, then the facts (from `show version`, else
 * `sf-version`; the host name from `show version`'s title, else /etc/hostname) and the
 * provenance. An unreadable or hostile bundle is a TransportError `invalid-input` with one line. */
export async function openBundleSession(file: string, opts: OpenBundleOptions): Promise<BundleSession> {
  const want = new Set([...opts.want, ...identityPaths(opts.map)]);
  let archive: OpenedArchive;
  try {
    archive = await readArchive(file, wantOf(want), opts.limits);
  } catch (err) {
    // One line: what is wrong with which file, and the reader's hint (what to do about it).
    const issue = err instanceof BundleError ? err.issues[0] : undefined;
    const message = issue ? (issue.hint ? `${issue.message}; ${issue.hint}` : issue.message) : `${file}: cannot read the bundle: ${(err as Error).message}`;
    throw new TransportError('invalid-input', message.split('\n')[0]);
  }
  try {
    const session = new BundleSession({ platform: opts.platform, loginLevel: 'cli' }, { file: basename(file), sha256: archive.sha256 }, archive, opts.map);
    const at = (p: string | undefined) => (p === undefined ? undefined : session.member(p));
    const showVersion = await readSmall(at(answerFor(opts.map, 'show version', 'cli')?.bundle));
    const sfVersion = await readSmall(at(bundlePathOf(opts.map, '/etc/sf/sf-version')?.bundle));
    const hostFile = await readSmall(at(bundlePathOf(opts.map, '/etc/hostname')?.bundle));
    const fields = { ...(sfVersion ? parseSfVersion(sfVersion).fields : {}), ...(showVersion ? definedStrings(parseShowVersion(showVersion).fields) : {}) };
    const facts = session.facts;
    for (const key of ['version', 'build', 'model', 'hostname'] as const) {
      const v = fields[key];
      if (typeof v === 'string' && v !== '') facts[key] = v;
    }
    const hostname = hostFile?.split('\n')[0].trim();
    if (facts.hostname === undefined && hostname) facts.hostname = hostname;
    const reported = facts.model ? platformOfModel(facts.model) : undefined;
    if (reported && reported !== opts.platform) {
      facts.platform = reported;
      facts.inventoryPlatform = opts.platform;
    }
    Object.assign(session.bundle, await generatedAt(file, archive), facts.hostname ? { device: facts.hostname } : {}, facts.version ? { version: facts.version } : {});
    return session;
  } catch (err) {
    await archive.dispose().catch(() => undefined);
    throw new TransportError('invalid-input', `${file}: cannot read the bundle: ${(err as Error).message}`.split('\n')[0]);
  }
}

function definedStrings(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === 'string' && v !== ''));
}

/** The bundle's generation time: the newest member time the archive reports, else the archive
 * file's modification time, labelled so (docs/bundles.md "Provenance in the report"). */
async function generatedAt(file: string, archive: OpenedArchive): Promise<Pick<BundleProvenance, 'generatedAt' | 'generatedFrom'>> {
  let newest: number | undefined;
  for (const m of archive.members.values()) {
    const ms = m.mtime?.getTime();
    if (ms !== undefined && Number.isFinite(ms) && ms > 0 && (newest === undefined || ms > newest)) newest = ms;
  }
  if (newest !== undefined) return { generatedAt: new Date(newest).toISOString(), generatedFrom: 'member-mtime' };
  return { generatedAt: (await stat(file)).mtime.toISOString(), generatedFrom: 'archive-mtime' };
}
