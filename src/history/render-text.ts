/**
 * history.md, history.json and the CSV files (docs/history.md "Views"). Markdown escapes with
 * the run report's `escapeMarkdown`; JSON is the view itself under `$schema` and
 * `historyVersion` (schemas/history.schema.json); CSV is one table per file (RFC 4180).
 */
import { escapeMarkdown as e, markdownTable } from '../report/render-markdown.js';
import { escapeInvisibleJson } from '../report/sanitize.js';
import { fixDuration, HISTORY_SCHEMA_URL, HISTORY_VERSION, latestPoint, type HistoryView } from './view.js';

const pct = (p: number | null) => (p === null ? '—' : `${p}%`);
const t = (iso: string | null) => (iso === null ? '—' : iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z'));

/** A trend as a line of blocks, lowest to highest (0–100 %), `·` for a bucket with no results. */
export function sparkline(values: ReadonlyArray<number | null>): string {
  const blocks = '▁▂▃▄▅▆▇█';
  return values.map((v) => (v === null ? '·' : blocks[Math.min(7, Math.floor((v / 100) * 8))])).join('');
}

export function renderHistoryMarkdown(v: HistoryView): string {
  const f = v.filter;
  const scope = [f.group !== undefined ? `group ${f.group}` : '', f.playbook !== undefined ? `playbook ${f.playbook}` : '', f.check !== undefined ? `check ${f.check}` : '', f.host !== undefined ? `host ${f.host}` : ''].filter(Boolean).join(', ') || 'the fleet';
  const latest = latestPoint(v);
  const out: string[] = [];
  out.push(`# Compliance history: ${e(scope)}`, '');
  out.push(`${e(t(v.since))} – ${e(t(v.until))} · per ${v.by} · ${e(v.database)} · generated ${e(t(v.generatedAt))}`, '');
  out.push(`## Compliance per ${v.by}`, '');
  out.push(latest ? `**${pct(latest.pct)}** on ${latest.bucket} (${latest.pass} pass, ${latest.fail} fail, ${latest.error} error over ${latest.hosts} hosts)` : '_No results in this range._', '');
  out.push(`\`${sparkline(v.trend.map((p) => p.pct))}\``, '');
  out.push(markdownTable(['bucket', 'hosts', 'pass', 'fail', 'error', 'compliance'], v.trend.map((p) => [p.bucket, String(p.hosts), String(p.pass), String(p.fail), String(p.error), pct(p.pct)])), '');
  out.push(`## Failing now (${v.failingNow.length})`, '');
  out.push(v.failingNow.length ? markdownTable(['host', 'check', 'playbook', 'severity', 'failing since', 'first seen by run', 'last result'], v.failingNow.map((x) => [e(x.host), e(x.checkId), e(x.playbook), e(x.severity ?? ''), e(t(x.since)), e(x.firstRunId), e(t(x.lastAt))])) : '_Nothing fails now._', '');
  if (v.timeline) {
    out.push(`## Timeline of ${e(v.timeline.host)}`, '');
    out.push(v.timeline.checks.length
      ? markdownTable(['check', 'results', 'first failed', 'last passed', 'time to fix', 'median', 'flaps'], v.timeline.checks.map((c) => [
        e(c.checkId), String(c.entries.length), e(t(c.firstFailed)), e(t(c.lastPassed)),
        c.fixes.map((x) => `${e(t(x.failedAt))} → ${x.fixedAt === null ? 'still failing' : `${e(t(x.fixedAt))} (${fixDuration(x.ms)})`}`).join('<br>') || '—',
        fixDuration(c.medianFixMs), String(c.flaps),
      ]))
      : '_No results for this host in this range._', '');
  }
  out.push(`## Waivers expiring within ${e(v.expiringWithin)} (${v.waivers.length})`, '');
  out.push(v.waivers.length ? markdownTable(['host', 'check', 'expires', 'days left', 'approver', 'justification'], v.waivers.map((w) => [e(w.host), e(w.checkId), e(t(w.expires)), String(w.daysLeft), e(w.approver), e(w.justification)])) : '_No waiver expires in this time._', '');
  out.push(`## Changes applied (${v.changes.length})`, '');
  out.push(v.changes.length ? markdownTable(['when', 'host', 'step', 'run', 'approved by', 'ticket', 'outcome'], v.changes.map((c) => [e(t(c.at)), e(c.host), e(c.stepId), `${e(c.runId)} (${e(c.mode)})`, e(c.approvedBy ?? '—'), e(c.ticket ?? '—'), e(c.outcome)])) : '_No change was applied in this range._', '');
  out.push(`## Hosts (${v.hosts.length})`, '');
  out.push(v.hosts.length ? markdownTable(['host', 'last run', 'compliance then'], v.hosts.map((x) => [e(x.host), e(t(x.lastSeen)), pct(x.pct)])) : '_No host has results in this range._', '');
  return out.join('\n');
}

/** history.json: the view, versioned. */
export function renderHistoryJson(v: HistoryView): string {
  return escapeInvisibleJson(JSON.stringify({ $schema: HISTORY_SCHEMA_URL, historyVersion: HISTORY_VERSION, ...v }, null, 2)) + '\n';
}

/** One CSV cell: quoted when it holds a comma, quote or line break; a text starting with
 * `= + - @` or a tab/CR gets a leading `'` so a spreadsheet never runs it as a formula. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csv = (head: string[], rows: Array<Array<string | number | null>>) => [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** The CSV files: file name → text. `history-timeline.csv` only with `--host`. */
export function renderHistoryCsv(v: HistoryView): Map<string, string> {
  const files = new Map<string, string>();
  files.set('history-trend.csv', csv(['bucket', 'hosts', 'pass', 'fail', 'error', 'compliance_pct'], v.trend.map((p) => [p.bucket, p.hosts, p.pass, p.fail, p.error, p.pct])));
  files.set('history-failing.csv', csv(['host', 'check', 'playbook', 'severity', 'failing_since', 'first_run', 'last_at', 'last_run'], v.failingNow.map((x) => [x.host, x.checkId, x.playbook, x.severity, x.since, x.firstRunId, x.lastAt, x.lastRunId])));
  files.set('history-waivers.csv', csv(['host', 'check', 'expires', 'days_left', 'approver', 'justification', 'run'], v.waivers.map((w) => [w.host, w.checkId, w.expires, w.daysLeft, w.approver, w.justification, w.runId])));
  files.set('history-changes.csv', csv(['at', 'host', 'step', 'run', 'mode', 'operator', 'approved_by', 'ticket', 'outcome'], v.changes.map((c) => [c.at, c.host, c.stepId, c.runId, c.mode, c.operator, c.approvedBy, c.ticket, c.outcome])));
  files.set('history-hosts.csv', csv(['host', 'last_run_at', 'compliance_pct'], v.hosts.map((x) => [x.host, x.lastSeen, x.pct])));
  if (v.timeline) {
    const rows: Array<Array<string | number | null>> = [];
    for (const c of v.timeline.checks) for (const x of c.entries) rows.push([v.timeline.host, c.checkId, x.at, x.status, x.runId]);
    files.set('history-timeline.csv', csv(['host', 'check', 'at', 'status', 'run'], rows));
  }
  return files;
}
