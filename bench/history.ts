/**
 * Recording a run in the results database (docs/history.md "Recording"): a run folder of N
 * hosts × C checks, each check with its evidence (report.json about the size a real run
 * writes), recorded into a new SQLite file and, with FIREBOOK_TEST_PG (or `--pg URL`), into
 * PostgreSQL. Numbers only — nothing asserts on them.
 *
 *   npm run build && node dist/bench/history.js [--hosts 5000] [--checks 20] [--pg URL]
 *
 * `npm run bench` measures the same on the 5,000-host lab run it makes (bench/run.ts).
 * The synthetic run folder is also what the fault tests record (test/history/faults.test.ts).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { writeChecksums } from '../src/store/checksums.js';
import { openHistoryDb } from '../src/history/open.js';
import { recordRunFolder } from '../src/history/record.js';

const STATUSES = ['pass', 'pass', 'pass', 'fail', 'pass', 'error', 'pass', 'skipped', 'pass', 'waived'] as const;

export interface SyntheticRun {
  dir: string;
  runId: string;
  hosts: number;
  checks: number;
}

/**
 * Writes a run folder (report.json, SHA256SUMS) of `hosts` hosts × `checks` checks, with about
 * `evidenceBytes` of command output per check, a host at a time (never the whole report in memory).
 */
export function writeSyntheticRun(dir: string, opts: { hosts: number; checks: number; runId: string; startedAt: string; evidenceBytes?: number }): SyntheticRun {
  mkdirSync(dir, { recursive: true });
  const output = 'x'.repeat(opts.evidenceBytes ?? 800);
  const checkIds = Array.from({ length: opts.checks }, (_, i) => `check-${String(i + 1).padStart(2, '0')}`);
  const fd = openSync(join(dir, 'report.json'), 'w');
  const put = (s: string) => writeSync(fd, s);
  try {
    const meta = { runId: opts.runId, tool: { name: 'firebook', version: '0.0.0-bench' }, playbooks: [{ path: 'playbooks/synthetic.yml', name: 'Synthetic', sha256: '0'.repeat(64) }], inventory: 'inventory.yml', mode: 'check', operator: 'bench', startedAt: opts.startedAt, endedAt: opts.startedAt, argv: [], hostKeyChecking: 'strict', lang: 'en' };
    const checks = checkIds.map((id) => ({ id, title: { en: id }, severity: 'high', playbook: 'synthetic' }));
    put(`{"schemaVersion":1,"meta":${JSON.stringify(meta)},"incomplete":false,"checks":${JSON.stringify(checks)},"hosts":[`);
    const counts = { pass: 0, fail: 0, error: 0, skipped: 0, waived: 0, fixed: 0 };
    for (let h = 0; h < opts.hosts; h++) {
      const name = `fw${String(h + 1).padStart(5, '0')}`;
      const results = checkIds.map((checkId, c) => {
        const status = STATUSES[(h + c) % STATUSES.length]!;
        counts[status] += 1;
        return {
          checkId, title: { en: checkId }, severity: 'high', tags: [], status,
          evidence: [{ step: 'collect', level: 'cli', command: 'show running-config', output, exitCode: 0, durationMs: 5, truncated: false, fields: {} }],
          conditions: [], attempts: 1, startedAt: opts.startedAt, durationMs: 5,
          ...(status === 'fail' ? { diagnosis: { id: 'dns-unreachable', cause: { en: 'DNS unreachable' } } } : {}),
          ...(status === 'waived' ? { waiver: { justification: 'vendor fix pending', expires: '2027-01-31', approver: 'cab' } } : {}),
        };
      });
      const host = { host: name, address: '127.0.0.1', groups: [`site-${h % 10}`, 'ftd'], status: 'ok', facts: { platform: 'ftd', loginLevel: 'cli', version: '7.4.1', model: 'FPR-3110' }, checks: results, remediations: [], startedAt: opts.startedAt, durationMs: 100 };
      put(`${h ? ',' : ''}${JSON.stringify(host)}`);
    }
    const summary = { hosts: { total: opts.hosts, ok: opts.hosts, unreachable: 0, error: 0, notRun: 0 }, checks: counts, failedBySeverity: { info: 0, low: 0, medium: 0, high: counts.fail, critical: 0 }, compliancePct: null };
    put(`],"notRun":[],"summary":${JSON.stringify(summary)},"exitCode":2}\n`);
  } finally {
    closeSync(fd);
  }
  writeChecksums(dir);
  return { dir, runId: opts.runId, hosts: opts.hosts, checks: opts.checks };
}

/** Records `run` into the database `spec` (a new one); returns the wall time in ms. */
export async function timeRecording(dir: string, spec: string): Promise<number> {
  const t0 = performance.now();
  const db = await openHistoryDb(spec);
  try {
    await recordRunFolder(db, dir);
  } finally {
    await db.close();
  }
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { hosts: { type: 'string' }, checks: { type: 'string' }, pg: { type: 'string' } } });
  const hosts = Number(values.hosts ?? 5000);
  const checks = Number(values.checks ?? 20);
  const pg = values.pg ?? process.env.FIREBOOK_TEST_PG;
  const dir = mkdtempSync(join(tmpdir(), 'firebook-bench-history-'));
  try {
    const run = writeSyntheticRun(join(dir, 'run'), { hosts, checks, runId: '20261207T000000Z-bench0', startedAt: new Date().toISOString() });
    const mib = (statSync(join(run.dir, 'report.json')).size / 2 ** 20).toFixed(1);
    const rss0 = process.memoryUsage().rss;
    const sqliteMs = await timeRecording(run.dir, join(dir, 'firebook.db'));
    const rss1 = process.memoryUsage().rss;
    console.log(`recording ${hosts} hosts × ${checks} checks (${hosts * checks} check rows; report.json ${mib} MiB): SQLite ${(sqliteMs / 1000).toFixed(2)} s (RSS +${((rss1 - rss0) / 2 ** 20).toFixed(0)} MiB)`);
    if (pg) {
      // A database of its own on the server, dropped afterwards.
      const { default: pgLib } = await import('pg');
      const name = `fb_bench_${Date.now()}`;
      const admin = new pgLib.Client({ connectionString: pg });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(pg);
      url.pathname = `/${name}`;
      try {
        const pgMs = await timeRecording(run.dir, url.toString());
        console.log(`recording ${hosts} hosts × ${checks} checks: PostgreSQL ${(pgMs / 1000).toFixed(2)} s`);
      } finally {
        await admin.query(`DROP DATABASE ${name}`).catch(() => undefined);
        await admin.end();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
