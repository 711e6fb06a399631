/** Recording runs in the results database (docs/history.md "Recording"): a real run on the lab,
 * a change window's apply and rollback, a signed folder, `history import` (idempotent), on
 * SQLite and on PostgreSQL. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { openHistoryDb } from '../../src/history/open.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { approve, fb, GOOD_DNS, makeApprover, workspace, type Approver } from '../change/helpers.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../support/pg.js';
import { countRows, expectRowsOf, readReport } from './support.js';

describe('recording runs in the results database (lab)', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const reports = () => join(ws.dir, 'reports');

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'fw1', platform: 'ftd', scenario: 'dns-broken' },
        { name: 'fw2', platform: 'ftd', scenario: 'healthy' },
        { name: 'fw3', platform: 'ftd', scenario: 'healthy' },
      ],
    });
    ws = workspace(lab);
    cab = makeApprover(ws.dir);
  });
  afterAll(() => lab?.stop());

  it('a run is recorded at its end in reports/firebook.db: every column from its folder', async () => {
    const out = join(reports(), 'check-1');
    const r = await fb(['run', ws.playbook, '-i', ws.inventory, '--out', out, '-q', ...conn()], ws.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/warning/);
    const db = await openHistoryDb(join(reports(), 'firebook.db'));
    try {
      await expectRowsOf(db, out, 'check');
      const report = readReport(out);
      expect(report.hosts.every((h) => h.groups?.includes('lab'))).toBe(true); // the report now carries the groups
      expect(report.checks.every((c) => c.playbook === 'securex')).toBe(true);
      const rows = await countRows(db, report.meta.runId);
      expect(rows.hosts).toBe(3);
      expect(rows.groups).toBe(3);
      expect(rows.checks).toBe(report.hosts.reduce((n, h) => n + h.checks.length, 0));
      expect(rows.checks).toBeGreaterThan(10);
      const causes = await db.query<{ cause: string }>("SELECT cause FROM run_checks WHERE run_id = ? AND host = 'fw1' AND status = 'fail' AND cause IS NOT NULL", [report.meta.runId]);
      expect(causes.length).toBeGreaterThan(0); // the dns-broken device's diagnosis
    } finally {
      await db.close();
    }
  }, 60_000);

  it('--no-db records nothing; --db PATH records there', async () => {
    const before = await countAll(join(reports(), 'firebook.db'));
    const off = await fb(['run', ws.playbook, '-i', ws.inventory, '--out', join(reports(), 'nodb'), '-q', '--no-db', ...conn()], ws.dir);
    expect(off.code).toBe(2);
    expect(await countAll(join(reports(), 'firebook.db'))).toBe(before);
    const other = join(ws.dir, 'elsewhere', 'h.db');
    const on = await fb(['run', ws.playbook, '-i', ws.inventory, '--out', join(reports(), 'other-db'), '-q', '--db', other, ...conn()], ws.dir);
    expect(on.code).toBe(2);
    expect(await countAll(other)).toBe(1);
    expect(await countAll(join(reports(), 'firebook.db'))).toBe(before);
  }, 60_000);

  it('apply and rollback record their journal steps, approver and ticket', async () => {
    const planFile = join(ws.dir, 'plan.json');
    const p = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', 'fw1', '-e', GOOD_DNS, '-o', planFile, '--out', join(reports(), 'plan-run'), ...conn()], ws.dir);
    expect(p.code).toBe(0);
    const trust = await approve(planFile, cab, ws.dir);
    const applied = join(reports(), 'apply-run');
    expect((await fb(['apply', planFile, ...trust, '--ticket', 'CHG-21', '--out', applied, ...conn()], ws.dir)).code).toBe(0);
    const back = join(reports(), 'rollback-run');
    expect((await fb(['rollback', join(applied, 'journal.jsonl'), ...trust, '--out', back, ...conn()], ws.dir)).code).toBe(0);
    const db = await openHistoryDb(join(reports(), 'firebook.db'));
    try {
      await expectRowsOf(db, join(reports(), 'plan-run'), 'plan');
      await expectRowsOf(db, applied, 'apply');
      await expectRowsOf(db, back, 'rollback');
      const steps = (dir: string) => db.query<Record<string, unknown>>('SELECT host, step_id, phase, status, approved_by, ticket FROM change_steps WHERE run_id = ? ORDER BY seq', [readReport(dir).meta.runId]);
      const a = await steps(applied);
      expect(a.map((s) => s.phase)).toEqual(['capture', 'apply', 'read-back', 'verify', 'end']);
      expect(a.at(-1)).toEqual({ host: 'fw1', step_id: 'fix-dns-servers', phase: 'end', status: 'verified', approved_by: 'cab-chair@example.com', ticket: 'CHG-21' });
      expect(a.slice(0, -1).every((s) => s.status === 'ok')).toBe(true);
      // The rollback's journal starts with a copy of the apply's: only its own steps are its rows
      // (an undo is journaled as capture, apply of the old values, read-back).
      const b = await steps(back);
      expect(b.map((s) => s.phase)).toEqual(['capture', 'apply', 'read-back', 'end']);
      expect(b.at(-1)).toEqual({ host: 'fw1', step_id: 'fix-dns-servers', phase: 'end', status: 'undone', approved_by: 'cab-chair@example.com', ticket: null });
    } finally {
      await db.close();
    }
  }, 120_000);

  it('a signed folder records its signer; history import is idempotent and skips what is not a run folder', async () => {
    const signed = join(reports(), 'check-1');
    const key = join(ws.dir, 'evidence-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'evidence', '-f', key]);
    execFileSync('ssh-keygen', ['-q', '-Y', 'sign', '-n', 'firebook', '-f', key, join(signed, 'SHA256SUMS')]);
    expect(existsSync(join(signed, 'SHA256SUMS.sig'))).toBe(true);
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${key}.pub`], { encoding: 'utf8' }).split(' ')[1];
    mkdirSync(join(reports(), 'not-a-run'), { recursive: true });
    const db = join(ws.dir, 'imported.db');
    const dirs = ['check-1', 'apply-run', 'rollback-run', 'not-a-run'].map((d) => join('reports', d));
    const first = await fb(['history', 'import', ...dirs, '--db', db], ws.dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`3 recorded, 0 already recorded, 1 skipped (not run folders) in ${db}\n`);
    expect(first.stderr).toBe(`firebook history import: skipped reports/not-a-run: ${join(reports(), 'not-a-run')} is not a run folder (no report.json)\n`);
    const second = await fb(['history', 'import', ...dirs.slice(0, 3), '--db', db], ws.dir);
    expect(second.stdout).toBe(`0 recorded, 3 already recorded in ${db}\n`);
    const h = openSqlite(db);
    try {
      expect(await h.query('SELECT signer FROM runs WHERE run_id = ?', [readReport(signed).meta.runId])).toEqual([{ signer: fingerprint }]);
      expect((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM runs'))[0]!.n).toBe(3);
      await expectRowsOf(h, join(reports(), 'apply-run'), 'apply');
      expect((await countRows(h, readReport(join(reports(), 'apply-run')).meta.runId)).steps).toBe(5);
    } finally {
      await h.close();
    }
  }, 60_000);

  describe.skipIf(!postgresAvailable())('on PostgreSQL', () => {
    let pg: TestPostgres;
    beforeAll(() => {
      pg = startTestPostgres();
    }, 120_000);
    afterAll(() => pg?.stop());

    it('a run with --db postgres://… and history import record the same rows as SQLite', async () => {
      const url = await pg.freshDatabase();
      const out = join(reports(), 'pg-run');
      const r = await fb(['run', ws.playbook, '-i', ws.inventory, '--out', out, '-q', '--db', url, ...conn()], ws.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/warning/);
      const imported = await fb(['history', 'import', join('reports', 'apply-run'), join('reports', 'pg-run'), '--db', url], ws.dir);
      expect(imported.stdout).toMatch(/^1 recorded, 1 already recorded in postgres:\/\//);
      const db = await openHistoryDb(url);
      try {
        await expectRowsOf(db, out, 'check');
        await expectRowsOf(db, join(reports(), 'apply-run'), 'apply');
        expect((await countRows(db, readReport(join(reports(), 'apply-run')).meta.runId)).steps).toBe(5);
      } finally {
        await db.close();
      }
    }, 60_000);
  });
});

async function countAll(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  const db = openSqlite(path);
  try {
    return (await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM runs'))[0]!.n;
  } finally {
    await db.close();
  }
}
