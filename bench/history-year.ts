/**
 * Benchmark of the history views (docs/history.md "Speed"), run alone, not by `npm run bench`:
 *
 *   npm run build && node dist/bench/history-year.js [--hosts 1000] [--days 365] [--checks 20]
 *        [--dir DIR] [--pg URL] [--only sqlite|postgres] [--keep] [--queries-only] [--no-results]
 *
 * A synthetic year — 1,000 hosts × 365 daily runs × 20 checks (7.3 M run_checks rows) — is
 * generated straight into the schema (multi-row inserts, one transaction per day) of a SQLite
 * file and, with --pg or env FIREBOOK_TEST_PG, of a PostgreSQL database. Then the queries of
 * `firebook history`: the fleet trend (target under 1 s) and a host timeline (target under
 * 100 ms), plus the others for reference; each the median of 5 after one warm-up. Prints the
 * figures and writes them into bench/results.md as the section "History: a synthetic year"
 * (replacing that section only). Heavy: minutes of CPU and about 2 GB of disk.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrate, type HistoryDb, type SqlValue } from '../src/history/db.js';
import { openSqlite } from '../src/history/sqlite.js';
import { changesApplied, complianceTrend, expiringWaivers, failingNow, hostSummaries, type Range } from '../src/history/queries.js';
import { hostTimeline } from '../src/history/timeline.js';
import { packagePath } from '../src/io/package-files.js';

const DAY_MS = 86_400_000;

export interface YearShape {
  hosts: number;
  days: number;
  checks: number;
  /** The last day (its 00:00 UTC). */
  endMs: number;
}

/** A small deterministic PRNG (mulberry32): the same year every time. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const hostName = (i: number) => `fw-${String(i + 1).padStart(4, '0')}`;
export const checkName = (j: number) => `check-${String(j + 1).padStart(2, '0')}`;
const playbookOf = (j: number, checks: number) => (j < checks / 2 ? 'securex' : 'health');

async function insertMany(tx: HistoryDb, table: string, cols: string[], rows: SqlValue[][], batch: number): Promise<void> {
  const one = `(${cols.map(() => '?').join(', ')})`;
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    await tx.exec(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${part.map(() => one).join(', ')}`, part.flat());
  }
}

/**
 * Fills `db` with the year: one run a day at 06:00 UTC over every host; each host × check fails
 * in episodes (a new one starts with a probability that rises in the middle of the year, and is
 * fixed after a few days), waives some checks for a while, and a change window every week.
 */
export async function generateYear(db: HistoryDb, shape: YearShape, batch = 200, progress?: (day: number) => void): Promise<number> {
  const rand = prng(21);
  const failing = new Uint16Array(shape.hosts * shape.checks); // days left of the current episode
  let rows = 0;
  for (let d = 0; d < shape.days; d++) {
    const dayMs = shape.endMs - (shape.days - 1 - d) * DAY_MS;
    const at = new Date(dayMs + 6 * 3_600_000).toISOString();
    const runId = `${at.slice(0, 10)}-fleet`;
    // Trouble peaks around the middle of the year (a bad release), then is cleaned up.
    const x = d / Math.max(1, shape.days - 1);
    const startP = 0.004 + 0.02 * Math.exp(-((x - 0.45) ** 2) / 0.01) + 0.006 * Math.exp(-((x - 0.8) ** 2) / 0.002);
    await db.transaction(async (tx) => {
      const hostRows: SqlValue[][] = [];
      const groupRows: SqlValue[][] = [];
      const checkRows: SqlValue[][] = [];
      const totals = [0, 0, 0, 0];
      for (let i = 0; i < shape.hosts; i++) {
        const host = hostName(i);
        const n = [0, 0, 0, 0]; // pass fail error waived
        for (let j = 0; j < shape.checks; j++) {
          const k = i * shape.checks + j;
          if (failing[k]! > 0) failing[k]! -= 1;
          else if (rand() < startP) failing[k] = 1 + Math.floor(rand() * 6);
          let status = failing[k]! > 0 ? 'fail' : 'pass';
          let waiver: string | null = null;
          if (status === 'fail' && j === 3 && i % 50 === 0) {
            status = 'waived';
            waiver = JSON.stringify({ justification: 'vendor fix pending', expires: new Date(dayMs + (20 + (i % 40)) * DAY_MS).toISOString(), approver: 'security-lead' });
          } else if (rand() < 0.0005) status = 'error';
          n[status === 'pass' ? 0 : status === 'fail' ? 1 : status === 'error' ? 2 : 3] += 1;
          checkRows.push([runId, host, checkName(j), playbookOf(j, shape.checks), at, status, j % 4 === 0 ? 'high' : 'medium', status === 'fail' ? `cause-${j}` : null, waiver]);
        }
        for (let s = 0; s < 4; s++) totals[s]! += n[s]!;
        hostRows.push([runId, host, 'ok', 'ftd', '7.4.2', 'FPR-3110', at, n[0]!, n[1]!, n[2]!, 0, n[3]!]);
        groupRows.push([runId, host, `dc${(i % 10) + 1}`]);
      }
      await tx.exec(
        'INSERT INTO runs (run_id, started_at, ended_at, mode, playbooks, inventory, operator, exit_code, hosts_total, checks_pass, checks_fail, checks_error, checks_waived, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [runId, at, at, 'check', '[]', 'inventory/hosts.yml', 'cron', totals[1]! > 0 ? 2 : 0, shape.hosts, totals[0]!, totals[1]!, totals[2]!, totals[3]!, at],
      );
      await insertMany(tx, 'run_hosts', ['run_id', 'host', 'status', 'platform', 'version', 'model', 'started_at', 'checks_pass', 'checks_fail', 'checks_error', 'checks_skipped', 'checks_waived'], hostRows, batch);
      await insertMany(tx, 'run_host_groups', ['run_id', 'host', 'group_name'], groupRows, batch);
      await insertMany(tx, 'run_checks', ['run_id', 'host', 'check_id', 'playbook', 'started_at', 'status', 'severity', 'cause', 'waiver'], checkRows, batch);
      rows += checkRows.length;
      if (d % 7 === 3) {
        // A weekly change window on a few hosts.
        const cw = `${at.slice(0, 10)}-apply`;
        const t = new Date(dayMs + 22 * 3_600_000).toISOString();
        await tx.exec('INSERT INTO runs (run_id, started_at, mode, playbooks, operator, recorded_at) VALUES (?, ?, ?, ?, ?, ?)', [cw, t, 'apply', '[]', 'change-bot', t]);
        const steps: SqlValue[][] = [];
        let seq = 0;
        for (let h = 0; h < 5; h++) {
          const host = hostName((d * 37 + h * 101) % shape.hosts);
          for (const [phase, status] of [['capture', 'ok'], ['apply', 'ok'], ['verify', 'ok'], ['end', h === 4 ? 'rolled-back' : 'verified']]) {
            steps.push([cw, seq++, host, 'ntp-servers', phase!, status!, t, 'change-board', `CHG-${1000 + d}`]);
          }
        }
        await insertMany(tx, 'change_steps', ['run_id', 'seq', 'host', 'step_id', 'phase', 'status', 'at', 'approved_by', 'ticket'], steps, batch);
      }
    });
    progress?.(d);
  }
  return rows;
}

interface Timing {
  name: string;
  ms: number;
  detail: string;
}

async function timeIt(name: string, fn: () => Promise<unknown>, detail: (r: unknown) => string, rounds = 5): Promise<Timing> {
  let last = await fn(); // warm-up (the page cache, the plans)
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    last = await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { name, ms: ms[rounds >> 1]!, detail: detail(last) };
}

async function queries(db: HistoryDb, shape: YearShape): Promise<Timing[]> {
  const until = new Date(shape.endMs + DAY_MS).toISOString();
  const r90: Range = { since: new Date(shape.endMs + DAY_MS - 90 * DAY_MS).toISOString(), until };
  const year: Range = { since: new Date(shape.endMs + DAY_MS - shape.days * DAY_MS).toISOString(), until };
  const n = (r: unknown) => `${(r as unknown[]).length} rows`;
  const host = hostName(Math.floor(shape.hosts / 2));
  return [
    await timeIt('fleet trend, 90 days by day (the default)', () => complianceTrend(db, r90, 'day'), n),
    await timeIt('fleet trend, a year by day', () => complianceTrend(db, year, 'day'), n),
    await timeIt('fleet trend, a year by week', () => complianceTrend(db, year, 'week'), n),
    await timeIt('group trend (dc3), 90 days by day', () => complianceTrend(db, r90, 'day', { group: 'dc3' }), n),
    await timeIt('check trend (check-04), 90 days by day', () => complianceTrend(db, r90, 'day', { check: 'check-04' }), n),
    await timeIt(`host timeline (${host}), a year, every check`, () => hostTimeline(db, host, year), (r) => `${(r as Array<{ entries: unknown[] }>).reduce((s, c) => s + c.entries.length, 0)} results`),
    await timeIt(`host timeline (${host}), a year, one check`, () => hostTimeline(db, host, year, 'check-04'), (r) => `${(r as Array<{ entries: unknown[] }>)[0]?.entries.length ?? 0} results`),
    await timeIt('host strips, 90 days by day', () => hostSummaries(db, r90, 'day'), n, 3),
    await timeIt('failing now', () => failingNow(db, until), n, 3),
    await timeIt('waivers expiring within 30 days', () => expiringWaivers(db, until, 30 * DAY_MS), n, 3),
    await timeIt('changes applied, 90 days', () => changesApplied(db, r90), n, 3),
  ];
}

const fmtMs = (ms: number) => (ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const fmtBytes = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`;

async function benchOne(label: string, db: HistoryDb, shape: YearShape, size: () => Promise<number>, batch: number, queriesOnly = false): Promise<string[]> {
  const lines: string[] = [];
  await migrate(db);
  lines.push(`### ${label}`, '');
  if (queriesOnly) {
    // --queries-only: the year a previous run left (--keep), queried again.
    const [{ n }] = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM run_checks');
    lines.push(`Queries only, on the year a previous run generated (${Number(n).toLocaleString('en-US')} run_checks rows; database size ${fmtBytes(await size())}).`, '');
  } else {
    const t0 = performance.now();
    const rows = await generateYear(db, shape, batch, (d) => {
      if (d % 30 === 29) process.stderr.write(`${label}: day ${d + 1}/${shape.days} (${fmtMs(performance.now() - t0)})\n`);
    });
    const importMs = performance.now() - t0;
    const bytes = await size();
    lines.push(`Generated and inserted ${rows.toLocaleString('en-US')} run_checks rows (${(shape.hosts * shape.days).toLocaleString('en-US')} run_hosts rows) in ${fmtMs(importMs)} (${Math.round(rows / (importMs / 1000)).toLocaleString('en-US')} check rows/s, one transaction per day, ${batch} rows per INSERT); database size ${fmtBytes(bytes)}.`, '');
  }
  lines.push('| query | median | answer |', '|---|---|---|');
  const timings = await queries(db, shape);
  for (const t of timings) lines.push(`| ${t.name} | ${fmtMs(t.ms)} | ${t.detail} |`);
  const fleet = timings[0]!;
  const timeline = timings[5]!;
  lines.push('', `Targets (issue 21): fleet trend under 1 s → ${fmtMs(fleet.ms)}: ${fleet.ms < 1000 ? 'met' : 'MISSED'}; host timeline under 100 ms → ${fmtMs(timeline.ms)}: ${timeline.ms < 100 ? 'met' : 'MISSED'}.`, '');
  return lines;
}

/** hist-db's PostgreSQL driver (src/history/postgres.ts), by a computed path so this file builds before it lands. */
async function openPostgres(url: string): Promise<HistoryDb> {
  const driver = '../src/history/postgres.js';
  const mod = (await import(driver)) as { openPostgres(url: string): HistoryDb };
  return mod.openPostgres(url);
}

/** Replaces (or appends) the section `## <title>` of bench/results.md. */
function writeSection(title: string, body: string[]): void {
  const path = packagePath('bench/results.md');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# firebook benchmark results\n';
  const head = `## ${title}`;
  const start = text.indexOf(head);
  const section = `${head}\n\n${body.join('\n').trim()}\n`;
  let next: string;
  if (start < 0) next = `${text.trimEnd()}\n\n${section}`;
  else {
    const end = text.indexOf('\n## ', start + head.length);
    next = `${text.slice(0, start)}${section}${end < 0 ? '' : `\n${text.slice(end + 1)}`}`;
  }
  writeFileSync(`${path}.tmp`, next);
  renameSync(`${path}.tmp`, path);
}

const TITLE = 'History: a synthetic year (bench/history-year.ts)';
const SQLITE_CACHE_KIB = 512 * 1024;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { hosts: { type: 'string' }, days: { type: 'string' }, checks: { type: 'string' }, dir: { type: 'string' }, pg: { type: 'string' }, only: { type: 'string' }, 'queries-only': { type: 'boolean' }, keep: { type: 'boolean' }, 'no-results': { type: 'boolean' } },
  });
  const shape: YearShape = {
    hosts: Number(values.hosts ?? 1000),
    days: Number(values.days ?? 365),
    checks: Number(values.checks ?? 20),
    endMs: Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS,
  };
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'firebook-history-bench-'));
  const head: string[] = [
    `Command: \`node dist/bench/history-year.js${values.only ? ` --only ${values.only}` : ''}\` on ${new Date().toISOString().slice(0, 10)} (run alone; not part of \`npm run bench\`)`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Linux ${release()}, Node ${process.version}; shared with other jobs while it ran (load average above 10 on 2 cores), so every figure is an upper bound.`,
    `Shape: ${shape.hosts} hosts × ${shape.days} daily runs × ${shape.checks} checks, 10 groups, 2 playbooks; failures in episodes of 1–6 days; a change window every week. Each query: the median of 5 runs (3 for the last four) after one warm-up.`,
    '',
  ];
  const pgUrl = values.pg ?? process.env.FIREBOOK_TEST_PG;
  try {
    if (values.only !== 'postgres') {
      const file = join(dir, 'year.db');
      const sqlite = openSqlite(file);
      // A bulk backfill's page cache (the default is 2 MiB): the index on (host, check, time)
      // takes each day's 20,000 rows at 20,000 places.
      await sqlite.exec(`PRAGMA cache_size = -${SQLITE_CACHE_KIB}`);
      try {
        const lines = [...head, ...(await benchOne(`SQLite (better-sqlite3, WAL, cache_size ${SQLITE_CACHE_KIB / 1024} MiB)`, sqlite, shape, async () => statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0), 200, values['queries-only']))];
        for (const l of lines) console.log(l);
        if (!values['no-results']) writeSection(`${TITLE}: SQLite${values['queries-only'] ? ', queries again' : ''}`, lines);
      } finally {
        await sqlite.close();
      }
    }
    if (values.only !== 'sqlite') {
      if (!pgUrl) throw new Error('PostgreSQL: give --pg URL (an empty database) or FIREBOOK_TEST_PG');
      const pg = await openPostgres(pgUrl);
      try {
        const lines = [...head, ...(await benchOne('PostgreSQL', pg, shape, async () => Number((await pg.query<{ b: string }>('SELECT pg_database_size(current_database()) AS b'))[0]!.b), 500, values['queries-only']))];
        for (const l of lines) console.log(l);
        if (!values['no-results']) writeSection(`${TITLE}: PostgreSQL${values['queries-only'] ? ', queries again' : ''}`, lines);
      } finally {
        await pg.close();
      }
    }
  } finally {
    if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'));
if (isEntry) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
