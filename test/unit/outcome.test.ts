import { describe, expect, it } from 'vitest';
import { computeExitCode, computeSummary } from '../../src/model/outcome.js';
import type { CheckResult, CheckStatus, HostResult } from '../../src/model/result.js';
import type { Severity } from '../../src/model/playbook.js';

const check = (status: CheckStatus, severity: Severity = 'high'): CheckResult => ({
  checkId: `c-${status}`, title: 't', severity, tags: [], status, evidence: [], conditions: [], attempts: 1, startedAt: '', durationMs: 0,
});
const host = (status: HostResult['status'], checks: CheckResult[]): HostResult => ({
  host: 'h', address: '127.0.0.1', status, checks, remediations: [], startedAt: '', durationMs: 0,
});

describe('exit-code contract', () => {
  it.each([
    ['all pass', [host('ok', [check('pass')])], {}, 0],
    ['skipped and waived never count', [host('ok', [check('pass'), check('skipped'), check('waived')])], {}, 0],
    ['a failed check', [host('ok', [check('pass'), check('fail')])], {}, 2],
    ['a failure below --fail-on', [host('ok', [check('fail', 'low')])], { failOn: 'high' as Severity }, 0],
    ['a failure at --fail-on', [host('ok', [check('fail', 'high')])], { failOn: 'high' as Severity }, 2],
    ['an undecidable check is an error', [host('ok', [check('error')])], {}, 3],
    ['unreachable beats failed', [host('ok', [check('fail')]), host('unreachable', [])], {}, 3],
    ['interrupted beats everything', [host('unreachable', [])], { interrupted: true }, 130],
  ])('%s', (_name, hosts, opts, code) => {
    expect(computeExitCode(hosts, opts)).toBe(code);
  });

  it('summary counts and compliance', () => {
    const s = computeSummary([host('ok', [check('pass'), check('fail', 'critical'), check('skipped')]), host('unreachable', [])], ['late']);
    expect(s.hosts).toEqual({ total: 3, ok: 1, unreachable: 1, error: 0, notRun: 1 });
    expect(s.checks.pass).toBe(1);
    expect(s.failedBySeverity.critical).toBe(1);
    expect(s.compliancePct).toBe(50);
  });
});
