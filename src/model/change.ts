/**
 * Change-window data: the plan document (plan.json) that `firebook plan` writes and `apply`
 * consumes, the journal lines `apply`/`resume`/`rollback` write, and the change records the
 * reports show. All plain JSON.
 */
import type { Level, LocalizedText, Platform, PlaybookSpec } from './playbook.js';
import type { CheckStatus, Fields } from './result.js';

/** plan.json's format version (schemas/plan.schema.json). Version 2 carries what apply acts on
 * (connection targets, variables, the playbook parts the steps use); apply refuses version 1. */
export const PLAN_VERSION = 2;

/** A file the plan was built from; `apply` refuses the plan when any of them changed. */
export interface PlanFile {
  /** Absolute path. */
  path: string;
  role: 'playbook' | 'inventory' | 'vars';
  sha256: string;
}

/** A command as the plan shows it (rendered, secrets redacted). */
export interface PlannedCommand {
  level: Level;
  command: string;
}

/** One remediation on one host, exactly as it will be applied. */
export interface PlanStep {
  /** Unique within the host: the remediation id. */
  stepId: string;
  remediationId: string;
  title: LocalizedText;
  /** The failed check that asked for it. */
  forCheck: string;
  /** Path of the playbook that defines it. */
  playbook: string;
  /** Read-only commands that capture the "before" values (run again at apply time). */
  capture: PlannedCommand[];
  /** The values captured while planning; a host whose values differ at apply time is drifted. */
  before: Record<string, Fields>;
  apply: PlannedCommand[];
  waitS: number;
  /** Checks re-run after the change; all must pass. */
  verify: string[];
  /** The commands that undo the change (rendered with `before`). */
  rollback: PlannedCommand[];
}

/** A playbook as the plan keeps it: what its steps run (their remediations, the verification
 * checks and the checks those read, the declarations of its variables), never the rest. */
export interface PlanPlaybook {
  /** Absolute path (its sha256 is in the plan's files). */
  path: string;
  sha256: string;
  spec: PlaybookSpec;
}

/** A host's variables for one playbook, as the plan's steps were rendered with them. A variable
 * holding a secret is named only (`secretVars`): apply reads it again from the inventory (and its
 * vault) or the `-e` secrets (docs/secrets.md). */
export interface PlanHostVars {
  playbook: string;
  vars: Record<string, unknown>;
  secretVars?: string[];
}

/** One host of the plan. */
export interface PlanHost {
  host: string;
  /** Where apply connects (the inventory's target when planned); its credentials stay in the inventory. */
  address: string;
  port: number;
  user: string;
  /** The platform the device reported when planned. */
  platform: Platform;
  /** The `ha_group` inventory variable: members are never changed in the same batch. */
  haGroup?: string;
  vars: PlanHostVars[];
  steps: PlanStep[];
}

/** Where `apply`, `resume` and `rollback` read a `-e` variable the plan does not store:
 * `file` — again from the `-e @file` it came from (its sha256 is in the plan's files);
 * `operator` — a secret given inline to `plan`, given again to apply by `-e @file` or the
 * environment variable `FIREBOOK_VAR_<name>` (never on the command line). */
export type ExtraVarRef = { from: 'file'; file: string } | { from: 'operator' };

/** plan.json. */
export interface PlanDocument {
  $schema: string;
  planVersion: typeof PLAN_VERSION;
  tool: { name: 'firebook'; version: string };
  createdAt: string;
  expiresAt: string;
  createdBy: string;
  /** The command line that made the plan (secrets redacted). */
  argv: string[];
  /** What the plan was made from; apply reads `inventory` (connection settings and secrets) and
   * the `-e` variables again, never the playbooks. */
  selection: {
    playbooks: string[];
    inventory: string;
    limit?: string;
    tags?: string[];
    skipTags?: string[];
    /** `-e` values given on the command line that hold no secret (docs/secrets.md). */
    extraVars: Record<string, unknown>;
    /** The other `-e` variables, by name only: no value, no digest of one. */
    extraVarRefs?: Record<string, ExtraVarRef>;
  };
  files: PlanFile[];
  /** The playbook parts the steps run (apply never reads the playbook files). */
  playbooks: PlanPlaybook[];
  hosts: PlanHost[];
  /** Hosts selected that the plan does not change, each with why (nothing to fix, unreachable,
   * a remediation that could not be planned). */
  notPlanned: Array<{ host: string; reason: string }>;
}

/** Outcome of one planned step, as the journal tells it (the report's ChangeRecord has a
 * coarser status: see toChangeRecord in change/apply-runner.ts). */
export type StepOutcome =
  | 'verified'
  | 'already-applied'
  | 'rolled-back'
  | 'rollback-failed'
  | 'failed'
  | 'drifted'
  | 'not-started'
  | 'undone'
  | 'undo-failed';

/** What a journal segment does: apply a plan, or undo what an apply changed. */
export type JournalKind = 'apply' | 'rollback';

/** Phases of a change, for journal lines about commands. */
export type ChangePhase = 'capture' | 'apply' | 'readback' | 'verify' | 'rollback';

/** An approver: the allowed_signers principals that trust the key, and the key's fingerprint. */
export interface Approver {
  principal: string;
  key: string;
}

/**
 * What every journal line carries besides its own fields (docs/change-window.md "Journal
 * chain"): the sha256 of the previous line's exact text (null on a journal's first line), the
 * sha256 of plan.json, and whether the plan's approval was verified.
 */
export interface JournalChain {
  prev: string | null;
  planSha256: string;
  approval: 'verified' | 'not verified';
}

/**
 * One journal line (journal.jsonl). Written and fsync'd before a configuration command is
 * sent (`command`) and after its answer (`answer`), so a killed apply leaves a journal that
 * says exactly where it stopped. A resumed or rolled-back journal starts with a copy of
 * the journal it continues: every journal is the whole story.
 */
export type JournalEntry =
  | {
      type: 'journal-begin';
      time: string;
      kind: JournalKind;
      /** `firebook resume`: this segment finishes the previous one of the same kind. */
      resumed?: boolean;
      runId: string;
      tool: { name: 'firebook'; version: string };
      /** The approvers' principals, or "approval not verified". */
      approvedBy: string;
      /** Verified approvers (absent when the approval was not verified). */
      approvers?: Approver[];
      ticket?: string;
      operator: string;
      /** sha256 of plan.json as read. */
      planSha256: string;
      /** plan.json's exact text: the approvers' signatures are over these bytes. */
      planText: string;
      /** The approvers' signatures (armored SSHSIG), verified again by resume and rollback. */
      signatures?: string[];
      /** planText parsed; set by the journal reader, never written. */
      plan: PlanDocument;
      /** The window this segment ran in; `text` as typed (shown in its offset). */
      window?: { start: string; end: string; text?: string };
      serial?: string;
      maxFailPercentage?: number;
      /** Hosts this segment may touch (rollback --limit); absent = all. */
      limit?: string[];
    }
  | { type: 'batch-begin'; time: string; batch: number; hosts: string[] }
  | { type: 'host-begin'; time: string; host: string }
  | { type: 'step-begin'; time: string; host: string; stepId: string; recapture?: boolean }
  | { type: 'captured'; time: string; host: string; stepId: string; when: 'before' | 'after'; values: Record<string, Fields>; matches?: boolean }
  | { type: 'command'; time: string; host: string; stepId: string; phase: ChangePhase; level: Level; command: string }
  | { type: 'answer'; time: string; host: string; stepId: string; phase: ChangePhase; level: Level; command: string; output: string; exitCode: number | null; ok: boolean }
  | {
      type: 'step-end';
      time: string;
      host: string;
      stepId: string;
      status: StepOutcome;
      reason?: string;
      before?: Record<string, Fields>;
      after?: Record<string, Fields>;
      verification?: Array<{ checkId: string; status: CheckStatus }>;
    }
  | { type: 'host-end'; time: string; host: string; status: 'ok' | 'unreachable' | 'error'; message?: string }
  | { type: 'batch-end'; time: string; batch: number; failed: number; total: number; stop?: string }
  | { type: 'journal-end'; time: string; exitCode: number; interrupted: boolean; stoppedBecause?: string }
  /** The end of a segment, signed (`--key`): an SSHSIG (namespace firebook-journal) over this
   * line's `prev`, the digest of everything before it. */
  | { type: 'journal-seal'; time: string; key: string; signature: string };

/** A planned step still to do (apply) or to undo (rollback), as computed from a plan or a journal. */
export interface PendingStep {
  host: string;
  step: PlanStep;
  /** A change command may have reached the device (a killed apply): re-capture decides. */
  uncertain: boolean;
  /** Rollback only: the values read back after the change (a host that differs drifted since). */
  after?: Record<string, Fields>;
  /** Rollback only: the apply's change command was sent but never verified; the re-capture
   * decides (before → nothing to undo, `after` → undo, anything else → refused: resume first). */
  sentNotVerified?: boolean;
  /** Apply only: an earlier apply of this plan left the step in these values (its journal named):
   * a device found in them is `already-applied`, nothing sent. */
  appliedBy?: { journal: string; after: Record<string, Fields> };
  /** Apply only (resume after a rollback refused it): judge the change, never send it — found
   * in the plan's before values, it ends `rolled-back` ("had not taken"), nothing sent. */
  judgeOnly?: boolean;
}

/** `field: value; …` — captured values on one line, as the change records and the plan's ticket
 * view show them. A field is named by itself (`dns_servers: 192.0.2.53`); the capture step's
 * name (`before.dns_servers`, a template path) is added only when two steps share a field. */
export function valuesLine(values: Record<string, Fields> | undefined): string {
  const entries = Object.entries(values ?? {}).flatMap(([step, fields]) => Object.entries(fields).map(([f, v]) => ({ step, f, v })));
  const shared = (f: string) => entries.filter((e) => e.f === f).length > 1;
  return entries.map(({ step, f, v }) => `${shared(f) ? `${step}.` : ''}${f}: ${Array.isArray(v) ? v.map(String).join(', ') : String(v)}`).join('; ');
}

/** The reason of an undo refused because the apply's change was sent but never verified. */
export const SENT_NOT_VERIFIED = 'the change was sent but not verified';

/** The next step after an interrupted or crashed change run. */
export const resumeCommand = (journal?: string) => (journal ? `firebook resume ${journal}` : 'firebook resume JOURNAL');
