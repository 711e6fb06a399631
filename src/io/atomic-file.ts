/** Files written whole or not at all: the one atomic-write helper, used by
 * the reports, plan files and recordings alike, and the modes those files get. */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';

/** Marks a file still being written (`<name>.tmp-<pid>-<hex>`, also a run's result store): SHA256SUMS leaves it out. */
export const TEMP_MARK = '.tmp-';

/** Pieces are gathered up to this size before a write. */
export const WRITE_CHUNK = 1 << 20;

/** File modes (docs/secrets.md "File modes"): what may hold more than a report shows (plan.json,
 * journals, events.jsonl, the result store, recordings) is the owner's alone; run folders too;
 * reports follow the umask. */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
export const REPORT_FILE_MODE = 0o666;

/** Writes `text` (or its pieces, in order; a piece may be bytes) to `path` via a temp file in
 * the same folder, fsync, rename: a reader (or a textfile collector) never sees a half-written
 * file, and after a power cut the file is the old one or the new one. `mode` (default: a
 * report's, the umask decides) is the new file's from its creation. */
export function writeFileAtomic(path: string, text: string | Uint8Array | Iterable<string | Uint8Array>, mode: number = REPORT_FILE_MODE): void {
  const tmp = `${path}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', mode);
  try {
    let pending = '';
    for (const piece of typeof text === 'string' || text instanceof Uint8Array ? [text] : text) {
      if (typeof piece !== 'string') {
        writeSync(fd, pending);
        pending = '';
        writeSync(fd, piece);
        continue;
      }
      pending += piece;
      if (pending.length >= WRITE_CHUNK) {
        writeSync(fd, pending);
        pending = '';
      }
    }
    writeSync(fd, pending);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/** True when `path` is an existing folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
