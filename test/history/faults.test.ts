/**
 * The results database's faults (issue 21 "Faults"; docs/history.md "Recording"), each on
 * SQLite and on PostgreSQL: four shards finishing at the same moment record four runs; a
 * process killed while recording leaves the run whole or absent; an unreachable or locked
 * database costs a run neither its reports nor its exit code (one warning line, and
 * `history import` records it later); a database with a newer schema is refused, not damaged.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SCENARIOS } from '../../src/lab/types.js';
import { migrate } from '../../src/history/db.js';
import { openHistoryDb } from '../../src/history/open.js';
import { SCHEMA_VERSION } from '../../src/history/schema.js';
import { writeSyntheticRun } from '../../bench/history.js';
import { writeInventory } from '../integration/helpers.js';
import { fbAsync } from '../cli/helpers.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../support/pg.js';
import { countRows, expectRowsOf, readReport } from './support.js';

const CHILD = join(import.meta.dirname, 'support/record-child.mjs');
const warnings = (stderr: string) => stderr.split('\n').filter((l) => /warning/.test(l));

/** A child recording DIR into SPEC; resolves when it prints `line`. */
function recorder(spec: string, dir: string, pause: boolean) {
  const child = spawn(process.execPath, [CHILD, spec, dir, ...(pause ? ['pause'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const waitFor = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(`${line}\n`) ? resolve() : undefined);
      child.stdout.on('data', (d) => ((out += d), check()));
      child.on('exit', (code) => reject(new Error(`recorder exited ${code} before '${line}': ${err}`)));
    });
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  return { child, waitFor, exited, output: () => out };
}

type Backend = { name: 'SQLite' | 'PostgreSQL'; fresh: () => Promise<string> };

describe('results database faults', () => {
  let lab: Lab;
  let inventory: string;
  let work: string;
  let pg: TestPostgres | undefined;
  const pgOk = postgresAvailable();
  const backends: Backend[] = [
    { name: 'SQLite', fresh: async () => join(mkdtempSync(join(work, 'db-')), 'firebook.db') },
    ...(pgOk ? [{ name: 'PostgreSQL' as const, fresh: () => pg!.freshDatabase() }] : []),
  ];
  const run = (out: string, more: string[] = [], env: NodeJS.ProcessEnv = {}) =>
    fbAsync(['run', 'playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '--format', 'json', '-q', '--out', out, ...more], { env });

  beforeAll(async () => {
    lab = await startLab({ hosts: 8, scenarios: [...SCENARIOS] });
    inventory = writeInventory(lab);
    work = mkdtempSync(join(tmpdir(), 'fb-hist-faults-'));
    if (pgOk) pg = startTestPostgres();
  }, 120_000);
  afterAll(() => {
    lab?.stop();
    pg?.stop();
  });

  for (const b of backends) {
    describe(b.name, () => {
      it('four shards finishing at the same moment, and their merge, record five runs', async () => {
        const spec = await b.fresh();
        const dir = mkdtempSync(join(work, 'shards-'));
        const shards = await Promise.all([1, 2, 3, 4].map((i) => run(join(dir, `shard-${i}`), ['--shard', `${i}/4`, '--db', spec])));
        for (const s of shards) expect(warnings(s.stderr)).toEqual([]);
        const merged = await fbAsync(['report', 'merge', ...[1, 2, 3, 4].map((i) => join(dir, `shard-${i}`)), '--out', join(dir, 'merged'), '--format', 'json', '--db', spec]);
        expect(warnings(merged.stderr)).toEqual([]);
        const db = await openHistoryDb(spec);
        try {
          expect((await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM runs'))[0]!.n).toBe(5);
          for (const i of [1, 2, 3, 4]) await expectRowsOf(db, join(dir, `shard-${i}`), 'check');
          await expectRowsOf(db, join(dir, 'merged'), 'merge');
          const m = readReport(join(dir, 'merged'));
          expect((await db.query<{ merged_from: string }>('SELECT merged_from FROM runs WHERE run_id = ?', [m.meta.runId]))[0]!.merged_from).toBe(JSON.stringify(m.meta.mergedFrom));
          expect((await db.query<{ shard: string }>('SELECT shard FROM runs WHERE shard IS NOT NULL ORDER BY shard')).map((r) => r.shard)).toEqual(['1/4', '2/4', '3/4', '4/4']);
        } finally {
          await db.close();
        }
      }, 120_000);

      it('four processes recording four large run folders into one new database at once', async () => {
        const spec = await b.fresh();
        const dir = mkdtempSync(join(work, 'four-'));
        const runs = [1, 2, 3, 4].map((i) => writeSyntheticRun(join(dir, `run-${i}`), { hosts: 400, checks: 20, runId: `20261207T00000${i}Z-four0${i}`, startedAt: `2026-12-07T00:00:0${i}.000Z`, evidenceBytes: 50 }));
        const results = await Promise.all(runs.map((r) => fbAsync(['history', 'import', r.dir, '--db', spec])));
        for (const r of results) {
          expect(r.stderr).toBe('');
          expect(r.stdout).toMatch(/^1 recorded, 0 already recorded in /);
          expect(r.status).toBe(0);
        }
        const db = await openHistoryDb(spec);
        try {
          for (const r of runs) expect(await countRows(db, r.runId)).toEqual({ runs: 1, hosts: 400, groups: 800, checks: 8000, steps: 0 });
        } finally {
          await db.close();
        }
      }, 120_000);

      it('a recording process killed mid-transaction leaves no half-recorded run; import records it whole later', async () => {
        const spec = await b.fresh();
        const big = writeSyntheticRun(join(mkdtempSync(join(work, 'kill-')), 'run'), { hosts: 2000, checks: 20, runId: '20261207T010000Z-kill01', startedAt: '2026-12-07T01:00:00.000Z', evidenceBytes: 50 });
        const held = recorder(spec, big.dir, true);
        await held.waitFor('mid-transaction');
        held.child.kill('SIGKILL');
        await held.exited;
        const db = await openHistoryDb(spec);
        try {
          expect(await countRows(db, big.runId)).toEqual({ runs: 0, hosts: 0, groups: 0, checks: 0, steps: 0 });
          // Killed at a moment it chose itself: still all or nothing.
          const loose = recorder(spec, big.dir, false);
          await loose.waitFor('opened');
          await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
          loose.child.kill('SIGKILL');
          await loose.exited;
          const after = await countRows(db, big.runId);
          expect([0, 1]).toContain(after.runs);
          expect(after).toEqual(after.runs === 0 ? { runs: 0, hosts: 0, groups: 0, checks: 0, steps: 0 } : { runs: 1, hosts: 2000, groups: 4000, checks: 40000, steps: 0 });
          const again = await fbAsync(['history', 'import', big.dir, '--db', spec]);
          expect(again.status).toBe(0);
          expect(await countRows(db, big.runId)).toEqual({ runs: 1, hosts: 2000, groups: 4000, checks: 40000, steps: 0 });
        } finally {
          await db.close();
        }
      }, 120_000);

      it('a database with a newer schema is refused and left as it was; the run keeps its reports and exit code', async () => {
        const spec = await b.fresh();
        const db = await openHistoryDb(spec);
        await db.exec('UPDATE firebook_schema SET version = ?', [SCHEMA_VERSION + 1]);
        await db.close();
        const out = join(mkdtempSync(join(work, 'newer-')), 'run');
        const r = await run(out, ['--db', spec]);
        expect(existsSync(join(out, 'report.json'))).toBe(true);
        expect(r.status).toBe(readReport(out).exitCode);
        expect(r.status).not.toBe(0); // the lab has broken devices: a real exit code kept
        const w = warnings(r.stderr);
        expect(w).toHaveLength(1);
        expect(w[0]).toContain(`schema version ${SCHEMA_VERSION + 1}, newer than this firebook's (${SCHEMA_VERSION})`);
        expect(w[0]).toContain(`firebook history import ${out}`);
        const imported = await fbAsync(['history', 'import', out, '--db', spec]);
        expect(imported.status).toBe(4);
        expect(imported.stderr).toMatch(/error\[history\]: .*newer than this firebook's/);
        expect(imported.stderr).not.toMatch(/\n\s+at /);
        // Not damaged: the version stays, nothing was written.
        const raw = await openFresh(spec);
        try {
          await expect(migrate(raw)).rejects.toThrow(/newer than this firebook's/);
          expect(await raw.query('SELECT version FROM firebook_schema')).toEqual([{ version: SCHEMA_VERSION + 1 }]);
          expect(await raw.query('SELECT COUNT(*) AS n FROM runs')).toEqual([{ n: 0 }]);
        } finally {
          await raw.close();
        }
      }, 60_000);
    });
  }

  it('an unreachable database: the run keeps its reports and exit code, one warning line, imported later (PostgreSQL URL and SQLite path)', async () => {
    const base = mkdtempSync(join(work, 'unreachable-'));
    const notADir = join(base, 'file');
    writeFileSync(notADir, 'x');
    const specs = [join(notADir, 'firebook.db'), 'postgres://firebook:s3cret@127.0.0.1:1/history'];
    for (const [i, spec] of specs.entries()) {
      const out = join(base, `run-${i}`);
      const r = await run(out, ['--db', spec]);
      expect(existsSync(join(out, 'report.json'))).toBe(true);
      expect(existsSync(join(out, 'SHA256SUMS'))).toBe(true);
      expect(r.status).toBe(readReport(out).exitCode);
      expect(r.status).not.toBe(0);
      const w = warnings(r.stderr);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/^firebook: warning: the run was not recorded in the results database /);
      expect(w[0]).toContain(`; record it later with: firebook history import ${out}`);
      expect(r.stderr).not.toContain('s3cret'); // the URL is named without its password
      if (spec.startsWith('postgres')) expect(w[0]).toContain('postgres://firebook@127.0.0.1:1/history');
      // Recorded later, as the line says.
      const later = join(base, `later-${i}.db`);
      expect((await fbAsync(['history', 'import', out, '--db', later])).stdout).toMatch(/^1 recorded/);
    }
  }, 60_000);

  it('a locked SQLite file: the run waits FIREBOOK_DB_BUSY_MS, keeps its reports and exit code, one warning line', async () => {
    const spec = join(mkdtempSync(join(work, 'locked-')), 'firebook.db');
    const setup = await openHistoryDb(spec);
    await setup.close();
    const holder = new Database(spec);
    holder.exec('BEGIN IMMEDIATE'); // another writer holds the lock
    try {
      const out = join(mkdtempSync(join(work, 'locked-run-')), 'run');
      const r = await run(out, ['--db', spec], { FIREBOOK_DB_BUSY_MS: '300' });
      expect(existsSync(join(out, 'report.json'))).toBe(true);
      expect(r.status).toBe(readReport(out).exitCode);
      const w = warnings(r.stderr);
      expect(w).toHaveLength(1);
      expect(w[0]).toContain(`results database ${spec} (database is locked)`);
      expect(w[0]).toContain(`firebook history import ${out}`);
      holder.exec('ROLLBACK');
      const later = await fbAsync(['history', 'import', out, '--db', spec]);
      expect(later.stdout).toMatch(/^1 recorded/);
    } finally {
      holder.close();
    }
  }, 60_000);
});

async function openFresh(spec: string) {
  return spec.startsWith('postgres') ? (await import('../../src/history/postgres.js')).openPostgres(spec) : (await import('../../src/history/sqlite.js')).openSqlite(spec);
}
