/**
 * The playbook model: what a user writes (after schema validation).
 *
 * Collect (talks to a device) is kept apart from parse / expect / diagnose (pure functions
 * of the collected text), so every check can be evaluated on recorded output.
 */

/** Shell level a command runs in. `cli` = FTD/FMC CLISH (`> `); `expert` = the Linux
 * shell of the login user (`admin@host:~$`, or FMC/linux login shell); `root` = after `sudo su`.
 * `api`: not a shell — an `api:` step's GET on the FMC REST API (docs/playbooks.md "API steps");
 * never written as `level:`, set by the loader for `api:` steps. */
export type Level = 'cli' | 'expert' | 'root' | 'api';
export const LEVELS: readonly Level[] = ['cli', 'expert', 'root'];

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

export type Platform = 'ftd' | 'fmc' | 'linux';

/** Text in English, optionally with a Japanese translation. A plain string is English. */
export type LocalizedText = string | { en: string; ja?: string };

/** A reference to a value, as a dotted path:
 * - `exit`, `output`, `<field>`: the step named by `step` (default: the check's first step);
 * - `steps.<step>.exit|output|<field>`: any step of this check;
 * - `facts.<name>`: facts gathered at connect (platform, version, model, hostname);
 * - `vars.<name>`: resolved variables;
 * - `checks.<checkId>.<field>` / `checks.<checkId>.status`: a result registered by an
 *   earlier check on the same host (Ansible's `register`, declaratively). */
export type ValuePath = string;

/** One declarative condition: a subject (`of`) and exactly one operator. No code. */
export interface Condition {
  of: ValuePath;
  step?: string;
  equals?: string | number | boolean;
  not_equals?: string | number | boolean;
  in?: Array<string | number>;
  not_in?: Array<string | number>;
  /** Regular expression (JavaScript syntax, no flags except via inline `(?i)` not supported: use `ignore_case`). */
  matches?: string;
  not_matches?: string;
  /** Substring for text, element for lists. */
  contains?: string | number;
  not_contains?: string | number;
  /** Number of list elements (or regex matches when `pattern` is given on text). */
  count?: { min?: number; max?: number; equals?: number; pattern?: string };
  /** Dotted version comparison, e.g. `{ lte: "7.1" }` (7.1.0.3 <= 7.1 holds: compares the given components). */
  version?: { lt?: string; lte?: string; gt?: string; gte?: string; eq?: string };
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
  ignore_case?: boolean;
  /** Over a looped step: holds when at least one item satisfies it (default: every item). */
  any?: boolean;
  /** Shown in the report when the condition does not hold. */
  message?: LocalizedText;
}

/** How to turn raw output into fields. */
export type ParseSpec =
  | { parser: string; options?: Record<string, unknown> }
  | {
      /** Declarative regex capture: named groups become fields. With `all: true` every match
       * is collected and each named group becomes a list field. */
      regex: string;
      all?: boolean;
      ignore_case?: boolean;
      /** Convert named groups: `number` or `string` (default). */
      types?: Record<string, 'number' | 'string'>;
    };

/** One thing to collect from the device. */
export interface CollectStep {
  /** Name used to refer to this step's evidence (`steps.<name>...`). Defaults to `main`
   * for a single step, `step<N>` otherwise. */
  name?: string;
  level: Level;
  /** Command in the command language: literal text and typed `{{variable}}` holes (docs/commands.md). */
  command?: string;
  /** Read a file instead (`cat` at the given level); a command-language template. */
  file?: string;
  /** Read the FMC REST API instead of a shell (docs/playbooks.md "API steps"): GET only; the
   * path relative to `/api/fmc_config/v1/domain/{domainUUID}` or absolute under `/api/`, a
   * command-language template whose holes hold one path segment each. Its level is `api`. */
  api?: { get: string };
  parse?: ParseSpec;
  /** Run once per item; `{{item}}` in the command. A list variable's name (`sse_endpoints`, `{{x}}`), or a literal list. */
  loop?: string | Array<string | number>;
  /** Exit codes that are evidence, not collection errors (default: any exit code is evidence). */
  timeout_s?: number;
  /** Only on these platforms (default: all). */
  platforms?: Platform[];
  /** Evidence for diagnosis only: when its level is not available on a device (e.g. CLISH on
   * a bash-login FMC) the step is left out instead of making the check an error. */
  optional?: boolean;
}

export interface DiagnoseRule {
  /** All conditions must hold for the rule to apply. Empty = always (a fallback). */
  when: Condition[];
  cause: LocalizedText;
  next?: LocalizedText;
  /** Stable id of the cause, for dashboards (e.g. `dns-resolution`). */
  id?: string;
  /** A failure this rule explains counts at this severity instead of the check's (e.g. a
   * volume at 95 % is `high` where 85 % is the check's `medium`; docs/playbooks.md "Diagnoses"). */
  severity?: Severity;
}

export interface Reference {
  title?: string;
  url?: string;
}

export interface CheckSpec {
  id: string;
  title: LocalizedText;
  severity: Severity;
  tags?: string[];
  description?: LocalizedText;
  rationale?: LocalizedText;
  references?: Array<string | Reference>;
  /** Conditions on facts/vars; false → `skipped` with `skip_reason`. */
  when?: Condition[];
  skip_reason?: LocalizedText;
  /** Conditions on the collected evidence: when all hold, the check is `skipped` with
   * `skip_reason` instead of judged (e.g. `Managed locally.` on an FDM-managed device). */
  skip_when?: Condition[];
  /** If this check fails, this and every other check on the host become `skipped`
   * (not applicable) with this check's `skip_reason`. Evaluated first. */
  applicability?: boolean;
  collect?: CollectStep[];
  expect: Condition[];
  diagnose?: DiagnoseRule[];
  retries?: number;
  delay_s?: number;
  /** Ids of remediations that fix a failure of this check. */
  remediation?: string[];
  /** Fields to register for later checks (default: all parsed fields of all steps). */
  register?: string[];
  /** A check across hosts (docs/playbooks.md "Checks across hosts"): it collects nothing; the
   * runner judges it once every host sharing the inventory variable `ha_group` has finished,
   * from their results of the check named by `reads`, and reports it under each of them. */
  scope?: 'ha_group';
  /** With `scope`: the id of an earlier per-host check of this playbook whose fields it judges. */
  reads?: string;
}

export interface RemediationStep {
  level: Level;
  command: string;
  /** Output patterns (regex) that mean the command failed (e.g. `^Syntax error:`). */
  fail_on?: string[];
  timeout_s?: number;
}

export interface RemediationSpec {
  id: string;
  title: LocalizedText;
  description?: LocalizedText;
  /** Conditions on facts/vars; false → not planned (with reason). */
  when?: Condition[];
  /** Evidence captured before applying, for rollback and before/after values. */
  capture?: CollectStep[];
  apply: RemediationStep[];
  /** Seconds to wait after apply before verifying. */
  wait_s?: number;
  /** Check ids re-run to verify; all must pass. */
  verify: string[];
  /** Commands that undo the change; templated with `captured.<step>.<field>`. */
  rollback?: RemediationStep[];
}

export interface VarDeclaration {
  /** Also the type of every command hole that uses the input (docs/commands.md). */
  type: 'string' | 'ip' | 'hostname' | 'port' | 'integer' | 'path' | 'url' | 'word' | 'ip-list' | 'hostname-list' | 'string-list' | 'path-list' | 'url-list' | 'word-list';
  description?: string;
  required?: boolean;
  secret?: boolean;
  /** The only values allowed (for `type: string`), e.g. the SSE regions `[us, eu, apj]`. */
  choices?: string[];
  /** Other names accepted for a choice, each mapped to the choice it means (`{ apjc: apj }`); the
   * value is replaced by its choice before anything uses it (docs/playbooks.md "Variables and inputs"). */
  aliases?: Record<string, string>;
  default?: unknown;
}

/** Extensions of the read-only allow-list (docs/commands.md): CLISH verbs (`cli`) and
 * programs of the Linux shells (`shell`, levels expert and root). Any options are allowed. */
export interface ReadonlyCommands {
  cli?: string[];
  shell?: string[];
}

/** A playbook as written (after schema validation). */
export interface PlaybookSpec {
  name: string;
  description?: LocalizedText;
  /** Host pattern (Ansible `--limit` syntax). Default `all`. */
  hosts?: string;
  vars?: Record<string, unknown>;
  /** Per-platform variables merged over `vars` (e.g. FTD paths under /ngfw). */
  platform_vars?: Partial<Record<Platform, Record<string, unknown>>>;
  /** Variables selected by an input's value: `{ sse_region: { us: {...}, apj: {...} } }`. The
   * input must declare `choices`, each with a block. Merged over `vars`, under `platform_vars`. */
  vars_by_input?: Record<string, Record<string, Record<string, unknown>>>;
  /** Typed declarations of variables: validated before anything runs. */
  inputs?: Record<string, VarDeclaration>;
  /** Programs added to the read-only allow-list for collect/capture steps; the report lists them. */
  readonly_commands?: ReadonlyCommands;
  checks: CheckSpec[];
  remediations?: RemediationSpec[];
}

/** Where a node came from in a source file (1-based). */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** A loaded playbook: the spec plus what the report needs to identify it. */
export interface LoadedPlaybook {
  readonly path: string;
  readonly sha256: string;
  readonly spec: PlaybookSpec;
  /** Maps a JSON pointer (`/checks/3/expect/0`) to where it stands in the file; `offset`: a
   * character of that string value (e.g. a hole in a command). */
  locate(pointer: string, opts?: { offset?: number }): SourceLocation;
}

/** Picks the text for a language; falls back to English. */
export function localize(text: LocalizedText | undefined, lang: 'en' | 'ja' = 'en'): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return (lang === 'ja' && text.ja) || text.en;
}

/** A playbook's short name: its file's name without folder and extension (`playbooks/securex.yml`
 * → `securex`), as reports and the results database name it. */
export function playbookStem(path: string): string {
  return path.split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '');
}
