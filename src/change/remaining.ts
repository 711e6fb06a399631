/**
 * What is left to do, read from a journal. Pure functions of the journal's lines, so resume
 * and rollback are tested on recorded journals without a device.
 *
 * A journal is a list of segments, each opened by a `journal-begin` line: the apply, then
 * any resumes of it, then rollbacks (and their resumes). A step is *uncertain* when a
 * configuration command was written to the journal as about to be sent but the step never
 * ended: the device may or may not have taken it, so it is re-captured before anything else.
 */
import { UserError } from '../model/errors.js';
import { SENT_NOT_VERIFIED, valuesLine, type JournalEntry, type PendingStep, type PlanDocument, type PlanStep } from '../model/change.js';
import type { ChangeRecord } from '../model/result.js';

type Begin = Extract<JournalEntry, { type: 'journal-begin' }>;

/** The work a journal leaves. */
export interface RemainingWork {
  kind: 'apply' | 'rollback';
  plan: PlanDocument;
  /** The header of the segment this work continues (approver, ticket, window…). */
  header: Begin;
  steps: PendingStep[];
}

export type { PendingStep };

interface StepState {
  applyStatus?: string;
  applyBegun: boolean;
  applySent: boolean;
  /** Values read back after the apply's change (a `captured` after line), if any. */
  applyReadBack?: PendingStep['after'];
  /** Journal index of the apply's step-end: rollback goes newest first. */
  appliedAt: number;
  after?: PendingStep['after'];
  undoStatus?: string;
  /** Rollback campaign the undo status belongs to (a resume continues a campaign). */
  undoCampaign: number;
  undoBegun: boolean;
  undoSent: boolean;
  /** A change or undo command went out and its answer is not in the journal. */
  unanswered: boolean;
  /** The last step-end's status and reason (apply or undo). */
  lastStatus?: string;
  reason?: string;
}

export const stepKey = (host: string, stepId: string) => `${host}\u0000${stepId}`;

interface Folded {
  first: Begin;
  last: Begin;
  /** Last rollback header that started a campaign (not a resume). */
  campaign: number;
  campaignHeader?: Begin;
  states: Map<string, StepState>;
}

function fold(entries: readonly JournalEntry[], file: string): Folded {
  const firstLine = entries[0];
  if (firstLine?.type !== 'journal-begin') {
    throw new UserError({ code: 'report-input', message: `${file} is not a firebook journal (it must start with a journal-begin line)`, location: { file, line: 1, col: 1 }, hint: 'name the journal.jsonl in the run folder of firebook apply' });
  }
  let first = firstLine;
  let last = firstLine;
  let campaign = 0;
  let campaignHeader: Begin | undefined;
  const states = new Map<string, StepState>();
  const state = (host: string, stepId: string): StepState => {
    const k = stepKey(host, stepId);
    let s = states.get(k);
    if (!s) states.set(k, (s = { applyBegun: false, applySent: false, appliedAt: -1, undoCampaign: -1, undoBegun: false, undoSent: false, unanswered: false }));
    return s;
  };
  entries.forEach((e, index) => {
    if (e.type === 'journal-begin') {
      if (index === 0) first = e;
      last = e;
      if (e.kind === 'rollback' && !e.resumed) {
        campaign += 1;
        campaignHeader = e;
      }
      return;
    }
    const undo = last.kind === 'rollback';
    if (e.type === 'step-begin') {
      const s = state(e.host, e.stepId);
      s.unanswered = false;
      if (undo) {
        s.undoBegun = true;
        s.undoSent = false;
        s.undoCampaign = campaign;
      } else {
        s.applyBegun = true;
        s.applySent = false;
        s.applyReadBack = undefined;
      }
    } else if (e.type === 'command' && (e.phase === 'apply' || e.phase === 'rollback')) {
      const s = state(e.host, e.stepId);
      s.unanswered = true;
      if (undo) s.undoSent = true;
      else s.applySent = true;
    } else if (e.type === 'answer' && (e.phase === 'apply' || e.phase === 'rollback')) {
      state(e.host, e.stepId).unanswered = false;
    } else if (e.type === 'captured' && e.when === 'after' && !undo) {
      state(e.host, e.stepId).applyReadBack = e.values;
    } else if (e.type === 'step-end') {
      const s = state(e.host, e.stepId);
      s.reason = e.reason;
      s.lastStatus = e.status;
      if (undo) {
        s.undoStatus = e.status;
        s.undoCampaign = campaign;
        s.undoBegun = false;
      } else {
        s.applyStatus = e.status;
        s.applyBegun = false;
        s.appliedAt = index;
        s.after = e.after;
      }
    }
  });
  return { first, last, campaign, campaignHeader, states };
}

/** Steps of the plan in plan order, with their host. */
function planSteps(plan: PlanDocument): Array<{ host: string; step: PlanStep }> {
  return plan.hosts.flatMap((h) => h.steps.map((step) => ({ host: h.host, step })));
}

/** Final apply outcomes: a resume leaves them alone. `not-started` is not final. */
const APPLY_FINAL = new Set(['verified', 'already-applied', 'rolled-back', 'rollback-failed', 'failed', 'drifted']);

/** The plan's steps an apply (and its resumes) has not finished, in plan order. */
export function remainingToApply(entries: readonly JournalEntry[], file = 'journal.jsonl'): RemainingWork {
  const f = fold(entries, file);
  const steps: PendingStep[] = [];
  for (const { host, step } of planSteps(f.first.plan)) {
    const s = f.states.get(stepKey(host, step.stepId));
    if (s?.applyStatus && APPLY_FINAL.has(s.applyStatus) && !s.applyBegun) continue;
    steps.push({ host, step, uncertain: !!s && s.applyBegun && s.applySent });
  }
  const header = [...entries].reverse().find((e): e is Begin => e.type === 'journal-begin' && e.kind === 'apply') ?? f.first;
  return { kind: 'apply', plan: f.first.plan, header, steps };
}

/** An apply step whose change command went out but that neither verified nor rolled back:
 * the device may hold the change (a killed or failed apply). */
function sentNotVerified(s: StepState): boolean {
  return s.applySent && (s.applyBegun || s.applyStatus === 'failed' || s.applyStatus === 'rollback-failed');
}

/**
 * Every change the journal says was applied and kept (`verified`) and not undone yet, newest
 * first; `hosts` narrows it (rollback --limit). With `resume`, only what the last rollback
 * campaign has not ended yet (a drifted or failed undo is not retried by a resume).
 * A step whose change command was sent but not verified (an apply killed or failed after
 * sending) is undone too, marked `sentNotVerified`: the re-capture decides (docs/change-window.md
 * "After a crash"); its `after` is the read-back, when the journal has one.
 */
export function changesToUndo(entries: readonly JournalEntry[], opts: { hosts?: ReadonlySet<string>; resume?: boolean; file?: string } = {}): RemainingWork {
  const f = fold(entries, opts.file ?? 'journal.jsonl');
  const limit = opts.resume ? (f.campaignHeader?.limit ? new Set(f.campaignHeader.limit) : undefined) : opts.hosts;
  const steps: Array<PendingStep & { at: number }> = [];
  for (const [i, { host, step }] of planSteps(f.first.plan).entries()) {
    const s = f.states.get(stepKey(host, step.stepId));
    if (!s) continue;
    const applied = s.applyStatus === 'verified' || s.applyStatus === 'already-applied';
    const unsure = !applied && sentNotVerified(s);
    if (!applied && !unsure) continue;
    if (limit && !limit.has(host)) continue;
    if (s.undoStatus === 'undone' && !s.undoBegun) continue;
    if (opts.resume && s.undoCampaign === f.campaign && s.undoStatus && !s.undoBegun) continue;
    const uncertain = s.undoBegun && s.undoSent && (!opts.resume || s.undoCampaign === f.campaign);
    const after = applied ? s.after : s.applyReadBack;
    // Unfinished steps first (they began last), then newest first.
    steps.push({ host, step, uncertain, ...(after ? { after } : {}), ...(unsure ? { sentNotVerified: true } : {}), at: s.appliedAt >= 0 && applied ? s.appliedAt : entries.length + i });
  }
  steps.sort((a, b) => b.at - a.at);
  const header = opts.resume && f.campaignHeader ? f.campaignHeader : f.last;
  return { kind: 'rollback', plan: f.first.plan, header, steps: steps.map(({ at: _at, ...rest }) => rest) };
}

/** What the whole history says of one planned step (`firebook change status`). */
export type HistoryState = 'planned' | 'sent' | 'verified' | 'rolled back' | 'unknown';

export interface StepHistory {
  host: string;
  stepId: string;
  state: HistoryState;
  /** The last outcome and its reason, when there is one. */
  detail?: string;
}

/** Per planned step, in plan order: planned (nothing sent, or nothing that held), sent (the
 * change command was answered, not verified), verified, rolled back, unknown (a command was
 * sent and no answer recorded). */
export function stepHistories(entries: readonly JournalEntry[], file = 'journal.jsonl'): StepHistory[] {
  const f = fold(entries, file);
  return planSteps(f.first.plan).map(({ host, step }) => {
    const s = f.states.get(stepKey(host, step.stepId));
    const out = (state: HistoryState, detail?: string): StepHistory => ({ host, stepId: step.stepId, state, ...(detail ? { detail } : {}) });
    if (!s) return out('planned', 'not started');
    const detail = s.lastStatus ? [s.lastStatus, s.reason].filter(Boolean).join(': ') : undefined;
    if (s.unanswered && (s.applyBegun || s.undoBegun)) return out('unknown', 'sent without an answer: firebook resume re-captures it');
    if (s.undoStatus === 'undone' && !s.undoBegun) return out('rolled back', detail);
    if (s.undoBegun && s.undoSent) return out('sent', 'the undo was sent, not verified');
    if (s.applyStatus === 'rolled-back') return out('rolled back', detail);
    if (s.applyStatus === 'verified' || s.applyStatus === 'already-applied') return out('verified', s.lastStatus !== 'verified' ? detail : undefined);
    if (sentNotVerified(s)) return out('sent', detail ?? 'answered, not verified');
    return out('planned', detail ?? 'not started');
  });
}

/** The values each step was left in by this history (`host\0stepId` → values read back), for
 * the steps it verified and did not undo: a later apply of the same plan that finds a device in
 * them says `already-applied`, naming this history. */
export function appliedValues(entries: readonly JournalEntry[], file = 'journal.jsonl'): Map<string, NonNullable<PendingStep['after']>> {
  const f = fold(entries, file);
  const out = new Map<string, NonNullable<PendingStep['after']>>();
  for (const [k, s] of f.states) {
    if ((s.applyStatus === 'verified' || s.applyStatus === 'already-applied') && s.after && !s.applyBegun && !(s.undoStatus === 'undone' || s.undoBegun)) out.set(k, s.after);
  }
  return out;
}

/** What `firebook resume` continues: the last segment's kind decides. */
export function remainingWork(entries: readonly JournalEntry[], file = 'journal.jsonl'): RemainingWork {
  const f = fold(entries, file);
  if (f.last.kind !== 'rollback') return remainingToApply(entries, file);
  const undo = changesToUndo(entries, { resume: true, file });
  if (undo.steps.length > 0) return undo;
  // The rollback refused changes that were sent but never verified (docs/change-window.md "After
  // a crash"): resume judges exactly those — re-captured, verified if applied (so the journal
  // learns the values to undo), left as they are if not — and starts nothing else.
  const refused: PendingStep[] = [];
  for (const { host, step } of planSteps(f.first.plan)) {
    const s = f.states.get(stepKey(host, step.stepId));
    if (s && s.undoStatus === 'undo-failed' && s.reason?.startsWith(SENT_NOT_VERIFIED) && sentNotVerified(s)) refused.push({ host, step, uncertain: true, judgeOnly: true });
  }
  if (refused.length === 0) return undo;
  const header = [...entries].reverse().find((e): e is Begin => e.type === 'journal-begin' && e.kind === 'apply') ?? f.first;
  return { kind: 'apply', plan: f.first.plan, header, steps: refused };
}

/**
 * The change records a run's own segment of a journal tells (`report render` of a killed change
 * run, whose events.jsonl has no run-end): per planned step the segment touched, the commands it
 * sent and how the step ended — or, open, `failed` (sent without an end: resume re-captures it)
 * or `not-started` (nothing sent).
 */
export function changesFromJournal(entries: readonly JournalEntry[], runId: string): ChangeRecord[] {
  const start = entries.findIndex((e) => e.type === 'journal-begin' && e.runId === runId);
  if (start < 0) return [];
  const begin = entries[start] as Begin;
  const plan = begin.plan ?? (JSON.parse(begin.planText) as PlanDocument);
  const undo = begin.kind === 'rollback';
  const seg = entries.slice(start + 1);
  const touched = new Set(seg.flatMap((e) => ('stepId' in e ? [stepKey(e.host, e.stepId)] : [])));
  const limit = begin.limit ? new Set(begin.limit) : undefined;
  const records: ChangeRecord[] = [];
  for (const { host, step } of planSteps(plan)) {
    const k = stepKey(host, step.stepId);
    if (!touched.has(k) || (limit && !limit.has(host))) continue;
    const mine = seg.filter((e) => 'stepId' in e && stepKey(e.host, e.stepId) === k);
    const sent = mine.filter((e): e is Extract<JournalEntry, { type: 'command' }> => e.type === 'command' && (e.phase === 'apply' || e.phase === 'rollback'));
    const end = [...mine].reverse().find((e): e is Extract<JournalEntry, { type: 'step-end' }> => e.type === 'step-end');
    const captured = (when: 'before' | 'after') => [...mine].reverse().find((e): e is Extract<JournalEntry, { type: 'captured' }> => e.type === 'captured' && e.when === when)?.values;
    const status: ChangeRecord['status'] = end
      ? ({ verified: 'verified', 'already-applied': 'already-applied', 'rolled-back': 'rolled-back', drifted: 'drifted', 'not-started': 'not-started', undone: 'verified' } as Partial<Record<string, ChangeRecord['status']>>)[end.status] ?? 'failed'
      : sent.length > 0 ? 'failed' : 'not-started';
    const reason = end ? end.reason : sent.length > 0 ? `the run stopped after sending this change, before it was verified: firebook resume re-captures it` : 'the run stopped before this change was sent';
    records.push({
      host,
      remediation: undo ? `undo ${step.remediationId}` : step.remediationId,
      commands: sent.map((c) => c.command),
      before: valuesLine(end?.before ?? captured('before')),
      after: valuesLine(end?.after ?? captured('after')),
      status,
      approver: begin.approvedBy + (begin.ticket ? ` (${begin.ticket})` : ''),
      ...(end ? { time: end.time } : sent.length ? { time: sent.at(-1)!.time } : {}),
      ...(reason ? { reason } : {}),
    });
  }
  return records;
}
