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
import type { JournalEntry, PendingStep, PlanDocument, PlanStep } from '../model/change.js';

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
  /** Journal index of the apply's step-end: rollback goes newest first. */
  appliedAt: number;
  after?: PendingStep['after'];
  undoStatus?: string;
  /** Rollback campaign the undo status belongs to (a resume continues a campaign). */
  undoCampaign: number;
  undoBegun: boolean;
  undoSent: boolean;
}

const key = (host: string, stepId: string) => `${host}\u0000${stepId}`;

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
    const k = key(host, stepId);
    let s = states.get(k);
    if (!s) states.set(k, (s = { applyBegun: false, applySent: false, appliedAt: -1, undoCampaign: -1, undoBegun: false, undoSent: false }));
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
      if (undo) {
        s.undoBegun = true;
        s.undoSent = false;
        s.undoCampaign = campaign;
      } else {
        s.applyBegun = true;
        s.applySent = false;
      }
    } else if (e.type === 'command' && (e.phase === 'apply' || e.phase === 'rollback')) {
      const s = state(e.host, e.stepId);
      if (undo) s.undoSent = true;
      else s.applySent = true;
    } else if (e.type === 'step-end') {
      const s = state(e.host, e.stepId);
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
const APPLY_FINAL = new Set(['verified', 'rolled-back', 'rollback-failed', 'failed', 'drifted']);

/** The plan's steps an apply (and its resumes) has not finished, in plan order. */
export function remainingToApply(entries: readonly JournalEntry[], file = 'journal.jsonl'): RemainingWork {
  const f = fold(entries, file);
  const steps: PendingStep[] = [];
  for (const { host, step } of planSteps(f.first.plan)) {
    const s = f.states.get(key(host, step.stepId));
    if (s?.applyStatus && APPLY_FINAL.has(s.applyStatus) && !s.applyBegun) continue;
    steps.push({ host, step, uncertain: !!s && s.applyBegun && s.applySent });
  }
  const header = [...entries].reverse().find((e): e is Begin => e.type === 'journal-begin' && e.kind === 'apply') ?? f.first;
  return { kind: 'apply', plan: f.first.plan, header, steps };
}

/**
 * Every change the journal says was applied and kept (`verified`) and not undone yet, newest
 * first; `hosts` narrows it (rollback --limit). With `resume`, only what the last rollback
 * campaign has not ended yet (a drifted or failed undo is not retried by a resume).
 */
export function changesToUndo(entries: readonly JournalEntry[], opts: { hosts?: ReadonlySet<string>; resume?: boolean; file?: string } = {}): RemainingWork {
  const f = fold(entries, opts.file ?? 'journal.jsonl');
  const limit = opts.resume ? (f.campaignHeader?.limit ? new Set(f.campaignHeader.limit) : undefined) : opts.hosts;
  const steps: Array<PendingStep & { at: number }> = [];
  for (const { host, step } of planSteps(f.first.plan)) {
    const s = f.states.get(key(host, step.stepId));
    if (!s || s.applyStatus !== 'verified') continue;
    if (limit && !limit.has(host)) continue;
    if (s.undoStatus === 'undone' && !s.undoBegun) continue;
    if (opts.resume && s.undoCampaign === f.campaign && s.undoStatus && !s.undoBegun) continue;
    const uncertain = s.undoBegun && s.undoSent && (!opts.resume || s.undoCampaign === f.campaign);
    steps.push({ host, step, uncertain, after: s.after, at: s.appliedAt });
  }
  steps.sort((a, b) => b.at - a.at);
  const header = opts.resume && f.campaignHeader ? f.campaignHeader : f.last;
  return { kind: 'rollback', plan: f.first.plan, header, steps: steps.map(({ at: _at, ...rest }) => rest) };
}

/** What `firebook resume` continues: the last segment's kind decides. */
export function remainingWork(entries: readonly JournalEntry[], file = 'journal.jsonl'): RemainingWork {
  const f = fold(entries, file);
  return f.last.kind === 'rollback' ? changesToUndo(entries, { resume: true, file }) : remainingToApply(entries, file);
}
