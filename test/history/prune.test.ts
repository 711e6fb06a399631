/**
 * Retention (docs/history.md "Retention"): `history prune` deletes rows of old runs (cascade),
 * with --evidence their run folders (only a folder that really is that run's), with
 * --keep-evidence the folders but not the rows; --dry-run changes nothing; `report prune`
 * marks the rows of the folders it removes evidence-less, and never creates a database.
 */
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHistoryDb } from '../../src/history/open.js';
import { writeSyntheticRun } from '../../bench/history.js';
import { fbAsync } from '../cli/helpers.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../support/pg.js';
import { countRows } from './support.js';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const idOf = (days: number) => `2026OLD-${days}d`;

/** reports/ with runs started 500, 450, 200, 120 and 10 days ago, recorded into `spec`. */
async function fleet(spec: string): Promise<{ cwd: string; folder: (days: number) => string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'fb-hist-prune-'));
  const folder = (days: number) => join(cwd, 'reports', `run-${days}d`);
  for (const days of [500, 450, 200, 120, 10]) {
    writeSyntheticRun(folder(days), { hosts: 3, checks: 4, runId: idOf(days), startedAt: ago(days), evidenceBytes: 10 });
    const t = new Date(Date.now() - days * DAY);
    utimesSync(join(folder(days), 'report.json'), t, t);
  }
  const r = await fbAsync(['history', 'import', ...[500, 450, 200, 120, 10].map(folder), '--db', spec], { cwd });
  expect(r.stdout).toMatch(/^5 recorded/);
  return { cwd, folder };
}

async function state(spec: string) {
  const db = await openHistoryDb(spec);
  try {
    return await db.query<{ run_id: string; evidence: number }>('SELECT run_id, evidence FROM runs ORDER BY started_at');
  } finally {
    await db.close();
  }
}

describe('history prune and report prune', () => {
  let pg: TestPostgres | undefined;
  const pgOk = postgresAvailable();
  beforeAll(() => {
    if (pgOk) pg = startTestPostgres();
  }, 120_000);
  afterAll(() => pg?.stop());

  const backends = [
    { name: 'SQLite', fresh: async () => join(mkdtempSync(join(tmpdir(), 'fb-hist-prune-db-')), 'h.db') },
    ...(pgOk ? [{ name: 'PostgreSQL', fresh: () => pg!.freshDatabase() }] : []),
  ];

  for (const b of backends) {
    describe(b.name, () => {
      it('--dry-run lists and changes nothing; the default --keep 400d deletes the rows of older runs (cascade), not their folders', async () => {
        const spec = await b.fresh();
        const { cwd, folder } = await fleet(spec);
        const dry = await fbAsync(['history', 'prune', '--dry-run', '--evidence', '--db', spec], { cwd });
        expect(dry.status).toBe(0);
        expect(dry.stdout).toContain(`would delete run ${idOf(500)} (`);
        expect(dry.stdout).toContain('its folder would be deleted');
        expect(dry.stdout).toMatch(/2 run\(s\) would be deleted, 2 run folder\(s\) would be deleted in /);
        expect((await state(spec)).length).toBe(5);
        expect(existsSync(folder(500))).toBe(true);

        const r = await fbAsync(['history', 'prune', '--db', spec], { cwd });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/2 run\(s\) deleted, 0 run folder\(s\) deleted in /);
        expect((await state(spec)).map((x) => x.run_id)).toEqual([idOf(200), idOf(120), idOf(10)]);
        const db = await openHistoryDb(spec);
        try {
          expect(await countRows(db, idOf(500))).toEqual({ runs: 0, hosts: 0, groups: 0, checks: 0, steps: 0 });
          expect(await countRows(db, idOf(200))).toEqual({ runs: 1, hosts: 3, groups: 6, checks: 12, steps: 0 });
        } finally {
          await db.close();
        }
        expect(existsSync(folder(500))).toBe(true); // without --evidence, folders stay
      }, 60_000);

      it('--evidence deletes the folders of the deleted rows, only a folder that really is that run\'s', async () => {
        const spec = await b.fresh();
        const { cwd, folder } = await fleet(spec);
        // The 450-day run's folder now holds another run's report: it is left alone.
        const report = join(folder(450), 'report.json');
        writeFileSync(report, readFileSync(report, 'utf8').replace(idOf(450), 'someone-else'));
        const r = await fbAsync(['history', 'prune', '--keep', '300d', '--evidence', '--db', spec], { cwd });
        expect(r.status).toBe(0);
        expect(existsSync(folder(500))).toBe(false);
        expect(existsSync(folder(450))).toBe(true);
        expect(r.stdout).toContain(`deleted run ${idOf(450)}`);
        expect(r.stdout).toContain("its folder left alone: it is not this run's");
        expect((await state(spec)).map((x) => x.run_id)).toEqual([idOf(200), idOf(120), idOf(10)]);
        expect(existsSync(folder(200))).toBe(true);
      }, 60_000);

      it('--keep-evidence deletes older folders but keeps their rows, marked evidence-less', async () => {
        const spec = await b.fresh();
        const { cwd, folder } = await fleet(spec);
        const r = await fbAsync(['history', 'prune', '--keep', '400d', '--keep-evidence', '90d', '--db', spec], { cwd });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`deleted the evidence of run ${idOf(200)}`);
        expect(existsSync(folder(200))).toBe(false);
        expect(existsSync(folder(120))).toBe(false);
        expect(existsSync(folder(10))).toBe(true);
        expect(existsSync(folder(500))).toBe(true); // its rows went, its folder without --evidence stays
        expect(await state(spec)).toEqual([
          { run_id: idOf(200), evidence: 0 },
          { run_id: idOf(120), evidence: 0 },
          { run_id: idOf(10), evidence: 1 },
        ]);
      }, 60_000);

      it('report prune marks the rows of the folders it removes evidence-less', async () => {
        const spec = await b.fresh();
        const { cwd, folder } = await fleet(spec);
        const r = await fbAsync(['report', 'prune', '--keep', '2', '--db', spec], { cwd });
        expect(r.status).toBe(0);
        expect(r.stdout).toContain('3 run(s) marked evidence-less in ');
        expect(existsSync(folder(500))).toBe(false);
        expect(existsSync(folder(10))).toBe(true);
        expect((await state(spec)).map((x) => x.evidence)).toEqual([0, 0, 0, 1, 1]);
      }, 60_000);
    });
  }

  it('report prune without a database creates none; history prune without one says so', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-hist-prune-none-'));
    for (const days of [30, 20, 10]) writeSyntheticRun(join(cwd, 'reports', `r${days}`), { hosts: 1, checks: 1, runId: idOf(days), startedAt: ago(days), evidenceBytes: 1 });
    const r = await fbAsync(['report', 'prune', '--keep', '1'], { cwd, env: { FIREBOOK_DB: '' } });
    expect(r.status).toBe(0);
    expect(existsSync(join(cwd, 'reports', 'firebook.db'))).toBe(false);
    const h = await fbAsync(['history', 'prune'], { cwd, env: { FIREBOOK_DB: '' } });
    expect(h.status).toBe(0);
    expect(h.stdout).toBe(`nothing to prune: no results database at ${join(cwd, 'reports', 'firebook.db')}\n`);
    expect(existsSync(join(cwd, 'reports', 'firebook.db'))).toBe(false);
    const bad = await fbAsync(['history', 'prune', '--keep', '12months'], { cwd });
    expect(bad.status).toBe(4);
    expect(bad.stderr).toContain('error[cli-usage]: firebook history prune: --keep must be a duration longer than zero');
  }, 60_000);
});
