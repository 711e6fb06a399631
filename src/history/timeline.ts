/** A host's history per check (docs/history.md "Per host and check"): its results in order,
 * first failed, last passed, each time to fix and the flaps. */
import type { HistoryDb, SqlValue } from './db.js';
import type { Range } from './queries.js';

export interface TimelineEntry {
  at: string;
  runId: string;
  status: string;
}

export interface FixEpisode {
  failedAt: string;
  /** The first pass after the failure, or null while it still fails. */
  fixedAt: string | null;
  ms: number | null;
}

export interface CheckTimeline {
  checkId: string;
  playbook: string;
  entries: TimelineEntry[];
  firstFailed: string | null;
  lastPassed: string | null;
  fixes: FixEpisode[];
  /** Median time to fix of the closed episodes, null when none closed. */
  medianFixMs: number | null;
  /** Status changes between pass and fail, result after result. */
  flaps: number;
}

/** The median of `xs` (the mean of the two middle values for an even count). */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** First failed, last passed, fix episodes and flaps of one check's results, oldest first. Pure. */
export function analyseTimeline(entries: readonly TimelineEntry[]): Pick<CheckTimeline, 'firstFailed' | 'lastPassed' | 'fixes' | 'medianFixMs' | 'flaps'> {
  let firstFailed: string | null = null;
  let lastPassed: string | null = null;
  const fixes: FixEpisode[] = [];
  let open: string | null = null;
  let prev: string | undefined;
  let flaps = 0;
  for (const e of entries) {
    if (e.status === 'fail') {
      firstFailed ??= e.at;
      open ??= e.at;
    } else if (e.status === 'pass') {
      lastPassed = e.at;
      if (open !== null) fixes.push({ failedAt: open, fixedAt: e.at, ms: Date.parse(e.at) - Date.parse(open) });
      open = null;
    } else continue;
    if (prev !== undefined && prev !== e.status) flaps++;
    prev = e.status;
  }
  if (open !== null) fixes.push({ failedAt: open, fixedAt: null, ms: null });
  return { firstFailed, lastPassed, fixes, medianFixMs: median(fixes.flatMap((f) => (f.ms === null ? [] : [f.ms]))), flaps };
}

/** One host's results check by check over the range (one check with `check`). The same result
 * recorded twice (a shard run and its merged run: same instant, same status) is shown once. */
export async function hostTimeline(db: HistoryDb, host: string, range: Range, check?: string): Promise<CheckTimeline[]> {
  const params: SqlValue[] = [host, range.since, range.until];
  if (check !== undefined) params.push(check);
  const rows = await db.query<{ check_id: string; playbook: string; started_at: string; run_id: string; status: string }>(
    `SELECT check_id, playbook, started_at, run_id, status FROM run_checks
      WHERE host = ? AND started_at >= ? AND started_at < ?${check === undefined ? '' : ' AND check_id = ?'}
      ORDER BY check_id, started_at, run_id`,
    params,
  );
  const out: CheckTimeline[] = [];
  for (const r of rows) {
    let t = out.at(-1);
    if (!t || t.checkId !== r.check_id) out.push((t = { checkId: r.check_id, playbook: r.playbook, entries: [], firstFailed: null, lastPassed: null, fixes: [], medianFixMs: null, flaps: 0 }));
    const last = t.entries.at(-1);
    if (last && last.at === r.started_at && last.status === r.status) continue;
    t.entries.push({ at: r.started_at, runId: r.run_id, status: r.status });
  }
  for (const t of out) Object.assign(t, analyseTimeline(t.entries));
  return out;
}
