/** SHA256SUMS: the manifest of a run folder, so an auditor can tell a file changed after the run. */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { TEMP_MARK, WRITE_CHUNK, writeFileAtomic } from '../io/atomic-file.js';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) out.push(full);
  }
  return out;
}

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

/** Writes SHA256SUMS (`sha256sum -c` format) for every file in `dir` except itself. */
export function writeChecksums(dir: string): string {
  const lines = listFiles(dir)
    .map((f) => relative(dir, f).split(sep).join('/'))
    .filter((name) => name !== 'SHA256SUMS')
    .sort()
    .map((name) => `${sha256File(join(dir, name))}  ${name}`);
  const path = join(dir, 'SHA256SUMS');
  writeFileAtomic(path, lines.length ? lines.join('\n') + '\n' : '');
  return path;
}
