/** The "changes made" section: one row per change to a device, right after the verdict in apply
 * mode. It is fed from a list of ChangeRecords: the ones plan/apply gives (RunReport.changes) or,
 * for `run --apply`, the ones derived here from the remediations. */
import type { ChangeRecord, ChangeStatus, RemediationResult, RunReport } from '../model/result.js';
import type { Labels } from './labels.js';
import { toOneLine, toVisibleText } from './sanitize.js';
import { fieldText } from './view-format.js';
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

const CLS: Record<ChangeStatus, string> = { verified: 'pass', 'already-applied': 'pass', 'rolled-back': 'waived', drifted: 'error', 'not-started': 'skipped', failed: 'fail' };
const SYMBOL: Record<ChangeStatus, string> = { verified: '✓', 'already-applied': '=', 'rolled-back': '↺', drifted: '!', 'not-started': '–', failed: '✗' };

/** The rows as printed, capped at `max`. */
export function buildChangesView(records: readonly ChangeRecord[], l: Labels, max: number): ChangeView[] {
  const word: Record<ChangeStatus, string> = { verified: l.changeVerified, 'already-applied': l.changeAlreadyApplied, 'rolled-back': l.changeRolledBack, drifted: l.changeDrifted, 'not-started': l.changeNotStarted, failed: l.changeFailed };
  return [...records]
    .sort((a, b) => a.host.localeCompare(b.host))
    .slice(0, max)
    .map((c) => ({
      host: toOneLine(c.host),
      remediation: toOneLine(c.remediation),
      commands: c.commands.map((x) => toVisibleText(x)),
      before: toVisibleText(c.before),
      after: toVisibleText(c.after),
      status: { text: `${SYMBOL[c.status] ?? '•'} ${word[c.status] ?? toOneLine(c.status)}`, cls: CLS[c.status] ?? 'skipped' },
      approver: toOneLine(c.approver ?? ''),
      time: toOneLine(c.time ?? ''),
    }));
}
