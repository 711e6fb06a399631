/**
 * The history views' queries (docs/history.md "Views"), written once in SQL that SQLite and
 * PostgreSQL both accept, over the tables of schema.ts. Times are ISO UTC text, so ranges are
 * text comparisons. PostgreSQL returns counts as strings: every number goes through `num`.
 *
 * "The last result": a host (or a host × check) observed several times in one bucket counts
 * once, with its latest result there (ties on the same instant, such as a shard run and the
 * merged run made of it, are broken by run id), so several runs a day never double count.
 */
import { compliancePercent } from '../model/outcome.js';
import type { HistoryDb, SqlValue } from './db.js';

const DAY_MS = 86_400_000;

export type BucketSize = 'day' | 'week';

export interface Range {
  /** Inclusive, ISO UTC. */
  since: string;
  /** Exclusive, ISO UTC. */
  until: string;
}

export interface TrendFilter {
  group?: string;
  playbook?: string;
  check?: string;
}

export interface Bucket {
  /** `YYYY-MM-DD`: the day, or the Monday that starts the week. */
  bucket: string;
  lo: string;
  hi: string;
}

export interface TrendPoint {
  bucket: string;
  /** Hosts with a result in the bucket. */
  hosts: number;
  pass: number;
  fail: number;
  error: number;
  /** pass / (pass + fail + error) × 100 to one decimal (model/outcome.ts), null when nothing was judged. */
  pct: number | null;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (ms: number) => new Date(ms).toISOString();
const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
/** The Monday 00:00 UTC of the week holding `ms` (1970-01-01 was a Thursday). */
const weekStart = (ms: number) => dayStart(ms) - ((Math.floor(ms / DAY_MS) + 3) % 7) * DAY_MS;

/** The buckets covering `range`: the first starts at the day (or week) holding `since`; the last
 * ends at `until`. */
export function bucketsOf(range: Range, by: BucketSize): Bucket[] {
  const untilMs = Date.parse(range.until);
  const step = by === 'day' ? DAY_MS : 7 * DAY_MS;
  const out: Bucket[] = [];
  for (let t = (by === 'day' ? dayStart : weekStart)(Date.parse(range.since)); t < untilMs; t += step) {
    out.push({ bucket: iso(t).slice(0, 10), lo: iso(t), hi: iso(Math.min(t + step, untilMs)) });
  }
  return out;
}

/** A text parameter: PostgreSQL cannot tell a bare `?` in a select list is text. */
const T = 'CAST(? AS TEXT)';

/** The buckets as a derived table `b(bucket, lo, hi)` (a UNION ALL of parameter rows: both
 * databases accept it, unlike a VALUES list with column names). */
function bucketTable(buckets: readonly Bucket[]): { sql: string; params: SqlValue[] } {
  const sql = buckets.map((_, i) => (i === 0 ? `SELECT ${T} AS bucket, ${T} AS lo, ${T} AS hi` : `SELECT ${T}, ${T}, ${T}`)).join(' UNION ALL ');
  return { sql: `(${sql}) b`, params: buckets.flatMap((b) => [b.bucket, b.lo, b.hi]) };
}

/** 1 for the last row of each `key` (a bucket and a host, or a host × check): the latest
 * instant, ties broken by run id. A window function: one sort of the bucket's rows, which both
 * databases plan the same way (an anti-join on "a later row exists" is planned as a hash join
 * over all of a host's history by PostgreSQL). */
const LAST = (key: string, t: string) => `ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY ${t}.started_at DESC, ${t}.run_id DESC)`;

/** Row `b` of the same key comes after row `a` (ties on the instant broken by run id). Written
 * as a range from `a`'s instant, so the (key, started_at) index is searched from there, not
 * through all of the key's history before the bucket's end. */
const LATER = (a: string, b: string) => `${b}.started_at >= ${a}.started_at AND (${b}.started_at > ${a}.started_at OR ${b}.run_id > ${a}.run_id)`;

/** The conditions on run_checks `c` of a filter, as ` AND …` text, after `params` given. */
function checkFilter(filter: TrendFilter & { host?: string }, params: SqlValue[]): { where: string; params: SqlValue[] } {
  const where: string[] = [];
  for (const [col, v] of [['c.host', filter.host], ['c.check_id', filter.check], ['c.playbook', filter.playbook]] as const) {
    if (v === undefined) continue;
    where.push(`${col} = ?`);
    params.push(v);
  }
  if (filter.group !== undefined) {
    where.push('EXISTS (SELECT 1 FROM run_host_groups g WHERE g.run_id = c.run_id AND g.host = c.host AND g.group_name = ?)');
    params.push(filter.group);
  }
  return { where: where.map((w) => ` AND ${w}`).join(''), params };
}

function point(bucket: string, r: Record<string, unknown> | undefined): TrendPoint {
  const pass = num(r?.pass);
  const fail = num(r?.fail);
  const error = num(r?.error);
  return { bucket, hosts: num(r?.hosts), pass, fail, error, pct: compliancePercent(pass, pass + fail + error) };
}

/**
 * Compliance per bucket. The fleet or a group: each host's last run in the bucket, its counts
 * (run_hosts). A playbook or a check: each host × check's last result in the bucket (run_checks).
 * Every bucket of the range is returned; one without results has `pct` null.
 */
export async function complianceTrend(db: HistoryDb, range: Range, by: BucketSize, filter: TrendFilter = {}): Promise<TrendPoint[]> {
  const buckets = bucketsOf(range, by);
  if (buckets.length === 0) return [];
  const b = bucketTable(buckets);
  let sql: string;
  const params: SqlValue[] = [...b.params];
  if (filter.playbook === undefined && filter.check === undefined) {
    const group = filter.group === undefined ? '' : ' JOIN run_host_groups g ON g.run_id = h.run_id AND g.host = h.host AND g.group_name = ?';
    if (filter.group !== undefined) params.push(filter.group);
    sql = `SELECT bucket, COUNT(*) AS hosts, SUM(checks_pass) AS pass, SUM(checks_fail) AS fail, SUM(checks_error) AS error
      FROM (SELECT b.bucket, h.checks_pass, h.checks_fail, h.checks_error, ${LAST('b.bucket, h.host', 'h')} AS nth
        FROM ${b.sql} JOIN run_hosts h ON h.started_at >= b.lo AND h.started_at < b.hi${group}) x
      WHERE nth = 1
      GROUP BY bucket`;
  } else {
    const where: string[] = [];
    if (filter.playbook !== undefined) {
      where.push('c.playbook = ?');
      params.push(filter.playbook);
    }
    if (filter.check !== undefined) {
      where.push('c.check_id = ?');
      params.push(filter.check);
    }
    if (filter.group !== undefined) {
      where.push('EXISTS (SELECT 1 FROM run_host_groups g WHERE g.run_id = c.run_id AND g.host = c.host AND g.group_name = ?)');
      params.push(filter.group);
    }
    sql = `SELECT bucket, COUNT(DISTINCT host) AS hosts,
        SUM(CASE WHEN status = 'pass' THEN 1 ELSE 0 END) AS pass,
        SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS fail,
        SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS error
      FROM (SELECT b.bucket, c.host, c.status, ${LAST('b.bucket, c.host, c.check_id', 'c')} AS nth
        FROM ${b.sql} JOIN run_checks c ON c.started_at >= b.lo AND c.started_at < b.hi
        WHERE ${where.join(' AND ')}) x
      WHERE nth = 1
      GROUP BY bucket`;
  }
  const rows = await db.query<Record<string, unknown>>(sql, params);
  const byBucket = new Map(rows.map((r) => [String(r.bucket), r]));
  return buckets.map((x) => point(x.bucket, byBucket.get(x.bucket)));
}

/** A stretch of consecutive buckets in which a host's last run had the same state. */
export interface StripSegment {
  from: string;
  to: string;
  state: 'pass' | 'fail' | 'error' | 'none';
}

export interface HostSummary {
  host: string;
  /** The host's last run in the range. */
  lastSeen: string;
  /** Its compliance in that run. */
  pct: number | null;
  /** One segment per run of equal states, bucket by bucket (`none`: no run in the bucket). */
  strip: StripSegment[];
}

/** Every host seen in the range (of a group), with its state per bucket: `fail` when its last
 * run there had a failed check, else `error` when one errored, else `pass`. */
export async function hostSummaries(db: HistoryDb, range: Range, by: BucketSize, group?: string): Promise<HostSummary[]> {
  const buckets = bucketsOf(range, by);
  if (buckets.length === 0) return [];
  const b = bucketTable(buckets);
  const params: SqlValue[] = [...b.params];
  const join = group === undefined ? '' : ' JOIN run_host_groups g ON g.run_id = h.run_id AND g.host = h.host AND g.group_name = ?';
  if (group !== undefined) params.push(group);
  const rows = await db.query<Record<string, unknown>>(
    `SELECT bucket, host, started_at, pass, fail, error
      FROM (SELECT b.bucket AS bucket, h.host AS host, h.started_at AS started_at, h.checks_pass AS pass, h.checks_fail AS fail, h.checks_error AS error, ${LAST('b.bucket, h.host', 'h')} AS nth
        FROM ${b.sql} JOIN run_hosts h ON h.started_at >= b.lo AND h.started_at < b.hi${join}) x
      WHERE nth = 1
      ORDER BY host, bucket`,
    params,
  );
  const index = new Map(buckets.map((x, i) => [x.bucket, i]));
  const byHost = new Map<string, { states: StripSegment['state'][]; last: Record<string, unknown> }>();
  for (const r of rows) {
    const host = String(r.host);
    let h = byHost.get(host);
    if (!h) byHost.set(host, (h = { states: buckets.map(() => 'none'), last: r }));
    h.states[index.get(String(r.bucket))!] = num(r.fail) > 0 ? 'fail' : num(r.error) > 0 ? 'error' : 'pass';
    h.last = r;
  }
  return [...byHost.entries()]
    .sort(([a], [c]) => (a < c ? -1 : a > c ? 1 : 0))
    .map(([host, h]) => {
      const strip: StripSegment[] = [];
      h.states.forEach((state, i) => {
        const last = strip.at(-1);
        if (last && last.state === state) last.to = buckets[i]!.bucket;
        else strip.push({ from: buckets[i]!.bucket, to: buckets[i]!.bucket, state });
      });
      const pass = num(h.last.pass);
      return { host, lastSeen: String(h.last.started_at), pct: compliancePercent(pass, pass + num(h.last.fail) + num(h.last.error)), strip };
    });
}


export interface FailingNow {
  host: string;
  checkId: string;
  playbook: string;
  severity: string | null;
  /** The start of the current failing streak: the first fail after the last pass. */
  since: string;
  /** The run that first saw it fail. */
  firstRunId: string;
  /** The latest result (a fail). */
  lastAt: string;
  lastRunId: string;
}

/** Each host × check whose latest result before `until` is a fail. */
export async function failingNow(db: HistoryDb, until: string, filter: TrendFilter & { host?: string } = {}): Promise<FailingNow[]> {
  const { where, params } = checkFilter(filter, [until]);
  params.push(until, until);
  const rows = await db.query<Record<string, string | null>>(
    // `f` (the failing pairs: few) is made first, then each one's streak is searched by the
    // (host, check, time) index; MATERIALIZED keeps a planner from driving the join by `s`.
    `WITH f AS MATERIALIZED (
        SELECT c.host, c.check_id, c.playbook, c.severity, c.started_at, c.run_id,
          (SELECT MAX(p.started_at) FROM run_checks p WHERE p.host = c.host AND p.check_id = c.check_id AND p.status = 'pass' AND p.started_at <= c.started_at) AS last_pass
        FROM run_checks c
        WHERE c.status = 'fail' AND c.started_at < ?${where}
          AND NOT EXISTS (SELECT 1 FROM run_checks c2 WHERE c2.host = c.host AND c2.check_id = c.check_id AND c2.started_at < ? AND ${LATER('c', 'c2')})
      )
      SELECT f.host, f.check_id, f.playbook, f.severity, f.started_at, f.run_id, s.started_at AS since, s.run_id AS first_run
      FROM f JOIN run_checks s ON s.host = f.host AND s.check_id = f.check_id AND s.status = 'fail' AND s.started_at < ?
        AND (f.last_pass IS NULL OR s.started_at > f.last_pass)
        AND NOT EXISTS (SELECT 1 FROM run_checks s2 WHERE s2.host = s.host AND s2.check_id = s.check_id AND s2.status = 'fail'
          AND (f.last_pass IS NULL OR s2.started_at > f.last_pass)
          AND (s2.started_at < s.started_at OR (s2.started_at = s.started_at AND s2.run_id < s.run_id)))
      ORDER BY since, f.host, f.check_id`,
    params,
  );
  return rows.map((r) => ({
    host: String(r.host),
    checkId: String(r.check_id),
    playbook: String(r.playbook),
    severity: r.severity ?? null,
    since: String(r.since),
    firstRunId: String(r.first_run),
    lastAt: String(r.started_at),
    lastRunId: String(r.run_id),
  }));
}

export interface ExpiringWaiver {
  host: string;
  checkId: string;
  expires: string;
  /** Whole days from `now` to the expiry (negative: already expired). */
  daysLeft: number;
  justification: string;
  approver: string;
  runId: string;
}

/** The waivers on each host × check's latest result before `until` that expire before
 * `until + withinMs` (run_checks.waiver: `{"justification","expires","approver"}`). */
export async function expiringWaivers(db: HistoryDb, until: string, withinMs: number, filter: TrendFilter & { host?: string } = {}): Promise<ExpiringWaiver[]> {
  const { where, params } = checkFilter(filter, [until]);
  params.push(until);
  const rows = await db.query<{ host: string; check_id: string; waiver: string; run_id: string }>(
    `SELECT c.host, c.check_id, c.waiver, c.run_id FROM run_checks c
      WHERE c.waiver IS NOT NULL AND c.started_at < ?${where}
        AND NOT EXISTS (SELECT 1 FROM run_checks c2 WHERE c2.host = c.host AND c2.check_id = c.check_id AND c2.started_at < ? AND ${LATER('c', 'c2')})`,
    params,
  );
  const nowMs = Date.parse(until);
  const out: ExpiringWaiver[] = [];
  for (const r of rows) {
    let w: { justification?: unknown; expires?: unknown; approver?: unknown };
    try {
      w = JSON.parse(r.waiver) as typeof w;
    } catch {
      continue; // not the contract's JSON: nothing to say about its expiry
    }
    const expiresMs = typeof w.expires === 'string' ? Date.parse(w.expires) : NaN;
    if (Number.isNaN(expiresMs) || expiresMs > nowMs + withinMs) continue;
    out.push({
      host: r.host,
      checkId: r.check_id,
      expires: String(w.expires),
      daysLeft: Math.floor((expiresMs - nowMs) / DAY_MS),
      justification: typeof w.justification === 'string' ? w.justification : '',
      approver: typeof w.approver === 'string' ? w.approver : '',
      runId: r.run_id,
    });
  }
  return out.sort((a, b) => Date.parse(a.expires) - Date.parse(b.expires) || a.host.localeCompare(b.host) || a.checkId.localeCompare(b.checkId));
}

export interface AppliedChange {
  runId: string;
  mode: string;
  operator: string | null;
  host: string;
  stepId: string;
  at: string;
  approvedBy: string | null;
  ticket: string | null;
  /** The step's outcome: its `end` row's status when recorded, else `rolled-back` when a
   * rollback phase ran, `verified` when its verify phase passed, else its last phase's status. */
  outcome: string;
  phases: string[];
}

/** The steps of apply, resume and rollback runs in the range (change_steps, one row per phase). */
export async function changesApplied(db: HistoryDb, range: Range, host?: string): Promise<AppliedChange[]> {
  const params: SqlValue[] = [range.since, range.until];
  if (host !== undefined) params.push(host);
  const rows = await db.query<Record<string, string | null>>(
    `SELECT r.run_id, r.mode, r.operator, s.host, s.step_id, s.phase, s.status, s.at, s.approved_by, s.ticket
      FROM change_steps s JOIN runs r ON r.run_id = s.run_id
      WHERE r.mode IN ('apply', 'resume', 'rollback') AND s.at >= ? AND s.at < ?${host === undefined ? '' : ' AND s.host = ?'}
      ORDER BY s.run_id, s.host, s.step_id, s.seq`,
    params,
  );
  const out: AppliedChange[] = [];
  const ends = new Map<AppliedChange, string>();
  for (const r of rows) {
    let c = out.at(-1);
    if (!c || c.runId !== r.run_id || c.host !== r.host || c.stepId !== r.step_id) {
      out.push((c = { runId: String(r.run_id), mode: String(r.mode), operator: r.operator ?? null, host: String(r.host), stepId: String(r.step_id), at: String(r.at), approvedBy: null, ticket: null, outcome: '', phases: [] }));
    }
    c.approvedBy ??= r.approved_by ?? null;
    c.ticket ??= r.ticket ?? null;
    const phase = String(r.phase);
    const status = String(r.status);
    if (phase === 'end') ends.set(c, status);
    else c.phases.push(`${phase}:${status}`);
    c.outcome = status;
  }
  for (const c of out) {
    const end = ends.get(c);
    if (end !== undefined) c.outcome = end;
    else if (c.phases.some((p) => p.startsWith('rollback:'))) c.outcome = 'rolled-back';
    else if (c.phases.includes('verify:ok')) c.outcome = 'verified';
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
