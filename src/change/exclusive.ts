/**
 * Files a change creates exclusively (docs/change-window.md "Run folders and locks"): a run
 * folder is new or empty and never a symlink; the plan's lock and a journal's "continued by"
 * marker are created with O_EXCL | O_NOFOLLOW, so a second apply or a second resume loses.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { UserError, type UserIssue } from '../model/errors.js';

/** Creates `path` with `text`, refusing an existing file or a symlink; false when it exists. */
export function createExclusive(path: string, text: string, mode?: number): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Why `--out DIR` cannot be this run's folder (absent, or an empty real folder, can). */
export function runFolderIssue(dir: string): UserIssue | undefined {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return undefined;
  }
  const hint = 'name a new folder (or leave --out out: reports/<run-id>/ is always new); each run keeps its own journal';
  if (st.isSymbolicLink()) return { code: 'cli-usage', message: `--out ${dir} is a symlink; a run folder is never written through a link`, hint };
  if (!st.isDirectory()) return { code: 'cli-usage', message: `--out ${dir} is not a folder`, hint };
  if (readdirSync(dir).length > 0) return { code: 'cli-usage', message: `--out ${dir} is not empty: a run folder is never reused (an earlier run's journal would be mixed with this one)`, hint };
  return undefined;
}

/** The lock beside a plan: refuses a second concurrent apply. Returns the release function. */
export function lockPlan(planPath: string, outDir: string | undefined, now: Date): () => void {
  const lock = `${planPath}.lock`;
  const text = JSON.stringify({ pid: process.pid, host: hostname(), since: now.toISOString(), ...(outDir ? { out: outDir } : {}) }) + '\n';
  if (!createExclusive(lock, text)) {
    let who = '';
    try {
      const held = JSON.parse(readFileSync(lock, 'utf8')) as { pid?: number; host?: string; since?: string };
      who = ` (pid ${held.pid} on ${held.host} since ${held.since})`;
    } catch {
      // unreadable: the message still names the file
    }
    throw new UserError({ code: 'cli-usage', message: `${lock} exists: another apply of this plan is running${who}, or one crashed`, hint: `if no apply of this plan is running (check the pid), remove the stale lock: rm ${lock}` });
  }
  // A second Ctrl-C exits at once (process.exit): the lock goes with the process then too.
  const release = () => rmSync(lock, { force: true });
  process.once('exit', release);
  return () => {
    process.removeListener('exit', release);
    release();
  };
}

/** Who continues a journal, as its `JOURNAL.next` marker says (pid, host, start). */
export interface JournalWriterInfo {
  pid?: number;
  host?: string;
  since?: string;
}

/** Why a journal may not be continued now: its run has not ended (no journal-end in its last
 * segment) and its writer still runs on this host, or runs on another host (cannot be checked
 * from here). A crashed writer is no obstacle: that is what resume is for. */
export function journalBusy(shownAs: string, ended: boolean, writer: JournalWriterInfo | undefined): UserIssue | undefined {
  if (ended || !writer || typeof writer.pid !== 'number') return undefined;
  if (writer.host === hostname()) {
    try {
      process.kill(writer.pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return undefined; // the writer crashed
    }
  }
  return { code: 'cli-usage', message: `${shownAs} is still being written by firebook (pid ${writer.pid} on ${writer.host} since ${writer.since})`, hint: 'wait for that run to end, then continue the change from any of its journals' };
}
