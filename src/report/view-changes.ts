/** The "changes made" section: one row per change to a device, right after the verdict in apply
 * mode. It is fed from a list of ChangeRecords: the ones plan/apply gives (RunReport.changes) or,
 * for `run --apply`, the ones derived here from the remediations. */
import type { ChangeRecord, ChangeStatus, RemediationResult, RunReport } from '../model/result.js';
import { formatLabel, type Labels } from './labels.js';
import { fieldText, toOneLine, toVisibleText } from './sanitize.js';
import type { ChangeView } from './view-types.js';

function changeStatusOf(r: RemediationResult): ChangeStatus {
  const sent = r.commands.some((c) => c.phase !== 'capture' && c.ok !== undefined);
  if (r.status === 'verified') return 'verified';
  if (r.status === 'rolled-back') return 'rolled-back';
  if (!sent || r.status === 'planned') return 'not-started';
  return 'failed';
}

/** `step.field: value; …` of a remediation's captured (before) or read-back (after) values. */
function valuesText(values: RemediationResult['before']): string {
  return Object.entries(values ?? {})
    .flatMap(([step, fields]) => Object.entries(fields).map(([f, v]) => `${step}.${f}: ${fieldText(v)}`))
    .join('; ');
}

/** Change records of a `run --apply`: one per remediation that was due on a host. */
export function changesFromReport(report: RunReport): ChangeRecord[] {
  return report.hosts.flatMap((h) =>
    h.remediations
      .filter((r) => r.status !== 'not-applicable')
      .map((r) => ({
        host: h.host,
        remediation: r.remediationId,
        commands: r.commands.filter((c) => c.phase !== 'capture' && c.ok !== undefined).map((c) => c.command),
        before: valuesText(r.before),
        after: valuesText(r.after),
        status: changeStatusOf(r),
        time: r.verification?.[0]?.startedAt,
      })),
  );
}

const CLS: Record<string, string> = { verified: 'pass', 'already-applied': 'pass', undone: 'pass', 'rolled-back': 'waived', drifted: 'error', 'not-started': 'skipped', failed: 'fail', 'undo-failed': 'fail', 'rollback-failed': 'fail' };
const SYMBOL: Record<string, string> = { verified: '✓', 'already-applied': '=', undone: '↺', 'rolled-back': '↺', drifted: '!', 'not-started': '–', failed: '✗', 'undo-failed': '✗', 'rollback-failed': '✗' };

/** A journal outcome finer than the record's status, which the change window keeps at the
 * front of `reason` (`undone`, `undo-failed: …`, `rollback-failed: …`; see apply-runner.ts). */
const FINER = /^(undone|undo-failed|rollback-failed)(?::\s*(.*))?$/s;

/** What happened to one change and why: `undone` for an undo that held, else the status. */
export function changeOutcome(c: ChangeRecord): { outcome: string; reason: string } {
  const m = FINER.exec(c.reason ?? '');
  return m ? { outcome: m[1]!, reason: m[2] ?? '' } : { outcome: c.status, reason: c.reason ?? '' };
}

/** Whether a command of the change went out in this run. */
const wasSent = (c: ChangeRecord) => c.commands.length > 0;

/** The outcomes of a change run in the order a verdict names them: how many, and (for those not
 * started) why, when they share one reason. */
export function changeTally(records: readonly ChangeRecord[]): { total: number; sent: number; counts: Array<{ outcome: string; n: number; why?: string }> } {
  const order = ['verified', 'already-applied', 'undone', 'rolled-back', 'drifted', 'failed', 'undo-failed', 'rollback-failed', 'not-started'];
  const groups = new Map<string, string[]>();
  for (const c of records) {
    const { outcome, reason } = changeOutcome(c);
    groups.set(outcome, [...(groups.get(outcome) ?? []), reason]);
  }
  const rank = (o: string) => (order.includes(o) ? order.indexOf(o) : order.length - 1);
  const counts = [...groups].sort(([a], [b]) => rank(a) - rank(b)).map(([outcome, reasons]) => {
    const why = new Set(reasons);
    return { outcome, n: reasons.length, ...(outcome === 'not-started' && why.size === 1 && reasons[0] ? { why: reasons[0] } : {}) };
  });
  return { total: records.length, sent: records.filter(wasSent).length, counts };
}

/** `3 verified, 6 not started (the change window closed)`. */
export function changeParts(records: readonly ChangeRecord[], l: Labels): string {
  const label: Record<string, string> = { verified: l.cvVerified, 'already-applied': l.cvAlreadyApplied, undone: l.cvUndone, 'rolled-back': l.cvRolledBackPart, drifted: l.cvDrifted, failed: l.cvFailed, 'undo-failed': l.cvFailed, 'rollback-failed': l.cvFailed, 'not-started': l.cvNotStarted };
  const merged = new Map<string, { n: number; why?: string }>();
  for (const c of changeTally(records).counts) {
    const key = label[c.outcome] ?? `{n} ${toOneLine(c.outcome)}`;
    const m = merged.get(key);
    merged.set(key, m ? { n: m.n + c.n } : { n: c.n, why: c.why });
  }
  return [...merged].map(([key, c]) => `${formatLabel(key, { n: c.n })}${c.why ? ` (${toOneLine(c.why)})` : ''}`).join(l.verdictSep);
}

/** The verdict of apply, resume and rollback: about the plan's changes, not about checks. */
export function changeVerdictText(report: RunReport, l: Labels): string {
  const records = report.changes ?? [];
  const { total, counts } = changeTally(records);
  const undo = report.meta.changeRun === 'rollback';
  // An apply's change is done when verified now, or found already applied by an earlier apply.
  const done = counts.filter((c) => (undo ? c.outcome === 'undone' : c.outcome === 'verified' || c.outcome === 'already-applied')).reduce((n, c) => n + c.n, 0);
  const values = { done, total, parts: changeParts(records, l) };
  const text =
    report.exitCode === 130 ? l.cvInterrupted
    : total === 0 ? l.cvNothing
    : done === total ? (undo ? l.cvRolledBack : l.cvApplied)
    : done > 0 ? (undo ? l.cvPartlyRolledBack : l.cvPartlyApplied)
    : undo ? l.cvNotRolledBack : l.cvNotApplied;
  return formatLabel(text, values);
}

/** The section's title: "Changes made (N)" counts what was sent in this run. */
export function changesTitle(records: readonly ChangeRecord[], l: Labels, applyMode: boolean): string {
  if (!applyMode) return `${l.changesPlanned} (${records.length})`;
  const { total, sent } = changeTally(records);
  return sent === total ? `${l.changesMade} (${sent})` : `${l.changesMade} (${formatLabel(l.changesMadeOf, { sent, total })})`;
}

/** The rows as printed, in the order given (a change run's is the plan's), capped at `max`. */
export function buildChangesView(records: readonly ChangeRecord[], l: Labels, max: number): ChangeView[] {
  const word: Record<string, string> = { verified: l.changeVerified, 'already-applied': l.changeAlreadyApplied, undone: l.changeUndone, 'rolled-back': l.changeRolledBack, drifted: l.changeDrifted, 'not-started': l.changeNotStarted, failed: l.changeFailed, 'undo-failed': l.changeUndoFailed, 'rollback-failed': l.changeRollbackFailed };
  return records.slice(0, max).map((c) => {
    const { outcome, reason } = changeOutcome(c);
    return {
      host: toOneLine(c.host),
      remediation: toOneLine(c.remediation),
      commands: c.commands.map((x) => toVisibleText(x)),
      // An empty cell would hide whether anything went out: say it.
      commandsNote: wasSent(c) ? '' : outcome === 'not-started' || outcome === 'drifted' ? l.notSent : l.sentEarlier,
      before: toVisibleText(c.before),
      after: toVisibleText(c.after),
      status: { text: `${SYMBOL[outcome] ?? '•'} ${word[outcome] ?? toOneLine(outcome)}`, cls: CLS[outcome] ?? 'skipped' },
      reason: toVisibleText(reason),
      approver: toOneLine(c.approver ?? ''),
      time: toOneLine(c.time ?? ''),
    };
  });
}
