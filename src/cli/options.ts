/** Parsing of option values shared by several commands (-e, lists, numbers). */
import { UserError } from '../model/errors.js';
import { SEVERITIES, type Severity } from '../model/playbook.js';
import { readUserFile } from '../load/playbook.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/write-reports.js';
import { parseVarsText } from '../inventory/vars-files.js';
import { splitShellWords } from '../inventory/shlex.js';
import { INPUT_LIMITS, jsonNestingOverflow } from '../io/input-limits.js';
import { DEFAULT_VAULT_ID, parseVaultId, readVaultSecrets, Vault, type VaultSource } from '../inventory/vault.js';
import type { DbChoice } from '../history/open.js';

function usage(command: string, message: string, hint?: string): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook ${command}: ${message}`, hint: hint ?? `run 'firebook ${command} --help' for the options` });
}

/** `-e key=value [key2=value2]`, `-e @vars.yml|json`, `-e '{"k": [..]}'` — Ansible's three
 * forms. Later wins. A `@file` may be vault-encrypted or hold `!vault` values (`vault`).
 * key=value text is split into words as Ansible splits it (quotes removed, `\` escapes:
 * `ansible_password="a b"` is `a b`). JSON nested deeper than the input limit is refused before
 * it is parsed. `origins` (optional) receives, per variable, the argument it came from (for
 * error messages and for the plan, which stores a `@file` variable as a reference). */
export function parseExtraVars(command: string, values: string[] | undefined, vault: Vault = new Vault(), origins?: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const raw of values ?? []) {
    const v = raw.trim();
    const note = (key: string, origin: string) => {
      if (origins) origins[key] = origin;
    };
    if (v.startsWith('@')) {
      const file = v.slice(1);
      const parsed = parseVarsText(readUserFile(file, 'extra-vars file'), file, vault);
      Object.assign(out, parsed);
      for (const k of Object.keys(parsed)) note(k, v);
    } else if (v.startsWith('{')) {
      const deep = jsonNestingOverflow(v);
      if (deep !== undefined) {
        throw new UserError({ code: 'limit', message: `firebook ${command}: -e '${v.slice(0, 20)}…' is JSON nested more than ${INPUT_LIMITS.maxDepth} levels deep (at character ${deep + 1})`, hint: 'flatten the structure, or pass the variables with -e @file.yml' });
      }
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(v) as Record<string, unknown>;
      } catch {
        throw usage(command, `-e '${v.slice(0, 40)}…' is not valid JSON`);
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw usage(command, `-e '${v.slice(0, 40)}…' is not a JSON object`);
      Object.assign(out, parsed);
      for (const k of Object.keys(parsed)) note(k, v);
    } else {
      let words: string[];
      try {
        words = splitShellWords(v, { comments: false });
      } catch (err) {
        throw usage(command, `-e: ${(err as Error).message.toLowerCase()} in a key=value argument`, 'quote values as a shell would: -e \'key="a b"\'');
      }
      for (const pair of words) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw usage(command, `-e '${pair.slice(0, 40)}' is not key=value`, 'use -e key=value, -e @file.yml or -e \'{"key": "value"}\'');
        const [key, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
        out[key] = value;
        // Named in messages as it could be typed again: a value with a space or quote stays quoted.
        note(key, /[\s'"\\]/.test(value) ? `${key}=${JSON.stringify(value)}` : pair);
      }
    }
  }
  return out;
}

/** Comma- or repeat-separated list option. */
export function parseList(values: string | string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const list = (Array.isArray(values) ? values : [values]).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
  return list.length ? list : undefined;
}

export function parsePositiveInt(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw usage(command, `${flag} must be a positive whole number, not '${value}'`);
  return n;
}

export function parseChoice<T extends string>(command: string, flag: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!choices.includes(value as T)) throw usage(command, `${flag} must be one of ${choices.join(', ')}, not '${value}'`);
  return value as T;
}

/** What run and plan select: the inventory, hosts, checks and extra vars. */
export const SELECTION_OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  limit: { type: 'string', short: 'l' },
  tags: { type: 'string', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
} as const;

/** The run-folder output flags of run, plan, apply, resume and rollback. */
export const OUTPUT_OPTIONS = {
  out: { type: 'string' },
  format: { type: 'string', multiple: true },
  lang: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  db: { type: 'string' },
  'no-db': { type: 'boolean' },
} as const;

/** Help text for the results database flags of OUTPUT_OPTIONS (docs/history.md "Recording"). */
export const DB_USAGE = `      --db PATH|URL         results database the run is recorded in: a SQLite file or postgres://…
                            (default: env FIREBOOK_DB, else firebook.db beside the run folder)
      --no-db               do not record this run in the results database`;

/** \`--db\` and \`--no-db\` as given. */
export function dbChoiceOf(v: { db?: string; 'no-db'?: boolean }): DbChoice {
  return { ...(v.db !== undefined ? { db: v.db } : {}), noDb: !!v['no-db'] };
}

/** `--lang en|ja` (default en). */
export function parseLang(command: string, value: string | undefined): 'en' | 'ja' {
  return parseChoice(command, '--lang', value, ['en', 'ja'] as const) ?? 'en';
}

/** `--format LIST`: report formats, comma-separated or repeated (default `defaults`). */
export function parseFormats(command: string, values: string | string[] | undefined, defaults: readonly ReportFormat[]): ReportFormat[] {
  return (parseList(values) ?? [...defaults]).map((f) => parseChoice(command, '--format', f, REPORT_FORMATS)!);
}

export function parseSeverity(command: string, value: string | undefined): Severity | undefined {
  return parseChoice(command, '--fail-on', value, SEVERITIES);
}

/** The vault flags every command that loads inventories or vars files takes (parseArgs spec). */
export const VAULT_OPTIONS = {
  'vault-password-file': { type: 'string', multiple: true },
  'vault-id': { type: 'string', multiple: true },
  'ask-vault-pass': { type: 'boolean' },
} as const;

/** Help text for VAULT_OPTIONS. */
export const VAULT_USAGE = `Vault:
      --vault-password-file FILE  Ansible Vault password file, or an executable that prints it (repeatable;
                            env ANSIBLE_VAULT_PASSWORD_FILE); decrypts !vault values and encrypted vars files
      --vault-id [LABEL@]FILE     a vault password with its vault id (repeatable)
`;

/** The vault passwords named by the flags and, as Ansible adds them, ANSIBLE_VAULT_IDENTITY_LIST
 * (first) and ANSIBLE_VAULT_PASSWORD_FILE (last). Read now: a missing file or a failing script
 * is an input error before anything runs. */
export function openVault(command: string, values: { 'vault-password-file'?: string[]; 'vault-id'?: string[]; 'ask-vault-pass'?: boolean }, io: { cwd: string; env: NodeJS.ProcessEnv }): Vault {
  if (values['ask-vault-pass']) throw usage(command, '--ask-vault-pass is not supported: firebook runs without a terminal in cron and CI', 'use --vault-password-file FILE (a file readable only by you, or a script that prints the password)');
  const envIds = (io.env.ANSIBLE_VAULT_IDENTITY_LIST ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const sources: VaultSource[] = [
    ...envIds.map((v) => ({ ...parseVaultId(v), flag: `ANSIBLE_VAULT_IDENTITY_LIST (${v})` })),
    ...(values['vault-id'] ?? []).map(parseVaultId),
    ...(values['vault-password-file'] ?? []).map((file) => ({ id: DEFAULT_VAULT_ID, file, flag: `--vault-password-file ${file}` })),
  ];
  const envFile = io.env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (envFile) sources.push({ id: DEFAULT_VAULT_ID, file: envFile, flag: `ANSIBLE_VAULT_PASSWORD_FILE=${envFile}` });
  return new Vault(readVaultSecrets(sources, io.cwd));
}
