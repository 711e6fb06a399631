/** A small known history, inserted row by row into the schema (no run folders), whose every
 * view is worked out by hand in views.test.ts. Days 2026-11-01 … 11-05, one run a day at 10:00
 * (r1…r5), a re-run of fw-a at 15:00 on day 3 (r3b), and on day 5 fw-c only in a shard run and
 * the merged run made of it (same instant). Checks: `ssh` (playbook securex), `ntp` (health).
 *
 *            d1     d2     d3 10:00 / 15:00   d4     d5
 *   fw-a ssh pass   fail   fail  /  pass      pass   pass
 *   fw-a ntp pass   pass   pass  /  pass      pass   pass
 *   fw-b ssh pass   fail   pass               fail   fail        (failing since d4)
 *   fw-b ntp pass   pass   pass               pass   waived (expires 11-20, alice)
 *   fw-c ssh pass   pass   pass               pass   fail (shard + merged)
 *   fw-c ntp error  pass   pass               pass   pass (shard + merged)
 *   HOSTILE  ssh pass, ntp waived (expires 2027-06-01) on d1 only
 * Groups: dc1 = fw-a, fw-b; dc2 = fw-c, HOSTILE. Changes: apply a1 (fw-b, ssh-fix, approved by
 * bob, CHG-42, verified) on d3; rollback rb1 of the same step on d4.
 */
import type { HistoryDb, SqlValue } from '../../src/history/db.js';

export const HOSTILE = 'fw-d<script>alert(1)</script>&"\'';
export const RANGE = { since: '2026-11-01T00:00:00.000Z', until: '2026-11-06T00:00:00.000Z' };

type Status = 'pass' | 'fail' | 'error' | 'waived';
interface Waiver {
  justification: string;
  expires: string;
  approver: string;
}

async function insert(db: HistoryDb, table: string, row: Record<string, SqlValue>): Promise<void> {
  const cols = Object.keys(row);
  await db.exec(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, Object.values(row));
}

async function run(db: HistoryDb, runId: string, at: string, mode = 'check', extra: Record<string, SqlValue> = {}): Promise<void> {
  await insert(db, 'runs', { run_id: runId, started_at: at, mode, playbooks: '[]', recorded_at: at, ...extra });
}

const GROUP: Record<string, string> = { 'fw-a': 'dc1', 'fw-b': 'dc1', 'fw-c': 'dc2', [HOSTILE]: 'dc2' };
const PLAYBOOK: Record<string, string> = { ssh: 'securex', ntp: 'health' };

async function host(db: HistoryDb, runId: string, at: string, name: string, checks: Record<string, Status>, waivers: Record<string, Waiver> = {}): Promise<void> {
  const n = { pass: 0, fail: 0, error: 0, waived: 0 };
  for (const s of Object.values(checks)) n[s] += 1;
  await insert(db, 'run_hosts', {
    run_id: runId, host: name, status: 'ok', started_at: at,
    checks_pass: n.pass, checks_fail: n.fail, checks_error: n.error, checks_skipped: 0, checks_waived: n.waived,
  });
  await insert(db, 'run_host_groups', { run_id: runId, host: name, group_name: GROUP[name]! });
  for (const [check, status] of Object.entries(checks)) {
    const w = waivers[check];
    await insert(db, 'run_checks', {
      run_id: runId, host: name, check_id: check, playbook: PLAYBOOK[check]!, started_at: at, status,
      severity: 'high', cause: null, waiver: w ? JSON.stringify(w) : null,
    });
  }
}

const at = (day: number, hour = 10) => `2026-11-0${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

export async function fillKnownHistory(db: HistoryDb): Promise<void> {
  await db.transaction(async (tx) => {
    const days: Array<[number, Record<string, Record<string, Status>>]> = [
      [1, { 'fw-a': { ssh: 'pass', ntp: 'pass' }, 'fw-b': { ssh: 'pass', ntp: 'pass' }, 'fw-c': { ssh: 'pass', ntp: 'error' } }],
      [2, { 'fw-a': { ssh: 'fail', ntp: 'pass' }, 'fw-b': { ssh: 'fail', ntp: 'pass' }, 'fw-c': { ssh: 'pass', ntp: 'pass' } }],
      [3, { 'fw-a': { ssh: 'fail', ntp: 'pass' }, 'fw-b': { ssh: 'pass', ntp: 'pass' }, 'fw-c': { ssh: 'pass', ntp: 'pass' } }],
      [4, { 'fw-a': { ssh: 'pass', ntp: 'pass' }, 'fw-b': { ssh: 'fail', ntp: 'pass' }, 'fw-c': { ssh: 'pass', ntp: 'pass' } }],
      [5, { 'fw-a': { ssh: 'pass', ntp: 'pass' }, 'fw-b': { ssh: 'fail', ntp: 'waived' } }],
    ];
    for (const [day, hosts] of days) {
      await run(tx, `r${day}`, at(day));
      for (const [name, checks] of Object.entries(hosts)) {
        const waivers: Record<string, Waiver> = name === 'fw-b' && day === 5 ? { ntp: { justification: 'NTP server moves', expires: '2026-11-20T00:00:00.000Z', approver: 'alice' } } : {};
        await host(tx, `r${day}`, at(day), name, checks, waivers);
      }
    }
    await host(tx, 'r1', at(1), HOSTILE, { ssh: 'pass', ntp: 'waived' }, { ntp: { justification: '<b>later</b>', expires: '2027-06-01T00:00:00.000Z', approver: 'eve' } });
    await run(tx, 'r3b', at(3, 15));
    await host(tx, 'r3b', at(3, 15), 'fw-a', { ssh: 'pass', ntp: 'pass' });
    await run(tx, 'r5-shard1', at(5), 'check', { shard: '1/2' });
    await host(tx, 'r5-shard1', at(5), 'fw-c', { ssh: 'fail', ntp: 'pass' });
    await run(tx, 'r5-merged', at(5), 'merge', { merged_from: '["r5-shard1"]' });
    await host(tx, 'r5-merged', at(5), 'fw-c', { ssh: 'fail', ntp: 'pass' });
    await run(tx, 'a1', at(3, 12), 'apply', { operator: 'carol' });
    let seq = 0;
    for (const [phase, status, hour] of [['capture', 'ok', 12], ['apply', 'ok', 12], ['verify', 'ok', 12], ['end', 'verified', 12]] as const) {
      await insert(tx, 'change_steps', { run_id: 'a1', seq: seq++, host: 'fw-b', step_id: 'ssh-fix', phase, status, at: at(3, hour), approved_by: 'bob', ticket: 'CHG-42' });
    }
    await run(tx, 'rb1', at(4, 12), 'rollback', { operator: 'carol' });
    await insert(tx, 'change_steps', { run_id: 'rb1', seq: 0, host: 'fw-b', step_id: 'ssh-fix', phase: 'rollback', status: 'ok', at: at(4, 12), approved_by: null, ticket: 'CHG-42' });
  });
}
