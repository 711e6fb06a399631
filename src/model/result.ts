/**
 * Results are plain, serialisable data. The JSON report is these types, serialised.
 * `error` (we could not tell) is never confused with `fail` (the device is not compliant).
 */
import type { Level, LocalizedText, Severity } from './playbook.js';
import type { Facts, TriageClass } from './transport.js';

/** `fixed`: the check failed, a remediation sent in the same run changed the device and its
 * verification re-ran this check with `pass` (the final state is compliant). */
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped' | 'waived' | 'fixed';
/** Every check status, in the order reports list them. */
export const CHECK_STATUSES: readonly CheckStatus[] = ['pass', 'fixed', 'fail', 'error', 'skipped', 'waived'];
export type HostStatus = 'ok' | 'unreachable' | 'error';

export type FieldValue = string | number | boolean | null | Array<string | number>;
export type Fields = Record<string, FieldValue>;

/** One command's evidence (output already redacted). */
export interface Evidence {
  step: string;
  /** Loop item, when the step was looped. */
  item?: string;
  level: Level;
  command: string;
  output: string;
  exitCode: number | null;
  durationMs: number;
  truncated: boolean;
  timedOut?: boolean;
  fields: Fields;
  /** Parser complaint, when the output could not be parsed. */
  parseError?: string;
}

/** A condition as evaluated, for the report. */
export interface ConditionOutcome {
  /** Human form, e.g. `http_status in [200, 403]`. */
  description: string;
  holds: boolean;
  /** The value that was compared (stringified). */
  actual?: string;
  message?: LocalizedText;
  /** The subject could not be read (missing field, unparseable output). */
  undecidable?: boolean;
  /** Why it was undecidable. */
  reason?: string;
}

export interface Diagnosis {
  id?: string;
  cause: LocalizedText;
  next?: LocalizedText;
  /** The rule's own severity, when it sets one (the result's severity is then this). */
  severity?: Severity;
}

export interface CheckResult {
  checkId: string;
  title: LocalizedText;
  severity: Severity;
  tags: string[];
  status: CheckStatus;
  /** Why skipped / error / waived, in words. */
  reason?: LocalizedText;
  evidence: Evidence[];
  conditions: ConditionOutcome[];
  diagnosis?: Diagnosis;
  /** Number of attempts made (retries + 1 at most). */
  attempts: number;
  startedAt: string;
  durationMs: number;
  waiver?: { justification: string; expires?: string; approver?: string };
  remediation?: string[];
  /** For `fixed`: which remediation fixed it and the verification's conditions (the "after";
   * evidence, conditions and diagnosis above stay what was observed before). */
  fixed?: { remediationId: string; verifiedAt: string; after: ConditionOutcome[] };
}

/** `drifted`: a change held to a plan found the device's "before" values changed since
 * planning, so nothing was sent. */
export type RemediationStatus = 'planned' | 'not-applicable' | 'applied' | 'verified' | 'failed' | 'rolled-back' | 'rollback-failed' | 'drifted' | 'already-applied';

export interface RemediationResult {
  remediationId: string;
  title: LocalizedText;
  /** The check whose failure triggered it. */
  forCheck: string;
  status: RemediationStatus;
  reason?: LocalizedText;
  /** Commands as planned / sent, in order (redacted). */
  commands: Array<{ level: Level; command: string; phase: 'capture' | 'apply' | 'rollback'; output?: string; ok?: boolean }>;
  before?: Record<string, Fields>;
  after?: Record<string, Fields>;
  verification?: CheckResult[];
}

/** Where a host's evidence came from when the host is a troubleshoot bundle (docs/bundles.md
 * "Provenance in the report"). */
export interface BundleProvenance {
  /** The bundle's file name (no folder). */
  file: string;
  /** sha256 (hex) of the .tar.gz as given. */
  sha256: string;
  /** When the bundle was generated (ISO), and what says so: the newest member's time inside the
   * archive (`member-mtime`) or, when the bundle carries none, the archive file's own
   * modification time (`archive-mtime`). */
  generatedAt?: string;
  generatedFrom?: 'member-mtime' | 'archive-mtime';
  /** The device name and software version the bundle names, when it names them. */
  device?: string;
  version?: string;
}

export interface HostResult {
  host: string;
  address: string;
  status: HostStatus;
  triage?: { class: TriageClass; message: string; next: LocalizedText };
  facts?: Facts;
  /** The inventory groups the host belongs to (directly or through children; not `all`), so
   * the results database can show a group's history (docs/history.md "Tables"). */
  groups?: string[];
  /** Set when the host is a troubleshoot bundle: where its evidence came from. */
  bundle?: BundleProvenance;
  /** Values of the inputs that selected variables (`vars_by_input`), e.g. `{ sse_region: 'apj' }`:
   * the report says which endpoint set a host was checked against. */
  selections?: Record<string, string>;
  checks: CheckResult[];
  remediations: RemediationResult[];
  /** The connection was lost during `check` (`reason`) and the host reconnected once. */
  reconnected?: { check: string; reason: string };
  startedAt: string;
  durationMs: number;
}

export interface RunMeta {
  runId: string;
  tool: { name: 'firebook'; version: string };
  /** `readonlyCommands`: what a playbook added to the read-only allow-list (docs/commands.md). */
  playbooks: Array<{ path: string; name: string; sha256: string; readonlyCommands?: { cli?: string[]; shell?: string[] } }>;
  inventory: string;
  /** `plan`: firebook plan (check mode plus each remediation's read-only capture). */
  mode: 'check' | 'plan' | 'apply';
  /** Set by `apply`, `resume` and `rollback` (docs/change-window.md): the report is about the
   * plan's changes, and says which command made them. */
  changeRun?: 'apply' | 'resume' | 'rollback';
  operator: string;
  startedAt: string;
  endedAt?: string;
  durationMs?: number;
  argv: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  replay?: string;
  lang: 'en' | 'ja';
  /** `--fail-on` (absent: any severity), so a merged report recomputes the same exit code. */
  failOn?: Severity;
  /** `--shard I/N`: this report covers one slice of the planned hosts. */
  shard?: { index: number; count: number };
  /** Run ids of the shard reports `firebook report merge` combined into this one. */
  mergedFrom?: string[];
}

export interface RunSummary {
  hosts: { total: number; ok: number; unreachable: number; error: number; notRun: number };
  checks: Record<CheckStatus, number>;
  failedBySeverity: Record<Severity, number>;
  /** pass / (pass + fail + error), percent, one decimal; null when nothing was judged. */
  compliancePct: number | null;
}

/** What a change record's status means: `verified` (sent, verified), `rolled-back` (sent,
 * verification failed, restored), `drifted` (the device no longer holds what was set or planned),
 * `not-started` (planned or interrupted before any command), `failed` (sent, neither verified nor
 * restored: check by hand). */
export type ChangeStatus = 'verified' | 'already-applied' | 'rolled-back' | 'drifted' | 'not-started' | 'failed';

/** One change to one device, as the "changes made" section shows it. Built from the
 * remediations of `run --apply`, or given by plan/apply from its journal (RunReport.changes). */
export interface ChangeRecord {
  host: string;
  /** Remediation id. */
  remediation: string;
  /** Commands sent (redacted), in order; rollback commands included. */
  commands: string[];
  /** What the device held before / after, e.g. `show_network.dns_servers: 192.0.2.1`. */
  before: string;
  after: string;
  status: ChangeStatus;
  approver?: string;
  /** ISO time the change was made (or planned). */
  time?: string;
  /** Why it ended so (drifted, rolled back, not started…), from plan/apply. */
  reason?: string;
}

/** The whole run: the JSON report's body. */
export interface RunReport {
  schemaVersion: 1;
  meta: RunMeta;
  /** True when the run was interrupted or the report was rebuilt from a partial event log. */
  incomplete: boolean;
  /** Ids and titles of every check planned, in order (for matrices). */
  checks: Array<{ id: string; title: LocalizedText; severity: Severity; /** Checks it reads (`checks.<id>`): its causes when both fail. */ dependsOn?: string[]; /** The playbook file's name without folder and extension (`securex`). */ playbook?: string }>;
  hosts: HostResult[];
  /** Hosts planned but never finished (interrupted). */
  notRun: string[];
  summary: RunSummary;
  exitCode: number;
  /** Change records given by plan/apply; without them the report derives them from remediations. */
  changes?: ChangeRecord[];
}
