/** Shared checks of the results-database suites: a run's rows against its run folder. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { HistoryDb } from '../../src/history/db.js';
import type { RunReport } from '../../src/model/result.js';

export const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;

export async function countRows(db: HistoryDb, runId: string): Promise<{ runs: number; hosts: number; groups: number; checks: number; steps: number }> {
  const n = async (table: string) => (await db.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE run_id = ?`, [runId]))[0]!.n;
  return { runs: await n('runs'), hosts: await n('run_hosts'), groups: await n('run_host_groups'), checks: await n('run_checks'), steps: await n('change_steps') };
}

/** Every column of the run's rows says what its folder says (docs/history.md "Tables"). */
export async function expectRowsOf(db: HistoryDb, dir: string, mode: string): Promise<void> {
  const report = readReport(dir);
  const id = report.meta.runId;
  const [run] = await db.query<Record<string, unknown>>('SELECT * FROM runs WHERE run_id = ?', [id]);
  const final = (s: string) => (s === 'fixed' ? 'pass' : s);
  const all = report.hosts.flatMap((h) => h.checks.map((c) => final(c.status)));
  const count = (list: string[], s: string) => list.filter((x) => x === s).length;
  expect(run).toMatchObject({
    run_id: id,
    started_at: report.meta.startedAt,
    ended_at: report.meta.endedAt,
    mode,
    inventory: report.meta.inventory,
    operator: report.meta.operator,
    exit_code: report.exitCode,
    shard: report.meta.shard ? `${report.meta.shard.index}/${report.meta.shard.count}` : null,
    merged_from: report.meta.mergedFrom ? JSON.stringify(report.meta.mergedFrom) : null,
    folder: dir,
    sums_sha256: createHash('sha256').update(readFileSync(join(dir, 'SHA256SUMS'))).digest('hex'),
    evidence: 1,
    hosts_total: report.summary.hosts.total,
    checks_pass: count(all, 'pass'),
    checks_fail: count(all, 'fail'),
    checks_error: count(all, 'error'),
    checks_skipped: count(all, 'skipped'),
    checks_waived: count(all, 'waived'),
  });
  expect(JSON.parse(run!.playbooks as string)).toEqual(report.meta.playbooks.map((p) => ({ path: p.path, name: p.name, sha256: p.sha256 })));
  const hosts = await db.query<Record<string, unknown>>('SELECT * FROM run_hosts WHERE run_id = ? ORDER BY host', [id]);
  const byName = [...report.hosts].sort((a, b) => (a.host < b.host ? -1 : 1));
  expect(hosts).toEqual(
    byName.map((h) => {
      const s = h.checks.map((c) => final(c.status));
      return {
        run_id: id, host: h.host, status: h.status, triage: h.triage?.class ?? null, platform: h.facts?.platform ?? null, version: h.facts?.version ?? null, model: h.facts?.model ?? null,
        started_at: h.startedAt, checks_pass: count(s, 'pass'), checks_fail: count(s, 'fail'), checks_error: count(s, 'error'), checks_skipped: count(s, 'skipped'), checks_waived: count(s, 'waived'),
      };
    }),
  );
  const groups = await db.query<{ host: string; group_name: string }>('SELECT host, group_name FROM run_host_groups WHERE run_id = ? ORDER BY host, group_name', [id]);
  expect(groups).toEqual(byName.flatMap((h) => [...(h.groups ?? [])].sort().map((g) => ({ host: h.host, group_name: g }))));
  const checks = await db.query<Record<string, unknown>>('SELECT host, check_id, playbook, started_at, status, severity, cause, waiver FROM run_checks WHERE run_id = ? ORDER BY host, check_id', [id]);
  // A change run's report lists its checks from plan.json, without their playbook: with one
  // playbook in meta, that one.
  const only = report.meta.playbooks.length === 1 ? report.meta.playbooks[0]!.path.split('/').pop()!.replace(/\.[^.]+$/, '') : '';
  const playbookOf = new Map(report.checks.map((c) => [c.id, c.playbook ?? only]));
  expect(checks).toEqual(
    byName.flatMap((h) =>
      [...h.checks].sort((a, b) => (a.checkId < b.checkId ? -1 : 1)).map((c) => ({
        host: h.host, check_id: c.checkId, playbook: playbookOf.get(c.checkId), started_at: c.startedAt, status: final(c.status), severity: c.severity, cause: c.diagnosis?.id ?? null,
        waiver: c.waiver ? JSON.stringify({ justification: c.waiver.justification, expires: c.waiver.expires ?? null, approver: c.waiver.approver ?? null }) : null,
      })),
    ),
  );
}
