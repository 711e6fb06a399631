/** SHA256SUMS: the manifest of a run folder, so an auditor can tell a file changed after the run
 * (`firebook verify`, docs/history.md "Signed evidence"). */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TEMP_MARK, WRITE_CHUNK, writeFileAtomic } from '../io/atomic-file.js';
import { CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE } from '../model/run-folder.js';

/** Every file under `dir` but folders, as names relative to it with `/`; `withTemp`: also the
 * files still being written (a verifier must see every file, a writer leaves those out). */
function listFiles(dir: string, withTemp = false, root = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, withTemp, root));
    else if (withTemp ? true : entry.isFile() && !entry.name.includes(TEMP_MARK)) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

/** The manifest and its signature are not files the manifest lists. */
const isManifest = (name: string) => name === CHECKSUMS_FILE || name === CHECKSUMS_SIGNATURE_FILE;

/** A file's SHA-256, read a piece at a time (report.json of a large fleet is hundreds of MiB). */
function sha256File(path: string): string {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(WRITE_CHUNK);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Writes SHA256SUMS (`sha256sum -c` format) for every file in `dir` except itself and
 * SHA256SUMS.sig (a later re-write, e.g. `report render` into the folder, stays correct). */
export function writeChecksums(dir: string): string {
  const lines = listFiles(dir)
    .filter((name) => !isManifest(name))
    .sort()
    .map((name) => `${sha256File(join(dir, name))}  ${name}`);
  const path = join(dir, CHECKSUMS_FILE);
  writeFileAtomic(path, lines.length ? lines.join('\n') + '\n' : '');
  return path;
}

/** One thing wrong with a run folder against its SHA256SUMS. */
export interface ChecksumFinding {
  /** The file's name in the folder (`/`-separated), or `SHA256SUMS:<line>` for a bad line. */
  file: string;
  problem: 'missing' | 'changed' | 'unlisted' | 'unreadable' | 'bad-line';
  detail?: string;
}

/** `<64 hex>  <name>` (or ` *<name>`, sha256sum's binary mode): a name inside the folder. */
const LINE = /^([0-9a-f]{64}) [ *](.+)$/;
const insideName = (name: string) => !name.startsWith('/') && !name.split('/').some((p) => p === '' || p === '.' || p === '..');

/**
 * Checks `dir` against `sums` (the exact bytes of its SHA256SUMS): every listed file present with
 * its digest, every file present listed. The manifest and its signature are neither.
 */
export function checkChecksums(dir: string, sums: Buffer): { listed: number; findings: ChecksumFinding[] } {
  const findings: ChecksumFinding[] = [];
  const listed = new Set<string>();
  const text = sums.toString('utf8');
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  lines.forEach((line, i) => {
    const m = LINE.exec(line);
    const bad = (detail: string) => findings.push({ file: `${CHECKSUMS_FILE}:${i + 1}`, problem: 'bad-line', detail });
    if (!m) return void bad('not "<sha256 hex>  <file>"');
    const name = m[2]!;
    if (!insideName(name) || isManifest(name)) return void bad(`'${name}' is not a file of the folder it may list`);
    if (listed.has(name)) return void bad(`'${name}' is listed twice`);
    listed.add(name);
    let actual: string;
    try {
      // Only a regular file is read (a FIFO put in its place would block the verifier).
      if (!statSync(join(dir, name)).isFile()) return void findings.push({ file: name, problem: 'unreadable', detail: 'not a regular file' });
      actual = sha256File(join(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      findings.push(code === 'ENOENT' ? { file: name, problem: 'missing' } : { file: name, problem: 'unreadable', detail: (err as Error).message });
      return;
    }
    if (actual !== m[1]) findings.push({ file: name, problem: 'changed', detail: `sha256 ${actual}, SHA256SUMS says ${m[1]}` });
  });
  for (const name of listFiles(dir, true).sort()) {
    if (!isManifest(name) && !listed.has(name)) findings.push({ file: name, problem: 'unlisted' });
  }
  return { listed: listed.size, findings };
}

/** The exact bytes of `dir`'s SHA256SUMS, or undefined when it has none. */
export function readChecksums(dir: string): Buffer | undefined {
  try {
    return readFileSync(join(dir, CHECKSUMS_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
