/** `fixed` is the final state of a failure remediated and verified in the same run, and every
 * output counts it so; root causes come before their symptoms. */
import { describe, expect, it } from 'vitest';
import { computeExitCode, computeSummary, settleRemediated } from '../../src/model/outcome.js';
import type { CheckResult, CheckStatus, HostResult, RemediationResult, RunReport } from '../../src/model/result.js';
import { renderJunit, renderProm } from '../../src/report/index.js';
import { rootsOfHost } from '../../src/report/view-causes.js';
import { buildReportView } from '../../src/report/view-model.js';
import { loadSample } from './helpers.js';

const check = (checkId: string, status: CheckStatus, extra: Partial<CheckResult> = {}): CheckResult => ({
  checkId, title: checkId, severity: 'high', tags: [], status, evidence: [], conditions: [{ description: 'x equals 1', holds: status === 'pass', actual: status === 'pass' ? '1' : '0' }], attempts: 1, startedAt: '2024-05-14T01:00:10.000Z', durationMs: 5, ...extra,
});
const remediation = (status: RemediationResult['status'], verification: CheckResult[]): RemediationResult => ({
  remediationId: 'fix-dns', title: 'fix', forCheck: 'dns', status, commands: [{ level: 'cli', command: 'configure network dns servers 192.0.2.53', phase: 'apply', ok: true }], verification,
});
const host = (checks: CheckResult[], remediations: RemediationResult[] = []): HostResult => ({
  host: 'ftd01', address: '127.0.0.1', status: 'ok', checks, remediations, startedAt: '', durationMs: 0,
});

describe('fixed: the final state after a verified remediation', () => {
  const failed = check('dns', 'fail', { diagnosis: { cause: 'DNS resolution fails' } });

  it('a failure whose remediation was verified by re-running it with pass becomes fixed, keeping what was observed before', () => {
    const fixed = settleRemediated(failed, remediation('verified', [check('dns', 'pass', { startedAt: '2024-05-14T01:00:40.000Z' })]));
    expect(fixed.status).toBe('fixed');
    expect(fixed.diagnosis).toEqual(failed.diagnosis);
    expect(fixed.conditions).toEqual(failed.conditions);
    expect(fixed.fixed).toEqual({ remediationId: 'fix-dns', verifiedAt: '2024-05-14T01:00:40.000Z', after: [{ description: 'x equals 1', holds: true, actual: '1' }] });
  });

  it.each([
    ['rolled back (verification failed)', remediation('rolled-back', [check('dns', 'fail')])],
    ['failed', remediation('failed', [])],
    ['only planned (check mode)', remediation('planned', [])],
    ['verified by other checks only', remediation('verified', [check('other', 'pass')])],
  ])('%s: still a failure', (_n, rem) => {
    expect(settleRemediated(failed, rem)).toBe(failed);
  });

  it('exit code and summary count the final state: fixed alone exits 0, a rolled-back failure still exits 2', () => {
    const fixed = settleRemediated(failed, remediation('verified', [check('dns', 'pass')]));
    expect(computeExitCode([host([check('a', 'pass'), fixed])])).toBe(0);
    expect(computeExitCode([host([check('a', 'pass'), settleRemediated(failed, remediation('rolled-back', [check('dns', 'fail')]))])])).toBe(2);
    const s = computeSummary([host([check('a', 'pass'), fixed])]);
    expect(s.checks).toMatchObject({ pass: 1, fixed: 1, fail: 0 });
    expect(s.failedBySeverity.high).toBe(0);
    expect(s.compliancePct).toBe(100);
  });

  it('JUnit: a fixed check is a passing testcase with before/after in system-out; Prometheus has a fixed series', () => {
    const fixed = settleRemediated(failed, remediation('verified', [check('dns', 'pass')]));
    const h = host([fixed]);
    const r: RunReport = { ...loadSample(), hosts: [h], notRun: [], summary: computeSummary([h]), exitCode: computeExitCode([h]) };
    const xml = renderJunit(r, { lang: 'en' });
    expect(xml).toMatch(/<testsuites [^>]*failures="0" errors="0"/);
    expect(xml).not.toContain('<failure');
    expect(xml).toContain('<system-out>fixed by remediation fix-dns');
    const prom = renderProm(r);
    expect(prom).toContain('firebook_check_status{host="ftd01",check="dns",status="fixed"} 1');
    expect(prom).toContain('firebook_check_status{host="ftd01",check="dns",status="fail"} 0');
    expect(prom).toContain('firebook_run_exit_code 0');
  });
});

describe('root cause first', () => {
  const report = (dependsOn: Record<string, string[]> = {}): RunReport => ({
    ...loadSample(),
    checks: ['dns', 'api', 'session', 'log'].map((id) => ({ id, title: id, severity: 'high' as const, dependsOn: dependsOn[id] })),
  });

  it('a failing check whose diagnosis names another failing check ("See dns") is its symptom, transitively', () => {
    const h = host([
      check('dns', 'fail', { diagnosis: { cause: 'no DNS' } }),
      check('api', 'fail', { diagnosis: { cause: 'curl exit 6', next: { en: 'See dns; fix the DNS servers.', ja: 'dns を参照' } } }),
      check('session', 'fail', { diagnosis: { cause: 'no session', next: 'Check the API (api) first' } }),
      check('log', 'fail', { diagnosis: { cause: 'log has errors', next: 'dnsmasq is not involved; see dns-servers docs' } }),
    ]);
    const roots = rootsOfHost(h, report());
    expect(Object.fromEntries(roots)).toEqual({ dns: 'dns', api: 'dns', session: 'dns', log: 'log' });
  });

  it('a named check that passed is no cause; declared checks.<id> dependencies count; a cycle ends at the check planned first', () => {
    const passing = host([check('dns', 'pass'), check('api', 'fail', { diagnosis: { cause: 'x', next: 'See dns' } })]);
    expect(rootsOfHost(passing, report()).get('api')).toBe('api');
    const declared = host([check('dns', 'fail'), check('session', 'fail')]);
    expect(rootsOfHost(declared, report({ session: ['dns'] })).get('session')).toBe('dns');
    const cycle = host([check('api', 'fail', { diagnosis: { cause: 'see session' } }), check('session', 'fail', { diagnosis: { cause: 'see api' } })]);
    expect(Object.fromEntries(rootsOfHost(cycle, report()))).toEqual({ api: 'api', session: 'api' });
  });

  it('the finding cards put the cause first and its symptoms right under it; fix-first lists the cause per host', () => {
    const r = loadSample();
    const ftd02 = r.hosts[1];
    ftd02.checks[1] = { ...ftd02.checks[1], status: 'fail', severity: 'low', diagnosis: { cause: 'DNS fails', next: 'Fix DNS' } };
    ftd02.checks[4] = { ...ftd02.checks[4], diagnosis: { cause: 'no session', next: 'See dns-resolves first' } };
    const v = buildReportView(r, { lang: 'en' });
    // Causes are ranked by what they explain (issue 23): the low-severity DNS cause behind a
    // symptom comes before a higher-severity check that fails on its own.
    expect(v.findings.map((f) => [f.checkId, f.symptom, f.causedBy])).toEqual([
      ['dns-resolves', false, ''],
      ['eventing-session', true, 'caused by dns-resolves'],
      ['eventhandler-socket', false, ''],
    ]);
    expect(v.findings[0].symptoms).toBe('eventing-session');
    const ftd02First = v.fixFirst.find((f) => f.host === 'ftd02')!;
    expect(ftd02First.first.map((x) => x.checkId)).toEqual(['dns-resolves', 'eventhandler-socket']);
    expect(ftd02First.then).toBe('eventing-session');
    // The unreachable host is one entry with cause and next step; its matrix badge is not "ok".
    expect(v.fixFirst.find((f) => f.host === 'ftd03')!.first).toEqual([{ checkId: '', title: 'no answer to the SSH connection (timeout)', cause: 'connect to 192.0.2.13:22 timed out after 10 s', next: expect.stringContaining('TCP 22') }]);
    const rows = v.matrix.groups.flatMap((g) => g.rows.map((row) => [row.host, row.hostStatus.text, g.title]));
    expect(rows).toContainEqual(['ftd02', '✗ fail', 'Hosts with failures or errors']);
    expect(rows).toContainEqual(['fmc01', '– not applicable (every check skipped)', 'Hosts where nothing applied (every check skipped)']);
    expect(rows).toContainEqual(['ftd01', '✓ fixed', 'Hosts with no failures']);
  });
});
