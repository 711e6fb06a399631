/** OpenSSH known_hosts: parsing, host matching (plain, wildcard, `[host]:port`, hashed), verdicts. */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number, for messages. */
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Raw host field (comma list of patterns, or one `|1|salt|hash`). */
  hostField: string;
  keyType: string;
  keyBase64: string;
}

/** Result of checking a presented host key against the known entries. */
export type HostKeyVerdict =
  | { kind: 'match'; line: number }
  | { kind: 'unknown' }
  | { kind: 'mismatch'; line: number; knownType: string }
  | { kind: 'revoked'; line: number };

/** Parses known_hosts text; comments, blank and malformed lines are ignored (as OpenSSH does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    } else if (fields[0].startsWith('@')) {
      return;
    }
    if (fields.length < 3) return;
    entries.push({ line: i + 1, marker, hostField: fields[0], keyType: fields[1], keyBase64: fields[2] });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, else `[host]:port`. */
export function formatKnownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's hashed host name: base64(HMAC-SHA1(key = salt, name)). */
export function hashHostName(name: string, saltBase64: string): string {
  return createHmac('sha1', Buffer.from(saltBase64, 'base64')).update(name).digest('base64');
}

/** Builds a `|1|salt|hash` host field for `name` (random salt unless given). */
export function buildHashedHostField(name: string, saltBase64 = randomBytes(20).toString('base64')): string {
  return `|1|${saltBase64}|${hashHostName(name, saltBase64)}`;
}

function matchesGlob(pattern: string, name: string): boolean {
  // Most entries are plain names: compare without building a RegExp (a fleet's known_hosts is
  // scanned once per connection, so this is O(hosts²) per run).
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern.toLowerCase() === name.toLowerCase();
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(name);
}

/** True if the entry's host field names `host`/`port` (negated patterns `!x` veto a match). */
export function entryMatchesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = formatKnownHostName(host, port);
  if (entry.hostField.startsWith('|1|')) {
    const [, , salt, hash] = entry.hostField.split('|');
    return salt !== undefined && hash !== undefined && hashHostName(name, salt) === hash;
  }
  let matched = false;
  for (const pattern of entry.hostField.split(',')) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(pattern.slice(1), name)) return false;
    } else if (matchesGlob(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/**
 * known_hosts read once and indexed: plain names in a map (O(1) per connection); hashed lines
 * (`|1|salt|hash`, OpenSSH's HashKnownHosts) and globs/negations are scanned, since a hashed
 * name can only be found by hashing the wanted name with each line's salt — once per host, as
 * the result is kept for the verifier's second question. Answers equal `entryMatchesHost` over
 * every line, in file order.
 */
export class KnownHostsIndex {
  private readonly byName = new Map<string, KnownHostEntry[]>();
  private readonly scanned: KnownHostEntry[] = [];
  private readonly revoked = new Map<string, KnownHostEntry>();
  private readonly found = new Map<string, KnownHostEntry[]>();

  constructor(entries: readonly KnownHostEntry[] = []) {
    for (const e of entries) this.add(e);
  }

  /** Adds a line (e.g. one just appended by accept-new). */
  add(entry: KnownHostEntry): void {
    if (entry.marker === 'revoked') {
      if (!this.revoked.has(entry.keyBase64)) this.revoked.set(entry.keyBase64, entry);
      return;
    }
    if (entry.marker !== undefined) return; // @cert-authority: no certificate support
    this.found.clear();
    const names = entry.hostField.split(',');
    if (entry.hostField.startsWith('|1|') || names.some((n) => n.startsWith('!') || n.includes('*') || n.includes('?'))) {
      this.scanned.push(entry);
      return;
    }
    for (const n of new Set(names.map((x) => x.toLowerCase()))) {
      const list = this.byName.get(n);
      if (list) list.push(entry);
      else this.byName.set(n, [entry]);
    }
  }

  /** The revoked line for this key, if any. */
  revokedLine(keyBase64: string): KnownHostEntry | undefined {
    return this.revoked.get(keyBase64);
  }

  /** Marker-less lines naming host:port, in file order. */
  forHost(host: string, port: number): KnownHostEntry[] {
    const name = formatKnownHostName(host, port);
    let found = this.found.get(name);
    if (!found) {
      const plain = this.byName.get(name.toLowerCase()) ?? [];
      const scanned = this.scanned.filter((e) => entryMatchesHost(e, host, port));
      found = scanned.length === 0 ? plain : [...plain, ...scanned].sort((a, b) => a.line - b.line);
      // Bounded: a run asks about each of its hosts; a long-lived process starts over.
      if (this.found.size >= 100_000) this.found.clear();
      this.found.set(name, found);
    }
    return found;
  }
}

/** Decides what to do with a presented key. A key of another type than the known one(s) counts
 * as a mismatch: we prefer the known types during key exchange, so a different type means the
 * server changed. @cert-authority lines are ignored (no certificate support). */
export function checkHostKey(
  known: readonly KnownHostEntry[] | KnownHostsIndex,
  host: string,
  port: number,
  keyType: string,
  keyBase64: string,
): HostKeyVerdict {
  const index = known instanceof KnownHostsIndex ? known : new KnownHostsIndex(known);
  const revoked = index.revokedLine(keyBase64);
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const forHost = index.forHost(host, port);
  const same = forHost.find((e) => e.keyType === keyType && e.keyBase64 === keyBase64);
  if (same) return { kind: 'match', line: same.line };
  const other = forHost.find((e) => e.keyType === keyType) ?? forHost[0];
  if (other) return { kind: 'mismatch', line: other.line, knownType: other.keyType };
  return { kind: 'unknown' };
}

/** Key types known for a host, for ordering the host-key algorithms offered in key exchange. */
export function knownKeyTypesFor(known: readonly KnownHostEntry[] | KnownHostsIndex, host: string, port: number): string[] {
  const index = known instanceof KnownHostsIndex ? known : new KnownHostsIndex(known);
  return [...new Set(index.forHost(host, port).map((e) => e.keyType))];
}

/** The key type named inside an SSH wire-format public key blob (`ssh-ed25519`, `ssh-rsa`, ...). */
export function readKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** OpenSSH-style fingerprint: `SHA256:` + unpadded base64 of the blob's SHA-256. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Reads a known_hosts file; a missing file is an empty list. */
export function loadKnownHosts(file: string): KnownHostEntry[] {
  try {
    return parseKnownHosts(readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

interface CachedIndex {
  stamp: string;
  index: KnownHostsIndex;
  lines: number;
}
const indexCache = new Map<string, CachedIndex>();

function stampOf(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return 'absent';
  }
}

/** The file's index, read and built once and reused while the file is unchanged (one stat per
 * connection instead of a parse: a fleet run no longer costs O(hosts²)). */
export function loadKnownHostsIndex(file: string): KnownHostsIndex {
  const stamp = stampOf(file);
  const cached = indexCache.get(file);
  if (cached && cached.stamp === stamp) return cached.index;
  const entries = loadKnownHosts(file);
  const index = new KnownHostsIndex(entries);
  indexCache.set(file, { stamp, index, lines: entries.reduce((n, e) => Math.max(n, e.line), 0) });
  return index;
}

/** Appends `name type base64` (one write, O_APPEND) — what `StrictHostKeyChecking accept-new` does. */
export function appendKnownHost(file: string, host: string, port: number, keyType: string, keyBase64: string): void {
  mkdirSync(dirname(file), { recursive: true });
  let prefix = '';
  try {
    const existing = readFileSync(file, 'utf8');
    if (existing.length > 0 && !existing.endsWith('\n')) prefix = '\n';
  } catch {
    /* new file */
  }
  const before = stampOf(file);
  appendFileSync(file, `${prefix}${formatKnownHostName(host, port)} ${keyType} ${keyBase64}\n`, { mode: 0o600 });
  // Our own append: extend the cached index rather than re-reading the file at the next connection.
  const cached = indexCache.get(file);
  if (cached && cached.stamp === before) {
    cached.lines += prefix ? 2 : 1;
    cached.index.add({ line: cached.lines, hostField: formatKnownHostName(host, port), keyType, keyBase64 });
    cached.stamp = stampOf(file);
  }
}
