/**
 * The history view model (docs/history.md "Views"): every view's data, read once from the
 * database, then rendered as HTML, Markdown, JSON and CSV (render-*.ts). Plain data; strings
 * are the database's own (each renderer escapes for its format).
 */
import type { HistoryDb } from './db.js';
import {
  changesApplied,
  complianceTrend,
  expiringWaivers,
  failingNow,
  hostSummaries,
  type AppliedChange,
  type BucketSize,
  type ExpiringWaiver,
  type FailingNow,
  type HostSummary,
  type Range,
  type TrendFilter,
  type TrendPoint,
} from './queries.js';
import { hostTimeline, type CheckTimeline } from './timeline.js';

/** `history.json`'s schema (schemas/history.schema.json) and version. */
export const HISTORY_SCHEMA_URL = 'https://firebook.dev/schemas/history.schema.json';
export const HISTORY_VERSION = 1;

export interface HistoryOptions {
  range: Range;
  by: BucketSize;
  filter: TrendFilter;
  /** `--host`: that host's timeline, and the other views narrowed to it. */
  host?: string;
  /** `--expiring` as given (`30d`) and in milliseconds. */
  expiring: { text: string; ms: number };
  /** The database, as messages name it (never a password). */
  database: string;
  generatedAt: string;
}

export interface HistoryView {
  generatedAt: string;
  database: string;
  since: string;
  until: string;
  by: BucketSize;
  filter: TrendFilter & { host?: string };
  expiringWithin: string;
  trend: TrendPoint[];
  hosts: HostSummary[];
  /** With `--host`: its checks' timelines. */
  timeline: { host: string; checks: CheckTimeline[] } | null;
  failingNow: FailingNow[];
  waivers: ExpiringWaiver[];
  changes: AppliedChange[];
}

export async function buildHistoryView(db: HistoryDb, o: HistoryOptions): Promise<HistoryView> {
  const narrow = { ...o.filter, ...(o.host === undefined ? {} : { host: o.host }) };
  return {
    generatedAt: o.generatedAt,
    database: o.database,
    since: o.range.since,
    until: o.range.until,
    by: o.by,
    filter: narrow,
    expiringWithin: o.expiring.text,
    trend: await complianceTrend(db, o.range, o.by, o.filter),
    hosts: await hostSummaries(db, o.range, o.by, o.filter.group),
    timeline: o.host === undefined ? null : { host: o.host, checks: await hostTimeline(db, o.host, o.range, o.filter.check) },
    failingNow: await failingNow(db, o.range.until, narrow),
    waivers: await expiringWaivers(db, o.range.until, o.expiring.ms, narrow),
    changes: await changesApplied(db, o.range, o.host),
  };
}

/** The latest bucket with results, for the one-line summary and the headline. */
export function latestPoint(v: HistoryView): TrendPoint | undefined {
  return [...v.trend].reverse().find((p) => p.pct !== null);
}

/** `29 h`, `3 d 4 h`, `45 min`: a time to fix, to the hour once it is over a day. */
export function fixDuration(ms: number | null): string {
  if (ms === null) return '—';
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
