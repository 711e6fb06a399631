/** Options `apply`, `resume` and `rollback` share (beside the connection options). */
import { dirname, relative, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { parseWindow, type ChangeWindow } from '../change/window.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseConnectionOptions, type ConnectionSettings } from './connection-options.js';
import { OUTPUT_OPTIONS, parseExtraVars, parseFormats, parseLang, VAULT_USAGE } from './options.js';
import type { CliIO } from './command.js';
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { appliedValues } from '../change/remaining.js';
import type { Fields } from '../model/result.js';
import { allowedSignersFrom } from '../change/approval.js';
import type { AllowedSigners } from '../change/allowed-signers.js';
import { readCheckedJournal, type CheckedJournal } from '../change/journal.js';
import { journalBusy, type JournalWriterInfo } from '../change/exclusive.js';
import { readAs } from './file-kind.js';
import { keyPassphrase, loadSigningKey, type SigningKey } from '../change/sshsig.js';

export const CHANGE_OPTIONS = {
  'allowed-signers': { type: 'string' },
  'allow-unsigned': { type: 'boolean' },
  key: { type: 'string' },
  'key-passphrase-file': { type: 'string' },
  window: { type: 'string' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const;

/** Allowed values of some flags, for completion. */
export const CHANGE_CHOICES = { format: REPORT_FORMATS, lang: ['en', 'ja'] } as const;

export const CHANGE_USAGE = `Approval (docs/change-window.md):
      --allowed-signers FILE  OpenSSH allowed_signers: whose keys approve plans (default:
                            $FIREBOOK_ALLOWED_SIGNERS); the approver's name is the key's principal
      --allow-unsigned      run a plan without a verified signature; every report and journal
                            line then says "approval not verified"
      --key FILE            sign the end of the journal with this SSH private key
      --key-passphrase-file FILE  passphrase of --key (or $FIREBOOK_KEY_PASSPHRASE)
Window:
      --window START/END    ISO 8601 with offset, END a time or a duration (2h, 1h30m, PT2H):
                            2026-12-01T01:00+09:00/PT2H. Refused outside it; no new host
                            starts after it ends (hosts in flight finish)
  -e, --extra-vars @FILE    a file (may be vault-encrypted) with the secrets the plan names; or
                            set FIREBOOK_VAR_<name>. Never key=value: argv is visible in ps
${CONNECTION_USAGE}
${VAULT_USAGE.trimEnd()}
Output:
      --out DIR             run folder (default reports/<run-id>/): journal.jsonl, report.json, ...;
                            must be new or empty (a run folder is never reused)
      --format LIST         json,html,md,junit,prom (default json,html,md)
      --lang en|ja          language of reports and console (default en)
  -q, --quiet               plain one line per event
      --json                stream events as JSON lines to stdout

Exit codes: 0 everything applied and verified (or nothing to do) · 2 a change failed
            verification (rolled back), drifted or did not start · 3 a host unreachable or
            errored mid-change (the journal says where) · 4 refused: files changed, plan
            expired, outside --window, approval missing or not verified, journal broken or
            already continued, run folder not empty (nothing sent) · 130 interrupted`;

type Values = {
  'allowed-signers'?: string;
  'allow-unsigned'?: boolean;
  key?: string;
  'key-passphrase-file'?: string;
  window?: string;
  'extra-vars'?: string[];
  out?: string;
  format?: string[];
  lang?: string;
  quiet?: boolean;
  json?: boolean;
} & Parameters<typeof parseConnectionOptions>[1];

export interface ChangeSettings {
  signers?: AllowedSigners;
  allowUnsigned: boolean;
  signingKey?: SigningKey;
  window?: ChangeWindow;
  windowText?: string;
  extraVars: Record<string, unknown>;
  connection: ConnectionSettings;
  outDir?: string;
  formats: ReportFormat[];
  lang: 'en' | 'ja';
  console: 'tty' | 'plain' | 'json';
}

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
export function readHistory(journal: string, cwd: string, io: Pick<CliIO, 'stderr'>, command: string): { journal: string; path: string; checked: CheckedJournal } {
  const named = resolve(cwd, journal);
  const first = readAs(named, journal, 'journal', command, () => readCheckedJournal(named, journal));
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

/**
 * resume's and rollback's one argument, a journal of the change — any of them: the newest is
 * found through the `.next` links — read and checked, with the change options.
 */
export function readJournalArgs(command: 'resume' | 'rollback', positionals: string[], v: Values, io: CliIO): { journal: string; path: string; checked: CheckedJournal; entries: CheckedJournal['entries']; settings: ChangeSettings } {
  if (positionals.length !== 1) throw new UserError({ code: 'cli-usage', message: `firebook ${command}: name one journal (reports/<run-id>/journal.jsonl)`, hint: `run 'firebook ${command} --help'` });
  const settings = parseChangeOptions(command, v, io);
  const { journal, path, checked } = readHistory(positionals[0]!, io.cwd, io, command);
  return { journal, path, checked, entries: checked.entries, settings };
}

export function parseChangeOptions(command: string, v: Values, io: CliIO): ChangeSettings {
  let window: ChangeWindow | undefined;
  if (v.window !== undefined) {
    const w = parseWindow(v.window);
    if (typeof w === 'string') throw new UserError({ code: 'cli-usage', message: `firebook ${command}: --window ${w}`, hint: 'e.g. --window 2026-12-01T01:00+09:00/PT2H' });
    window = w;
  }
  const connection = parseConnectionOptions(command, v, io);
  const inline = (v['extra-vars'] ?? []).find((e) => !e.trim().startsWith('@'));
  if (inline !== undefined) {
    throw new UserError({ code: 'cli-usage', message: `firebook ${command}: -e takes only @FILE here: the plan keeps every variable, and a secret it names is not taken from the command line (visible in ps)`, hint: 'put the secrets in a file (-e @secrets.yml, may be vault-encrypted) or set FIREBOOK_VAR_<name>' });
  }
  const signers = allowedSignersFrom(v['allowed-signers'] === undefined ? undefined : resolve(io.cwd, v['allowed-signers']), io.env);
  const passphrase = v.key === undefined ? undefined : keyPassphrase(v['key-passphrase-file'] === undefined ? undefined : resolve(io.cwd, v['key-passphrase-file']), io.env);
  return {
    ...(signers ? { signers } : {}),
    allowUnsigned: !!v['allow-unsigned'],
    ...(v.key !== undefined ? { signingKey: loadSigningKey(resolve(io.cwd, v.key), passphrase) } : {}),
    window,
    windowText: v.window,
    extraVars: parseExtraVars(command, v['extra-vars'], connection.vault),
    connection,
    outDir: v.out === undefined ? undefined : resolve(io.cwd, v.out),
    formats: parseFormats(command, v.format, ['json', 'html', 'md']),
    lang: parseLang(command, v.lang),
    console: v.json ? 'json' : v.quiet || !io.stdout.isTTY ? 'plain' : 'tty',
  };
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
export function earlierApplies(planPath: string, planSha256: string, io: Pick<CliIO, 'stderr' | 'cwd'>): Map<string, { journal: string; after: Record<string, Fields> }> {
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
