/**
 * The history of a change across its journals (docs/change-window.md "One change, one history"):
 * `JOURNAL.next` links to the journal continuing it, and `plan.json.applied` beside a plan names
 * the journals of its applies.
 */
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import type { Fields } from '../model/result.js';
import { readCheckedJournal, type CheckedJournal } from './journal.js';
import { journalBusy, type JournalWriterInfo } from './exclusive.js';
import { appliedValues } from './remaining.js';

/** Where a change command writes what it says on the way (the CLI's stderr). */
export interface ChangeNotes {
  stderr: { write(text: string): unknown };
}

/** Reads and checks one journal (schema, chain); the CLI passes one that first tells a file of
 * another kind (a plan, a report) with the command that takes it. */
export type JournalReader = (path: string, shownAs: string) => CheckedJournal;

/** The file beside a journal that names the journal continuing it (resume, rollback). */
export const continuedMarker = (journalPath: string) => `${journalPath}.next`;

/**
 * The newest journal of the change `path` belongs to: each `JOURNAL.next` names the journal that
 * continues it (docs/change-window.md "One change, one history"). Refuses (exit 4) a marker that
 * names a journal that is gone, or a loop.
 */
export function newestJournal(path: string, shownAs = path, cwd = process.cwd()): { path: string; shownAs: string; hops: number; writer?: JournalWriterInfo } {
  let current = path;
  let shown = shownAs;
  let writer: JournalWriterInfo | undefined;
  const seen = new Set<string>([current]);
  for (;;) {
    const marker = continuedMarker(current);
    if (!existsSync(marker)) return { path: current, shownAs: shown, hops: seen.size - 1, ...(writer ? { writer } : {}) };
    let next: string | undefined;
    try {
      const named = JSON.parse(readFileSync(marker, 'utf8')) as { journal?: string } & JournalWriterInfo;
      next = named.journal;
      writer = { pid: named.pid, host: named.host, since: named.since };
    } catch {
      // unreadable: refused below
    }
    if (!next) throw new UserError({ code: 'cli-usage', message: `${marker} does not name the journal that continues ${shown}`, hint: 'a .next file is written by firebook resume and rollback only; name the newest journal of the change' });
    const nextPath = resolve(dirname(current), next);
    if (seen.has(nextPath)) throw new UserError({ code: 'cli-usage', message: `${marker}: the journals of this change name each other in a loop`, hint: 'name the newest journal of the change' });
    if (!existsSync(nextPath)) throw new UserError({ code: 'cli-usage', message: `${shown} was continued by ${nextPath}, which does not exist (the run that continued it stopped before writing it)`, hint: `check that no resume or rollback of this change is running, then remove ${marker} and run the command again` });
    seen.add(nextPath);
    current = nextPath;
    shown = relative(cwd, nextPath) || nextPath;
  }
}

/**
 * A journal and the whole history of its change: the newest journal reached through the `.next`
 * links, read and checked (schema, hash chain, one plan, one apply), which must start with the
 * named journal's lines (one history). Used by resume, rollback and change status.
 */
export function readHistory(journal: string, cwd: string, io: ChangeNotes, command: string, read: JournalReader = readCheckedJournal): { journal: string; path: string; checked: CheckedJournal } {
  const named = resolve(cwd, journal);
  const first = read(named, journal);
  const newest = newestJournal(named, journal, cwd);
  if (newest.hops === 0) return { journal, path: named, checked: first };
  const lastBegin = (c: CheckedJournal) => c.entries.map((e) => e.type).lastIndexOf('journal-begin');
  const checked = readCheckedJournal(newest.path, newest.shownAs);
  if (first.lines.length > checked.lines.length || first.lines.some((l, i) => l !== checked.lines[i])) {
    throw new UserError({ code: 'report-input', message: `${newest.shownAs} does not continue ${journal} (its lines are not a copy of it): the history of this change is broken`, location: { file: newest.shownAs, line: 1, col: 1 }, hint: 'name the newest journal of the change that holds the whole history' });
  }
  // Never continue (nor report as final) a history a live run is still writing.
  const ended = checked.entries.slice(lastBegin(checked)).some((e) => e.type === 'journal-end');
  const busy = journalBusy(newest.shownAs, ended, newest.writer);
  if (busy && command !== 'change status') throw new UserError(busy);
  if (busy) io.stderr.write(`firebook: ${command}: note: ${busy.message}; this is the history so far\n`);
  io.stderr.write(`firebook: ${command}: ${journal} was continued; the history goes on in ${newest.shownAs}: using that journal\n`);
  return { journal: newest.shownAs, path: newest.path, checked };
}

/** Beside a plan: one line per apply of it, naming its journal (docs/change-window.md "After a
 * crash"), so a later apply of the same plan can say what an earlier one already made. */
export const appliedRecord = (planPath: string) => `${planPath}.applied`;

/** Notes this apply's journal beside the plan (appended; never through a symlink). */
export function recordApply(planPath: string, journal: string, runId: string): void {
  const fd = openSync(appliedRecord(planPath), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, JSON.stringify({ journal, runId }) + '\n');
  } finally {
    closeSync(fd);
  }
}

/** What earlier applies of this plan (their whole histories) left verified and not undone:
 * `host\0stepId` → the journal and the values. A record that cannot be read is skipped, said. */
export function earlierApplies(planPath: string, planSha256: string, io: ChangeNotes & { cwd: string }): Map<string, { journal: string; after: Record<string, Fields> }> {
  const out = new Map<string, { journal: string; after: Record<string, Fields> }>();
  let text: string;
  try {
    text = readFileSync(appliedRecord(planPath), 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').filter(Boolean)) {
    try {
      const named = (JSON.parse(line) as { journal: string }).journal;
      const newest = newestJournal(resolve(dirname(planPath), named), named, io.cwd);
      const checked = readCheckedJournal(newest.path, newest.shownAs);
      if (checked.planSha256 !== planSha256) continue;
      for (const [k, after] of appliedValues(checked.entries, newest.shownAs)) out.set(k, { journal: relative(io.cwd, newest.path) || newest.path, after });
    } catch (err) {
      io.stderr.write(`firebook: apply: note: ${appliedRecord(planPath)}: an earlier apply's journal cannot be read (${err instanceof UserError ? err.issues[0]?.message : (err as Error).message}); its changes are not taken into account\n`);
    }
  }
  return out;
}
