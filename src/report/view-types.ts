/** The view model: everything a report template prints, already computed, sorted, labelled,
 * localized and made safe to print (control characters visible). Templates only loop and print. */
import type { HostResults } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import type { Labels } from './labels.js';

/** Options every renderer takes. */
export interface RenderOptions {
  lang: 'en' | 'ja';
  /** Folder with user templates overriding the built-in ones (same file names). */
  templatesDir?: string;
  /** An earlier report: adds a drift section. */
  baseline?: RunReport;
  /** Full host results (the run's result store) when the report's hosts are summaries without
   * evidence; the evidence shown is read from here, one host at a time. */
  results?: HostResults;
}

/** Limits that keep a 5,000-host report readable and fast. */
export interface ViewLimits {
  /** Hosts whose evidence is shown per failing check. */
  evidencePerCheck: number;
  /** Passing hosts shown as matrix rows before they are listed by name only. */
  passingRows: number;
  /** Host names listed in one cell before "and N more". */
  namesPerList: number;
  /** Characters of one command's output. */
  outputChars: number;
  /** Remediation and waiver rows. */
  rows: number;
}

/** A status as shown: text (never colour alone) and a CSS class. */
export interface StatusView {
  /** Symbol plus word, e.g. `✗ fail`. */
  text: string;
  /** `pass|fail|error|skipped|waived|none|ok|unreachable|notrun`. */
  cls: string;
}

/** One label/value row of the run header. */
export interface HeaderRow {
  label: string;
  value: string;
  /** Shown loudly (e.g. host key checking off, apply mode). */
  loud?: boolean;
}

/** A tile of the executive summary. */
export interface TileView {
  label: string;
  count: number;
  cls: string;
}

/** One bar of the failures-by-severity chart (SVG coordinates precomputed). */
export interface BarView {
  label: string;
  count: number;
  cls: string;
  y: number;
  textY: number;
  width: number;
  countX: number;
}

export interface EvidenceView {
  title: string;
  level: string;
  command: string;
  output: string;
  exitCode: string;
  duration: string;
  flags: string[];
}

export interface ConditionView {
  description: string;
  holds: boolean;
  mark: string;
  actual: string;
  message: string;
}

/** One host's result for a failing/undecided check, with its evidence. */
export interface FindingSampleView {
  host: string;
  status: StatusView;
  cause: string;
  next: string;
  conditions: ConditionView[];
  evidence: EvidenceView[];
}

/** Hosts sharing one diagnosis for a check. */
export interface FindingGroupView {
  status: StatusView;
  diagnosisId: string;
  cause: string;
  next: string;
  hostCount: number;
  hosts: string;
}

export interface FindingView {
  checkId: string;
  title: string;
  severity: string;
  severityCls: string;
  /** Every host where it fails has a failing cause: listed under that cause. */
  symptom: boolean;
  /** `caused by <check-id>` for a symptom card. */
  causedBy: string;
  /** For a cause card: the ids of the symptom cards that follow it. */
  symptoms: string;
  failCount: number;
  errorCount: number;
  groups: FindingGroupView[];
  samples: FindingSampleView[];
  capNote: string;
}

/** "Fix this first" for one host: its root causes, then the checks that should follow. */
export interface FixFirstView {
  host: string;
  status: StatusView;
  first: Array<{ checkId: string; title: string; cause: string; next: string }>;
  /** Symptom check ids (comma-separated). */
  then: string;
}

/** A check that failed and was fixed in this run: before (observed) and after (verified). */
export interface FixedView {
  host: string;
  checkId: string;
  title: string;
  before: string;
  after: string;
  by: string;
}

/** One row of the "changes made" section (see ChangeRecord in model/result.ts). */
export interface ChangeView {
  host: string;
  remediation: string;
  commands: string[];
  /** Said when no command of the change went out in this run (not sent, or sent earlier). */
  commandsNote: string;
  before: string;
  after: string;
  status: StatusView;
  /** Why it ended so (window closed, max-fail stop, verification failed…); may be empty. */
  reason: string;
  approver: string;
  time: string;
}

export interface MatrixRowView {
  host: string;
  /** The link to this host in the history (docs/history.md "Views"). */
  historyHref: string;
  hostStatus: StatusView;
  cells: StatusView[];
}

export interface MatrixGroupView {
  title: string;
  count: number;
  rows: MatrixRowView[];
  /** Hosts listed by name only (large fleets). */
  collapsedHosts: string;
  collapsedNote: string;
}

export interface RemediationView {
  host: string;
  id: string;
  title: string;
  forCheck: string;
  status: StatusView;
  reason: string;
  commands: Array<{ phase: string; level: string; command: string; result: string; output: string }>;
  changes: Array<{ field: string; before: string; after: string; changed: boolean }>;
  verification: StatusView[];
  verificationText: string;
}

export interface WaiverView {
  host: string;
  checkId: string;
  title: string;
  justification: string;
  approver: string;
  expires: string;
  expired: boolean;
}

export interface SkippedView {
  checkId: string;
  reason: string;
  count: number;
  hosts: string;
}

export interface DriftItemView {
  host: string;
  checkId: string;
}

export interface DriftView {
  baselineRun: string;
  baselineStarted: string;
  sections: Array<{ title: string; count: number; items: DriftItemView[]; more: string; cls: string }>;
  hostsAdded: string;
  hostsRemoved: string;
}

/** The whole report as the templates see it. */
export interface ReportView {
  lang: 'en' | 'ja';
  l: Labels;
  title: string;
  incomplete: boolean;
  hostKeyOff: boolean;
  applyMode: boolean;
  /** Set by apply, resume and rollback (RunMeta.changeRun). */
  changeRun: boolean;
  header: HeaderRow[];
  playbooks: Array<{ name: string; path: string; sha256: string }>;
  compliance: string;
  verdict: StatusView;
  /** The one-line verdict (see verdictLine in view-format.ts). */
  verdictLine: string;
  /** Changes made (apply mode, or given by plan/apply); empty otherwise. */
  changes: ChangeView[];
  /** "Changes made (N)" (N sent in this run) or "Changes planned (N)". */
  changesTitle: string;
  /** The changes by outcome (change runs; empty otherwise). */
  changeTiles: TileView[];
  fixFirst: FixFirstView[];
  fixed: FixedView[];
  exitLine: string;
  checkTiles: TileView[];
  hostTiles: TileView[];
  chart: { bars: BarView[]; height: number; width: number; total: number };
  /** Unreachable/errored hosts: `cause` is the localized headline, `message` the raw detail. */
  problemHosts: Array<{ host: string; address: string; status: StatusView; triageClass: string; cause: string; message: string; next: string }>;
  matrix: { columns: Array<{ id: string; title: string }>; groups: MatrixGroupView[] };
  findings: FindingView[];
  remediations: RemediationView[];
  remediationNote: string;
  waivers: WaiverView[];
  waiverNote: string;
  skipped: SkippedView[];
  notRun: string;
  drift?: DriftView;
  footer: string;
}
