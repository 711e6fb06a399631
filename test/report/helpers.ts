/** Fixtures shared by the report tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../src/model/events.js';
import type { CheckResult, HostResult, RunReport } from '../../src/model/result.js';
import { computeExitCode, computeSummary } from '../../src/model/outcome.js';

export const FIXTURES = new URL('../fixtures/reports/', import.meta.url).pathname;
export const CANARY = 'CANARY-5ecr3t-9f1c';
export const HOSTILE = [
  '<script>alert(1)</script>',
  '</details></pre><img src=x onerror=alert(2)>',
  '{{x}} {{{y}}}',
  '\x1b[31mRED\x1b[0m bell\x07',
  ']]> & "quotes" \'single\'',
  '```\n~~~ | pipe | ``` ````',
  '日本語の出力：接続できません',
].join('\n');

/** The hand-built sample report (4 hosts: fail+diagnosis+remediation, waived+error+fail, skipped, unreachable). */
export function loadSample(): RunReport {
  return JSON.parse(readFileSync(join(FIXTURES, 'sample-report.json'), 'utf8')) as RunReport;
}

/** The sample with hostile device output in evidence, reasons, host names and triage. */
export function hostileReport(): RunReport {
  const r = loadSample();
  const ftd02 = r.hosts[1];
  const fail = ftd02.checks.find((c) => c.status === 'fail') as CheckResult;
  fail.evidence[0].output = HOSTILE;
  fail.evidence[0].command = 'echo "<b>`x`</b>" | grep ]]>';
  fail.diagnosis = { id: 'x<y>', cause: `cause ${HOSTILE}`, next: '<a href="http://evil.example/">click</a>' };
  fail.conditions[0].actual = '<script>alert(3)</script>';
  const error = ftd02.checks.find((c) => c.status === 'error') as CheckResult;
  error.reason = 'reason \x1b[1mbold\x1b[0m | `tick`';
  (r.hosts[3] as HostResult).triage!.message = '</td><script>alert(4)</script>';
  return r;
}

/** Events of a run killed mid-way: ftd01 finished, ftd02 began (2 checks done), fmc01/ftd03 never began;
 * the last line is cut off. */
export function partialEventLines(): string[] {
  const r = loadSample();
  const meta = { ...r.meta, endedAt: undefined, durationMs: undefined };
  const ev: RunEvent[] = [
    { type: 'run-begin', time: '2024-05-14T01:00:00.000Z', meta, hosts: r.hosts.map((h) => h.host), checks: r.checks },
    { type: 'host-begin', time: '2024-05-14T01:00:01.000Z', host: 'ftd01' },
    { type: 'host-begin', time: '2024-05-14T01:00:01.000Z', host: 'ftd02' },
    ...r.hosts[0].checks.map((c): RunEvent => ({ type: 'check-end', time: '2024-05-14T01:00:20.000Z', host: 'ftd01', result: c })),
    { type: 'host-end', time: '2024-05-14T01:00:49.000Z', result: r.hosts[0] },
    { type: 'check-begin', time: '2024-05-14T01:00:02.000Z', host: 'ftd02', checkId: 'version-applicable' },
    { type: 'check-end', time: '2024-05-14T01:00:02.000Z', host: 'ftd02', result: r.hosts[1].checks[0] },
    { type: 'check-end', time: '2024-05-14T01:00:04.000Z', host: 'ftd02', result: r.hosts[1].checks[1] },
  ];
  const lines = ev.map((e) => JSON.stringify(e));
  const cut = JSON.stringify({ type: 'check-end', time: '2024-05-14T01:00:05.000Z', host: 'ftd02', result: r.hosts[1].checks[2] });
  lines.push(cut.slice(0, Math.floor(cut.length / 2)));
  return lines;
}

/** A temp folder removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `firebook-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A synthetic fleet: `n` hosts, every 10th failing dns-resolves, every 50th unreachable. */
export function largeFleet(n: number): RunReport {
  const s = loadSample();
  const tmpl = s.hosts[0];
  const hosts: HostResult[] = [];
  for (let i = 0; i < n; i++) {
    const name = `ftd${String(i).padStart(5, '0')}`;
    if (i % 50 === 49) {
      hosts.push({ ...s.hosts[3], host: name, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}` });
      continue;
    }
    const failing = i % 10 === 3;
    const checks = tmpl.checks.map((c) => (c.checkId === 'dns-resolves' ? { ...c, status: failing ? ('fail' as const) : ('pass' as const), diagnosis: failing ? c.diagnosis : undefined, fixed: undefined } : c));
    // Check mode: the remediation is only planned, so the failure stays a failure.
    const remediations = failing ? tmpl.remediations.map((r) => ({ ...r, status: 'planned' as const, verification: undefined, after: undefined })) : [];
    hosts.push({ ...tmpl, host: name, checks, remediations });
  }
  return { ...s, hosts, summary: computeSummary(hosts), exitCode: computeExitCode(hosts) };
}
