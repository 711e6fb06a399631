/**
 * What a file given to apply, resume, rollback or report render IS, told in one line before its
 * reader gives a parser's position or a raw `EISDIR`/`ENOENT` (docs/change-window.md "Wrong
 * files"). Sniffing looks only at what each file's own format fixes: plan.json's `$schema` and
 * `planVersion`, a journal's first line (`journal-begin`, chained), report.json's
 * `schemaVersion` and `meta`, an event log's `run-begin`, an SSH signature's armor.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/suggest-path.js';

export type FileKind = 'missing' | 'folder' | 'plan' | 'plan-view' | 'journal' | 'report' | 'events' | 'signature' | 'unknown';

/** What the file at `path` is. `unknown` (not JSON, edited, empty…): its own reader says why. */
export function sniffFileKind(path: string): FileKind {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'unknown';
  }
  if (isDir) return 'folder';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 'unknown';
  }
  if (text.trimStart().startsWith('-----BEGIN SSH SIGNATURE-----')) return 'signature';
  // plan.md and plan.html (render-plan.ts): the ticket's view, not what apply runs.
  if (text.startsWith('# Change plan\n') || (text.startsWith('<!doctype html>') && text.includes('<title>Change plan</title>'))) return 'plan-view';
  const object = (s: string): Record<string, unknown> | undefined => {
    try {
      const v: unknown = JSON.parse(s);
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const whole = object(text);
  if (whole) {
    if ('planVersion' in whole || (typeof whole.$schema === 'string' && /plan\.schema\.json$/.test(whole.$schema))) return 'plan';
    if ('schemaVersion' in whole && 'meta' in whole) return 'report';
  }
  const nl = text.indexOf('\n');
  const first = object(nl < 0 ? text : text.slice(0, nl));
  if (first?.type === 'journal-begin' || (first && 'prev' in first && 'planSha256' in first)) return 'journal';
  if (first?.type === 'run-begin') return 'events';
  return 'unknown';
}

/** What each kind is, as the refusal says it. */
const WHAT: Record<Exclude<FileKind, 'unknown'>, string> = {
  missing: 'does not exist',
  folder: 'is a folder',
  plan: 'is a change plan (written by firebook plan)',
  'plan-view': "is a plan's ticket view (plan.md or plan.html)",
  journal: 'is a change journal (written by firebook apply, resume or rollback)',
  report: 'is a run report (report.json)',
  events: "is a run's event log (events.jsonl)",
  signature: "is a plan's signature (written by firebook approve)",
};

/** What the caller wanted, as the refusal says it. */
const WANTED = { plan: 'a plan.json', journal: 'a journal.jsonl', report: 'a report.json or events.jsonl' } as const;
/** Where a missing file of each wanted kind comes from. */
const MAKE: Record<keyof typeof WANTED, string> = {
  plan: "write one with 'firebook plan PLAYBOOK -i INVENTORY -o plan.json'",
  journal: 'name the journal.jsonl in the run folder of firebook apply (reports/<run-id>/journal.jsonl)',
  report: 'pass a report.json or events.jsonl from a run folder',
};

/** Which command takes a file of this kind. */
function takenBy(kind: FileKind, shown: string, path: string, want: keyof typeof WANTED): string {
  switch (kind) {
    case 'plan':
      return `a plan is signed with 'firebook approve ${shown}' and applied with 'firebook apply ${shown}'`;
    case 'journal':
      return `a journal is continued with 'firebook resume ${shown}' or undone with 'firebook rollback ${shown}'`;
    case 'report':
    case 'events':
      return `it is rendered with 'firebook report render ${shown}'`;
    case 'plan-view':
      return `apply runs the plan.json beside it: 'firebook apply ${shown.replace(/\.(md|html)$/, '.json')}'`;
    case 'signature':
      return `apply reads it beside its plan: 'firebook apply ${shown.replace(/(\.\d+)?\.sig$/, '')}'`;
    case 'folder': {
      const inside = ['journal.jsonl', 'report.json', 'plan.json'].filter((f) => existsSync(join(path, f)));
      return inside.length ? `it holds ${inside.map((f) => join(shown, f)).join(', ')}: name the file` : 'name a file, not a folder';
    }
    default:
      return missingFileHint(path, MAKE[want]);
  }
}

/**
 * Refuses (UserError, exit 4) a file that is not of the kind `command` takes, saying in one line
 * what it is and, in the hint, which command takes it. A file it cannot tell is left to its
 * reader, whose message says what is wrong inside it.
 */
export function expectFileKind(path: string, shown: string, want: keyof typeof WANTED, command: string): void {
  const kind = sniffFileKind(path);
  const ok = kind === 'unknown' || kind === want || (want === 'report' && kind === 'events');
  if (ok) return;
  // The codes each reader used for its input: a missing plan or journal is file-not-found.
  throw new UserError({ code: kind === 'missing' && want !== 'report' ? 'file-not-found' : 'report-input', message: `firebook ${command} takes ${WANTED[want]}: ${shown} ${WHAT[kind]}`, hint: takenBy(kind, shown, path, want) });
}

/** Reads a file with its own reader; only when that fails is the file sniffed, so a wrong file
 * (another kind, a folder, a missing file) is named by expectFileKind, and a right one is read
 * once. */
export function readAs<T>(path: string, shown: string, want: keyof typeof WANTED, command: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    expectFileKind(path, shown, want, command);
    throw err;
  }
}
