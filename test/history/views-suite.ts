/** Every history view's numbers on the known history (known-history.ts), worked out by hand;
 * run on SQLite (views.test.ts) and PostgreSQL (views-pg.test.ts). */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HistoryDb } from '../../src/history/db.js';
import { changesApplied, complianceTrend, expiringWaivers, failingNow, hostSummaries } from '../../src/history/queries.js';
import { hostTimeline } from '../../src/history/timeline.js';
import { fillKnownHistory, HOSTILE, RANGE } from './known-history.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export function viewsSuite(open: () => Promise<HistoryDb>): void {
  let db: HistoryDb;
  beforeAll(async () => {
    db = await open();
    await fillKnownHistory(db);
  });
  afterAll(async () => {
    await db?.close();
  });

  const pcts = (pts: Array<{ bucket: string; pct: number | null }>) => pts.map((p) => [p.bucket, p.pct]);

  it('fleet compliance per day counts each host once, with its last run of the day', async () => {
    const pts = await complianceTrend(db, RANGE, 'day');
    // d3: fw-a's 15:00 re-run (pass) replaces its 10:00 run (fail); d5: fw-c's shard and merged runs count once.
    expect(pts).toEqual([
      { bucket: '2026-11-01', hosts: 4, pass: 6, fail: 0, error: 1, pct: 85.7 },
      { bucket: '2026-11-02', hosts: 3, pass: 4, fail: 2, error: 0, pct: 66.7 },
      { bucket: '2026-11-03', hosts: 3, pass: 6, fail: 0, error: 0, pct: 100 },
      { bucket: '2026-11-04', hosts: 3, pass: 5, fail: 1, error: 0, pct: 83.3 },
      { bucket: '2026-11-05', hosts: 3, pass: 3, fail: 2, error: 0, pct: 60 },
    ]);
  });

  it('per week: the last run of each host in the week (weeks start on Monday)', async () => {
    expect(await complianceTrend(db, RANGE, 'week')).toEqual([
      { bucket: '2026-10-26', hosts: 4, pass: 6, fail: 0, error: 1, pct: 85.7 },
      { bucket: '2026-11-02', hosts: 3, pass: 3, fail: 2, error: 0, pct: 60 },
    ]);
  });

  it('a group, a playbook, a check, and a day with no runs', async () => {
    expect(pcts(await complianceTrend(db, RANGE, 'day', { group: 'dc1' }))).toEqual([
      ['2026-11-01', 100], ['2026-11-02', 50], ['2026-11-03', 100], ['2026-11-04', 75], ['2026-11-05', 66.7],
    ]);
    expect(pcts(await complianceTrend(db, RANGE, 'day', { playbook: 'securex' }))).toEqual([
      ['2026-11-01', 100], ['2026-11-02', 33.3], ['2026-11-03', 100], ['2026-11-04', 66.7], ['2026-11-05', 33.3],
    ]);
    const ntp = await complianceTrend(db, RANGE, 'day', { check: 'ntp' });
    expect(pcts(ntp)).toEqual([['2026-11-01', 66.7], ['2026-11-02', 100], ['2026-11-03', 100], ['2026-11-04', 100], ['2026-11-05', 100]]);
    expect(ntp[0]!.hosts).toBe(4);
    expect(pcts(await complianceTrend(db, RANGE, 'day', { group: 'dc2', check: 'ssh' }))).toEqual([
      ['2026-11-01', 100], ['2026-11-02', 100], ['2026-11-03', 100], ['2026-11-04', 100], ['2026-11-05', 0],
    ]);
    const later = await complianceTrend(db, { since: '2026-11-05T00:00:00.000Z', until: '2026-11-08T00:00:00.000Z' }, 'day');
    expect(later.map((p) => [p.bucket, p.hosts, p.pct])).toEqual([['2026-11-05', 3, 60], ['2026-11-06', 0, null], ['2026-11-07', 0, null]]);
  });

  it('host summaries: a strip of states per bucket and the last run', async () => {
    const hosts = await hostSummaries(db, RANGE, 'day');
    expect(hosts.map((h) => h.host)).toEqual(['fw-a', 'fw-b', 'fw-c', HOSTILE]);
    expect(hosts[1]).toEqual({
      host: 'fw-b', lastSeen: '2026-11-05T10:00:00.000Z', pct: 0,
      strip: [
        { from: '2026-11-01', to: '2026-11-01', state: 'pass' },
        { from: '2026-11-02', to: '2026-11-02', state: 'fail' },
        { from: '2026-11-03', to: '2026-11-03', state: 'pass' },
        { from: '2026-11-04', to: '2026-11-05', state: 'fail' },
      ],
    });
    expect(hosts[3]!.strip).toEqual([{ from: '2026-11-01', to: '2026-11-01', state: 'pass' }, { from: '2026-11-02', to: '2026-11-05', state: 'none' }]);
    expect((await hostSummaries(db, RANGE, 'day', 'dc2')).map((h) => h.host)).toEqual(['fw-c', HOSTILE]);
  });

  it('a host timeline: first failed, last passed, time to fix, flaps', async () => {
    const [ntp, ssh] = await hostTimeline(db, 'fw-a', RANGE);
    expect(ntp!.checkId).toBe('ntp');
    expect(ntp!.flaps).toBe(0);
    expect(ssh!.entries.map((e) => [e.at.slice(5, 13), e.status, e.runId])).toEqual([
      ['11-01T10', 'pass', 'r1'], ['11-02T10', 'fail', 'r2'], ['11-03T10', 'fail', 'r3'], ['11-03T15', 'pass', 'r3b'], ['11-04T10', 'pass', 'r4'], ['11-05T10', 'pass', 'r5'],
    ]);
    expect(ssh).toMatchObject({
      playbook: 'securex', firstFailed: '2026-11-02T10:00:00.000Z', lastPassed: '2026-11-05T10:00:00.000Z', flaps: 2, medianFixMs: 29 * HOUR,
      fixes: [{ failedAt: '2026-11-02T10:00:00.000Z', fixedAt: '2026-11-03T15:00:00.000Z', ms: 29 * HOUR }],
    });
    const [b] = await hostTimeline(db, 'fw-b', RANGE, 'ssh');
    expect(b).toMatchObject({
      firstFailed: '2026-11-02T10:00:00.000Z', lastPassed: '2026-11-03T10:00:00.000Z', flaps: 3, medianFixMs: DAY,
      fixes: [{ failedAt: '2026-11-02T10:00:00.000Z', fixedAt: '2026-11-03T10:00:00.000Z', ms: DAY }, { failedAt: '2026-11-04T10:00:00.000Z', fixedAt: null, ms: null }],
    });
    // The shard run and the merged run saw the same result at the same instant: shown once.
    const [, c] = await hostTimeline(db, 'fw-c', RANGE);
    expect(c!.entries.map((e) => e.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'fail']);
    expect(c!.flaps).toBe(1);
    expect(await hostTimeline(db, 'no-such-host', RANGE)).toEqual([]);
  });

  it('failing now, since the start of the current streak, with the run that first saw it', async () => {
    expect(await failingNow(db, RANGE.until)).toEqual([
      { host: 'fw-b', checkId: 'ssh', playbook: 'securex', severity: 'high', since: '2026-11-04T10:00:00.000Z', firstRunId: 'r4', lastAt: '2026-11-05T10:00:00.000Z', lastRunId: 'r5' },
      { host: 'fw-c', checkId: 'ssh', playbook: 'securex', severity: 'high', since: '2026-11-05T10:00:00.000Z', firstRunId: 'r5-merged', lastAt: '2026-11-05T10:00:00.000Z', lastRunId: 'r5-shard1' },
    ]);
    // As of the end of day 2: fw-a and fw-b fail since their first fail.
    expect((await failingNow(db, '2026-11-03T00:00:00.000Z')).map((f) => [f.host, f.since.slice(0, 10), f.firstRunId])).toEqual([
      ['fw-a', '2026-11-02', 'r2'], ['fw-b', '2026-11-02', 'r2'],
    ]);
    expect((await failingNow(db, RANGE.until, { group: 'dc1' })).map((f) => f.host)).toEqual(['fw-b']);
    expect(await failingNow(db, RANGE.until, { playbook: 'health' })).toEqual([]);
  });

  it('waivers expiring within N days: the latest result of each host × check', async () => {
    expect(await expiringWaivers(db, RANGE.until, 30 * DAY)).toEqual([
      { host: 'fw-b', checkId: 'ntp', expires: '2026-11-20T00:00:00.000Z', daysLeft: 14, justification: 'NTP server moves', approver: 'alice', runId: 'r5' },
    ]);
    expect((await expiringWaivers(db, RANGE.until, 365 * DAY)).map((w) => [w.host, w.daysLeft])).toEqual([['fw-b', 14], [HOSTILE, 207]]);
    expect(await expiringWaivers(db, RANGE.until, 13 * DAY)).toEqual([]);
  });

  it('changes applied: who approved, which ticket, verified or rolled back', async () => {
    expect(await changesApplied(db, RANGE)).toEqual([
      { runId: 'a1', mode: 'apply', operator: 'carol', host: 'fw-b', stepId: 'ssh-fix', at: '2026-11-03T12:00:00.000Z', approvedBy: 'bob', ticket: 'CHG-42', outcome: 'verified', phases: ['capture:ok', 'apply:ok', 'verify:ok'] },
      { runId: 'rb1', mode: 'rollback', operator: 'carol', host: 'fw-b', stepId: 'ssh-fix', at: '2026-11-04T12:00:00.000Z', approvedBy: null, ticket: 'CHG-42', outcome: 'rolled-back', phases: ['rollback:ok'] },
    ]);
    expect(await changesApplied(db, RANGE, 'fw-a')).toEqual([]);
  });
}
