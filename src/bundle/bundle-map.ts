/** The bundle map (docs/bundles.md "The bundle map"): which file of a troubleshoot bundle
 * answers which playbook command. It is data — the shipped `bundle-map.yml`, extended by the
 * user's `--bundle-map FILE` — because layouts differ between releases and part of it is not
 * confirmed. Commands are read with the command language (command/words.ts), never with
 * patterns over the whole line. */
import { posix } from 'node:path';
import type { Level } from '../model/playbook.js';
import { UserError } from '../model/errors.js';
import { packagePath } from '../io/package-files.js';
import { readOnlyLine, wordText } from '../command/index.js';
import { readUserFile } from '../load/playbook.js';
import { parseYamlSource } from '../load/yaml-source.js';
import { validateAgainstSchema } from '../validate/schema.js';

export type EntryStatus = 'confirmed' | 'unconfirmed';

export interface CommandEntry {
  level: Level;
  command: string;
  /** The command path the bundle script ran; the file name follows from it (commandOutputName). */
  runs?: string;
  /** The file, named directly. */
  bundle?: string;
  status: EntryStatus;
  source?: string;
}

export interface PathEntry {
  /** A device path; ending with `/`, a folder prefix. */
  device: string;
  bundle: string;
  status: EntryStatus;
  source?: string;
}

export interface PrefixEntry {
  device: string;
  as: string;
  status: EntryStatus;
  source?: string;
}

export interface ReaderEntry {
  words: string[];
  take: 'all' | 'last' | 'first';
}

export interface BundleMap {
  commands: CommandEntry[];
  paths: PathEntry[];
  prefixes: PrefixEntry[];
  readers: ReaderEntry[];
}

/** What answers one command: a bundle file (path relative to the bundle root) and how much of it. */
export interface BundleAnswer {
  bundle: string;
  take: 'all' | 'last' | 'first';
  lines?: number;
  /** Unconfirmed when any entry used to find it is. */
  status: EntryStatus;
}

/** The shipped map's location. */
export const SHIPPED_BUNDLE_MAP = 'bundle-map.yml';

/** `command-outputs/` + the command path without its leading `/`, every `/` turned into `-`,
 * plus `.output`: `/usr/local/sf/bin/sfcli.pl show managers` →
 * `command-outputs/usr-local-sf-bin-sfcli.pl show managers.output` (docs/bundles.md). */
export function commandOutputName(runs: string): string {
  return `command-outputs/${runs.replace(/^\/+/, '').split('/').join('-')}.output`;
}

/** Reads and validates one map file; every problem at file:line:col (exit 4). */
export function readBundleMapFile(file: string): BundleMap {
  const source = parseYamlSource(file, readUserFile(file, 'bundle map'));
  const issues = validateAgainstSchema('bundle-map', source);
  if (issues.length > 0) throw new UserError(issues.map((i) => ({ ...i, code: 'bundle' as const, hint: i.hint ?? 'see docs/bundles.md "Extending the map"' })));
  const doc = source.value as Partial<BundleMap>;
  return { commands: doc.commands ?? [], paths: doc.paths ?? [], prefixes: doc.prefixes ?? [], readers: doc.readers ?? [] };
}

const commandKey = (e: CommandEntry) => `${e.level} ${splitWords(e.command).join(' ')}`;

/** `over`'s entries replace `base`'s with the same key (level and words; device path; reader words). */
export function mergeBundleMaps(base: BundleMap, over: BundleMap): BundleMap {
  const merge = <T>(a: T[], b: T[], key: (x: T) => string): T[] => {
    const taken = new Set(b.map(key));
    return [...b, ...a.filter((x) => !taken.has(key(x)))];
  };
  return {
    commands: merge(base.commands, over.commands, commandKey),
    paths: merge(base.paths, over.paths, (p) => p.device),
    prefixes: merge(base.prefixes, over.prefixes, (p) => p.device),
    readers: merge(base.readers, over.readers, (r) => r.words.join(' ')),
  };
}

/** The shipped map, with the user's file (if any) on top. */
export function loadBundleMap(userFile?: string): BundleMap {
  const shipped = readBundleMapFile(packagePath(SHIPPED_BUNDLE_MAP));
  return userFile ? mergeBundleMaps(shipped, readBundleMapFile(userFile)) : shipped;
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** The words of a rendered command when it is ONE simple command without redirections; else
 * undefined (a pipeline, a list or a redirection is never answered from a bundle). */
export function commandWords(command: string): string[] | undefined {
  try {
    const line = readOnlyLine(command);
    if (line.commands.length !== 1 || line.commands[0].redirections.length > 0) return undefined;
    return line.commands[0].words.map((w) => wordText(w, () => '\u0000'));
  } catch {
    return undefined;
  }
}

/** A device path as the bundle holds it: absolute, normalised, without `..`; the longest
 * matching prefix rewritten (`/ngfw/var/log/x` → `/var/log/x`) and then the longest `paths`
 * entry applied. Undefined when no entry covers it. */
export function bundlePathOf(map: BundleMap, devicePath: string): { bundle: string; status: EntryStatus } | undefined {
  if (!devicePath.startsWith('/') || devicePath.includes('\u0000') || devicePath.split('/').includes('..')) return undefined;
  let path = posix.normalize(devicePath);
  let status: EntryStatus = 'confirmed';
  const prefix = longest(map.prefixes.filter((p) => path.startsWith(p.device)), (p) => p.device);
  if (prefix) {
    path = prefix.as + path.slice(prefix.device.length);
    if (prefix.status === 'unconfirmed') status = 'unconfirmed';
  }
  const entry = longest(
    map.paths.filter((p) => (p.device.endsWith('/') ? path.startsWith(p.device) && path.length > p.device.length : path === p.device)),
    (p) => p.device,
  );
  if (!entry) return undefined;
  const bundle = entry.device.endsWith('/') ? joinBundle(entry.bundle, path.slice(entry.device.length)) : entry.bundle;
  return { bundle, status: entry.status === 'unconfirmed' ? 'unconfirmed' : status };
}

function joinBundle(dir: string, rest: string): string {
  return dir.endsWith('/') ? dir + rest : `${dir}/${rest}`;
}

function longest<T>(items: T[], key: (x: T) => string): T | undefined {
  let best: T | undefined;
  for (const x of items) if (!best || key(x).length > key(best).length) best = x;
  return best;
}

/** The bundle file answering `command` at `level`, or undefined: the command is not in the map
 * (a live-only probe such as curl, nslookup, lsof, netstat), so its check is not judged. */
export function answerFor(map: BundleMap, command: string, level: Level): BundleAnswer | undefined {
  const words = commandWords(command);
  if (!words || words.length === 0) return undefined;
  const joined = words.join(' ');
  const entry = map.commands.find((e) => e.level === level && splitWords(e.command).join(' ') === joined);
  if (entry) return { bundle: entry.bundle ?? commandOutputName(entry.runs!), take: 'all', status: entry.status };
  if (level === 'cli') return undefined;
  for (const reader of map.readers) {
    const got = matchReader(reader, words);
    if (!got) continue;
    const target = bundlePathOf(map, got.path);
    if (!target) return undefined;
    return { bundle: target.bundle, take: reader.take, lines: got.lines, status: target.status };
  }
  return undefined;
}

function matchReader(reader: ReaderEntry, words: string[]): { path: string; lines?: number } | undefined {
  if (reader.words.length !== words.length) return undefined;
  let path: string | undefined;
  let lines: number | undefined;
  for (const [i, pattern] of reader.words.entries()) {
    const w = words[i];
    if (pattern === '{path}') {
      if (!w.startsWith('/')) return undefined;
      path = w;
    } else if (pattern === '{lines}') {
      if (!/^\d{1,9}$/.test(w)) return undefined;
      lines = Number(w);
    } else if (pattern !== w) return undefined;
  }
  return path === undefined ? undefined : { path, lines };
}

/** Does a member name (as stored, `./` dropped) hold the bundle path? The bundle's top folder
 * name is not confirmed, so a member matches when its name is the path or ends with `/` + it. */
export function memberMatches(name: string, bundlePath: string): boolean {
  return name === bundlePath || (name.endsWith(bundlePath) && name[name.length - bundlePath.length - 1] === '/');
}

/** A `want` predicate for the archive reader: the member holds one of `paths`. */
export function wantOf(paths: ReadonlySet<string>): (name: string) => boolean {
  return (name) => {
    if (paths.has(name)) return true;
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) if (paths.has(name.slice(i + 1))) return true;
    return false;
  };
}
