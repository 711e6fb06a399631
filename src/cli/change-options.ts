/** Options `apply`, `resume` and `rollback` share (beside the connection options). */
import { resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { REPORT_FORMATS } from '../report/index.js';
import { parseWindow, type ChangeWindow } from '../change/window.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseConnectionOptions, warnInsecure } from './connection-options.js';
import type { ChangeEnv, ChangeOptions } from '../change/apply-driver.js';
import { executeRun } from './execute.js';
import { OUTPUT_OPTIONS, parseExtraVars, parseFormats, parseLang, VAULT_USAGE, DB_USAGE } from './options.js';
import type { DbChoice } from '../history/open.js';
import type { CliIO } from './command.js';
import { allowedSignersFrom } from '../change/approval.js';
import { readCheckedJournal } from '../change/journal.js';
import { readHistory, type JournalReader } from '../change/history.js';
import { readAs } from './file-kind.js';
import { keyPassphrase, loadSigningKey } from '../sign/sshsig.js';
import { parseSignKey, SIGN_OPTIONS, SIGN_USAGE } from './sign-options.js';

export const CHANGE_OPTIONS = {
  'allowed-signers': { type: 'string' },
  'allow-unsigned': { type: 'boolean' },
  key: { type: 'string' },
  'key-passphrase-file': { type: 'string' },
  window: { type: 'string' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  ...SIGN_OPTIONS,
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
${SIGN_USAGE}
${DB_USAGE}

Exit codes: 0 everything applied and verified (or nothing to do) · 2 a change failed
            verification (rolled back), drifted or did not start · 3 a host unreachable or
            errored mid-change (the journal says where) · 4 refused: files changed, plan
            expired, outside --window, approval missing or not verified, journal broken or
            already continued, run folder not empty (nothing sent) · 130 interrupted`;

type Values = {
  db?: string;
  'no-db'?: boolean;
  'allowed-signers'?: string;
  'allow-unsigned'?: boolean;
  key?: string;
  'key-passphrase-file'?: string;
  'sign-key'?: string;
  'sign-key-passphrase-file'?: string;
  window?: string;
  'extra-vars'?: string[];
  out?: string;
  format?: string[];
  lang?: string;
  quiet?: boolean;
  json?: boolean;
} & Parameters<typeof parseConnectionOptions>[1];

/** What the change options mean, validated: the options change/ takes. */
export type ChangeSettings = ChangeOptions;

/**
 * resume's and rollback's one argument, a journal of the change — any of them: the newest is
 * found through the `.next` links — read and checked, with the change options.
 */
/** What a change command gets from the CLI besides its options: the run set-up (cli/execute.ts),
 * the `-e @FILE` reader and the host-key warning. */
export function changeEnv(command: string, io: CliIO, settings: ChangeSettings, history?: DbChoice): ChangeEnv {
  return {
    io,
    // The run is recorded in the results database at its end (docs/history.md "Recording").
    execute: (run) => executeRun({ ...run, history }, io),
    readVarsFile: (file) => parseExtraVars(command, [`@${file}`], settings.connection.vault),
    onHosts: (hosts) => warnInsecure(io, settings.connection, { hosts: [...hosts], checks: [] }),
  };
}

export function readJournalArgs(command: 'resume' | 'rollback', positionals: string[], v: Values, io: CliIO): { journal: string; settings: ChangeSettings } {
  if (positionals.length !== 1) throw new UserError({ code: 'cli-usage', message: `firebook ${command}: name one journal (reports/<run-id>/journal.jsonl)`, hint: `run 'firebook ${command} --help'` });
  return { journal: positionals[0]!, settings: parseChangeOptions(command, v, io) };
}

/** The journal reader of resume, rollback and change status: a file of another kind (a plan, a
 * report) is refused naming the command that takes it (cli/file-kind.ts). */
export const journalReader = (command: string): JournalReader => (path, shownAs) => readAs(path, shownAs, 'journal', command, () => readCheckedJournal(path, shownAs));

/** readHistory with the CLI's journal reader. */
export const readJournalHistory = (journal: string, io: CliIO, command: string) => readHistory(journal, io.cwd, io, command, journalReader(command));

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
    ...(v['sign-key'] !== undefined ? { signKey: parseSignKey(v, io) } : {}),
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
