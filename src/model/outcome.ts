/** One place for the run's verdict: the summary counts and the exit code. */
import { EXIT } from './errors.js';
import { SEVERITIES, type Severity } from './playbook.js';
import type { CheckResult, CheckStatus, HostResult, RemediationResult, RunSummary } from './result.js';
import type { StepOutcome } from './change.js';

/** Compliance in percent to one decimal: compliant (pass, fixed) over judged (those plus fail
 * and error); null when nothing was judged. The run report's and the history's one definition. */
export function compliancePercent(compliant: number, judged: number): number | null {
  return judged === 0 ? null : Math.round((compliant / judged) * 1000) / 10;
}

export function computeSummary(hosts: readonly HostResult[], notRun: readonly string[] = []): RunSummary {
  const checks: Record<CheckStatus, number> = { pass: 0, fail: 0, error: 0, skipped: 0, waived: 0, fixed: 0 };
  const failedBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const h = { total: hosts.length + notRun.length, ok: 0, unreachable: 0, error: 0, notRun: notRun.length };
  for (const host of hosts) {
    h[host.status] += 1;
    for (const c of host.checks) {
      checks[c.status] += 1;
      if (c.status === 'fail') failedBySeverity[c.severity] += 1;
    }
  }
  // A fixed check is compliant now: the final state counts.
  const compliant = checks.pass + checks.fixed;
  const judged = compliant + checks.fail + checks.error;
  return { hosts: h, checks, failedBySeverity, compliancePct: compliancePercent(compliant, judged) };
}

/**
 * The exit-code contract: 130 interrupted · 3 a host unreachable/errored or a check could not
 * be decided (`error`) · 2 a failed check at or above `failOn` · 0 otherwise.
 * Waived, skipped and fixed checks never count (a fixed check is compliant now).
 */
export function computeExitCode(hosts: readonly HostResult[], opts: { interrupted?: boolean; failOn?: Severity } = {}): number {
  if (opts.interrupted) return EXIT.interrupted;
  const threshold = SEVERITIES.indexOf(opts.failOn ?? 'info');
  if (hosts.some((h) => h.status !== 'ok' || h.checks.some((c) => c.status === 'error'))) return EXIT.hostFailed;
  const failed = hosts.some((h) => h.checks.some((c) => c.status === 'fail' && SEVERITIES.indexOf(c.severity) >= threshold));
  return failed ? EXIT.checkFailed : EXIT.ok;
}

/**
 * The final state of a check after a remediation: a `fail` becomes `fixed` when the remediation
 * was `verified` and its verification re-ran this very check with `pass`. Anything else (rolled
 * back, failed, only planned, verified by other checks) leaves the result as it was. The one
 * rule for `fixed`, used by the runner (run --apply) and by plan/apply.
 */
export function settleRemediated(check: CheckResult, remediation: RemediationResult): CheckResult {
  if (check.status !== 'fail' || remediation.status !== 'verified') return check;
  const after = remediation.verification?.find((v) => v.checkId === check.checkId && v.status === 'pass');
  if (!after) return check;
  return { ...check, status: 'fixed', fixed: { remediationId: remediation.remediationId, verifiedAt: after.startedAt, after: after.conditions } };
}

/**
 * The change window's exit code (apply, resume, rollback): 130 interrupted · 3 a host
 * unreachable or errored, or a rollback/undo that failed (the device needs a person) · 2 a
 * change rolled back, drifted, failed or not started · 0 everything applied and verified
 * (or undone, or found already applied), or nothing to do. (4, a refused plan, is decided before anything runs.)
 */
export function computeChangeExitCode(hosts: readonly HostResult[], outcomes: readonly StepOutcome[], opts: { interrupted?: boolean } = {}): number {
  if (opts.interrupted) return EXIT.interrupted;
  if (hosts.some((h) => h.status !== 'ok') || outcomes.some((o) => o === 'rollback-failed' || o === 'undo-failed')) return EXIT.hostFailed;
  if (outcomes.some((o) => o !== 'verified' && o !== 'undone' && o !== 'already-applied')) return EXIT.checkFailed;
  return EXIT.ok;
}
