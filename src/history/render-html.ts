/**
 * history.html: one self-contained page (inline CSS and SVG, no script, nothing fetched; the
 * run report's Content-Security-Policy), readable at 390 px: the page never scrolls sideways,
 * tables scroll inside their own box, charts scale to the width. Every string from the
 * database passes `escapeXml` (report/sanitize.ts), in text and in attributes alike.
 */
import { escapeXml as h } from '../report/sanitize.js';
import { historyHostAnchor } from '../report/view-format.js';
import type { StripSegment, TrendPoint } from './queries.js';
import type { CheckTimeline } from './timeline.js';
import { fixDuration, latestPoint, type HistoryView } from './view.js';

const CSS = `
:root { --pass:#1a7f37; --fail:#c62828; --error:#b35c00; --waived:#6f42c1; --none:#d8dee4; --ink:#1f2328; --muted:#59636e; --line:#d0d7de; --soft:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1280px; padding: 16px 24px 48px; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 15px; margin: 16px 0 6px; overflow-wrap: anywhere; }
.small { font-size: 12px; color: var(--muted); }
.meta { color: var(--muted); overflow-wrap: anywhere; }
.headline { font-size: 36px; font-weight: 800; line-height: 1.1; }
.scroll { overflow-x: auto; max-width: 100%; }
table.grid { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
.grid th, .grid td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
.grid thead th { background: var(--soft); white-space: nowrap; }
.grid td.num { text-align: right; white-space: nowrap; }
.grid td.t { white-space: nowrap; }
.grid th[scope=row] { font-weight: 600; overflow-wrap: anywhere; min-width: 8em; }
.st-pass { color: var(--pass); } .st-fail { color: var(--fail); } .st-error { color: var(--error); } .st-waived { color: var(--waived); } .st-none, .st-skipped { color: var(--muted); }
td.st-fail { background: #ffebe9; } td.st-pass { background: #eefbf1; }
figure.chart { margin: 8px 0; }
svg.trend { width: 100%; max-width: 760px; height: auto; display: block; }
svg.trend text { font-size: 13px; fill: var(--ink); }
svg.trend .axis { stroke: var(--muted); stroke-width: 1; }
svg.trend .gridline { stroke: var(--line); stroke-width: 1; }
svg.trend .area { fill: #1a7f37; fill-opacity: .12; stroke: none; }
svg.trend .line { fill: none; stroke: var(--pass); stroke-width: 2.5; }
svg.trend .pt { fill: #fff; stroke: var(--pass); stroke-width: 2; }
svg.trend .lbl { font-weight: 700; }
svg.strip { width: 100%; min-width: 160px; max-width: 420px; height: 14px; display: block; }
.strip .s-pass { fill: var(--pass); } .strip .s-fail { fill: var(--fail); } .strip .s-error { fill: var(--error); } .strip .s-waived { fill: var(--waived); } .strip .s-none, .strip .s-skipped { fill: var(--none); }
.legend span { display: inline-block; margin-right: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.empty { font-style: italic; color: var(--muted); }
@media (max-width: 700px) { body { padding: 10px 10px 32px; } .headline { font-size: 28px; } }
@media print { .scroll { overflow: visible; } }
`;

const pct = (p: number | null) => (p === null ? '—' : `${p}%`);
const when = (iso: string | null) => (iso === null ? '—' : h(iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, 'Z')));

function table(head: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${h(empty)}</p>`;
  return `<div class="scroll"><table class="grid"><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.join('')}</tr>`).join('\n')}\n</tbody></table></div>`;
}
const td = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${text}</td>`;

/** The trend as an SVG line and area chart: y up to 100 %, x the buckets; a bucket without
 * results breaks the line. Points carry a <title>; values are labelled (all of them up to 16
 * buckets, else the first, the last and the lowest). */
export function trendSvg(trend: readonly TrendPoint[], title: string): string {
  const W = 640;
  const H = 280;
  const L = 48;
  const R = 20;
  const T = 24;
  const B = 44;
  const n = trend.length;
  const x = (i: number) => (n <= 1 ? L + (W - L - R) / 2 : L + (i * (W - L - R)) / (n - 1));
  // The y axis starts at 0, or (when every value is high) at a round 10 below the lowest, so a
  // fall from 99 % to 92 % shows; its labels say where it starts.
  const values = trend.flatMap((p) => (p.pct === null ? [] : [p.pct]));
  const low = values.length ? Math.min(...values) : 0;
  const lo = low >= 50 ? Math.max(0, Math.floor((low - 2) / 10) * 10) : 0;
  const y = (p: number) => T + ((100 - p) * (H - T - B)) / (100 - lo);
  const parts: string[] = [];
  for (const g of [0, 1, 2, 3, 4].map((k) => lo + ((100 - lo) * k) / 4)) {
    parts.push(`<line class="gridline" x1="${L}" x2="${W - R}" y1="${y(g).toFixed(1)}" y2="${y(g).toFixed(1)}"/><text x="${L - 6}" y="${(y(g) + 4).toFixed(1)}" text-anchor="end">${Math.round(g * 10) / 10}%</text>`);
  }
  parts.push(`<line class="axis" x1="${L}" x2="${L}" y1="${T}" y2="${H - B}"/><line class="axis" x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}"/>`);
  // Runs of consecutive buckets with results: one area and one line each.
  let run: Array<[number, number]> = [];
  const flush = () => {
    if (run.length > 1) {
      const pts = run.map(([i, p]) => `${x(i).toFixed(1)},${y(p).toFixed(1)}`).join(' ');
      parts.push(`<polygon class="area" points="${x(run[0]![0]).toFixed(1)},${y(lo)} ${pts} ${x(run.at(-1)![0]).toFixed(1)},${y(lo)}"/><polyline class="line" points="${pts}"/>`);
    }
    run = [];
  };
  trend.forEach((p, i) => (p.pct === null ? flush() : run.push([i, p.pct])));
  flush();
  const judged = trend.map((p, i) => [i, p] as const).filter(([, p]) => p.pct !== null);
  const labelled = new Set<number>();
  if (judged.length <= 16) judged.forEach(([i]) => labelled.add(i));
  else if (judged.length) {
    labelled.add(judged[0]![0]).add(judged.at(-1)![0]);
    labelled.add(judged.reduce((a, b) => (b[1].pct! < a[1].pct! ? b : a))[0]);
  }
  for (const [i, p] of judged) {
    parts.push(`<circle class="pt" cx="${x(i).toFixed(1)}" cy="${y(p.pct!).toFixed(1)}" r="3.5"><title>${h(`${p.bucket}: ${p.pct}% (${p.pass} pass, ${p.fail} fail, ${p.error} error; ${p.hosts} hosts)`)}</title></circle>`);
    if (labelled.has(i)) parts.push(`<text class="lbl" x="${x(i).toFixed(1)}" y="${(y(p.pct!) - 8).toFixed(1)}" text-anchor="middle">${p.pct}</text>`);
  }
  // Date ticks: at most 6, always the first and the last bucket.
  const step = Math.max(1, Math.ceil((n - 1) / 5));
  const ticks = new Set<number>();
  for (let i = 0; i < n; i += step) ticks.add(i);
  if (n) ticks.add(n - 1);
  for (const i of ticks) {
    const near = i !== n - 1 && i + step > n - 1 && n > 2 && x(n - 1) - x(i) < 60;
    if (near) continue; // would overlap the last label
    parts.push(`<line class="axis" x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${H - B}" y2="${H - B + 5}"/><text x="${x(i).toFixed(1)}" y="${H - B + 20}" text-anchor="middle">${h(trend[i]!.bucket.slice(5))}</text>`);
  }
  const first = trend[0]?.bucket ?? '';
  const last = trend.at(-1)?.bucket ?? '';
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" text-anchor="middle" class="small">${h(`${first} – ${last} (UTC)`)}</text>`);
  return `<svg class="trend" id="trend-chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${h(title)}"><title>${h(title)}</title>${parts.join('')}</svg>`;
}

/** A strip of segments (`weights` = how many buckets or results each covers), one rect each. */
function stripSvg(segments: ReadonlyArray<{ state: string; weight: number; title: string }>, label: string): string {
  const total = segments.reduce((n, s) => n + s.weight, 0) || 1;
  let at = 0;
  const rects = segments.map((s) => {
    const r = `<rect class="s-${h(s.state)}" x="${at}" y="0" width="${s.weight}" height="1"><title>${h(s.title)}</title></rect>`;
    at += s.weight;
    return r;
  });
  return `<svg class="strip" viewBox="0 0 ${total} 1" preserveAspectRatio="none" role="img" aria-label="${h(label)}">${rects.join('')}</svg>`;
}

function hostStrip(strip: readonly StripSegment[], host: string, buckets: readonly string[]): string {
  const index = new Map(buckets.map((b, i) => [b, i]));
  return stripSvg(
    strip.map((s) => ({ state: s.state, weight: index.get(s.to)! - index.get(s.from)! + 1, title: `${s.from === s.to ? s.from : `${s.from} – ${s.to}`}: ${s.state === 'none' ? 'no run' : s.state}` })),
    `${host}: its state per ${buckets.length} buckets`,
  );
}

function timelineSection(t: CheckTimeline): string {
  const strip = stripSvg(t.entries.map((e) => ({ state: e.status, weight: 1, title: `${e.at} ${e.status} (run ${e.runId})` })), `${t.checkId}: ${t.entries.length} results`);
  const episodes = t.fixes.map((f) => `${when(f.failedAt)} → ${f.fixedAt === null ? 'still failing' : `${when(f.fixedAt)} (${h(fixDuration(f.ms))})`}`);
  return `<h3>${h(t.checkId)} <span class="small">${h(t.playbook)}</span></h3>
${strip}
<div class="scroll"><table class="grid"><tbody>
<tr><th scope="row">results</th><td>${t.entries.length}</td></tr>
<tr><th scope="row">first failed</th><td>${when(t.firstFailed)}</td></tr>
<tr><th scope="row">last passed</th><td>${when(t.lastPassed)}</td></tr>
<tr><th scope="row">time to fix</th><td>${episodes.length ? episodes.join('<br>') : '—'}</td></tr>
<tr><th scope="row">median time to fix</th><td>${h(fixDuration(t.medianFixMs))}</td></tr>
<tr><th scope="row">flaps</th><td>${t.flaps}</td></tr>
</tbody></table></div>`;
}

function filterText(v: HistoryView): string {
  const f = v.filter;
  const parts = [f.group !== undefined ? `group ${f.group}` : '', f.playbook !== undefined ? `playbook ${f.playbook}` : '', f.check !== undefined ? `check ${f.check}` : '', f.host !== undefined ? `host ${f.host}` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the fleet';
}

export function renderHistoryHtml(v: HistoryView): string {
  const latest = latestPoint(v);
  const scope = filterText(v);
  const title = `Compliance history: ${scope}`;
  const buckets = v.trend.map((p) => p.bucket);
  const s: string[] = [];
  s.push(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="meta">${when(v.since)} – ${when(v.until)} · per ${h(v.by)} · ${h(v.database)} · generated ${when(v.generatedAt)}</p>
</header>
<main>
<section aria-labelledby="sec-trend">
<h2 id="sec-trend">Compliance per ${h(v.by)}</h2>
<p><span class="headline">${pct(latest?.pct ?? null)}</span> <span class="small">${latest ? h(`on ${latest.bucket}: ${latest.pass} pass, ${latest.fail} fail, ${latest.error} error over ${latest.hosts} hosts`) : 'no results in this range'}</span></p>
<p class="small">Each host counts once per ${h(v.by)}, with its last result there; compliance = pass / (pass + fail + error).</p>
<figure class="chart">${trendSvg(v.trend, `Compliance of ${scope} per ${v.by}, ${buckets[0] ?? ''} to ${buckets.at(-1) ?? ''}`)}</figure>
<details><summary>The figures</summary>
${table(['bucket', 'hosts', 'pass', 'fail', 'error', 'compliance'], v.trend.map((p) => [td(h(p.bucket), 't'), td(String(p.hosts), 'num'), td(String(p.pass), 'num'), td(String(p.fail), 'num'), td(String(p.error), 'num'), td(pct(p.pct), 'num')]), 'no buckets')}
</details>
</section>`);
  s.push(`<section aria-labelledby="sec-failing">
<h2 id="sec-failing">Failing now (${v.failingNow.length})</h2>
${table(['host', 'check', 'playbook', 'severity', 'failing since', 'first seen by run', 'last result'], v.failingNow.map((f) => [
    `<th scope="row"><a href="#${historyHostAnchor(f.host)}">${h(f.host)}</a></th>`, td(h(f.checkId)), td(h(f.playbook)), td(h(f.severity ?? '')), td(when(f.since), 't'), td(h(f.firstRunId)), td(when(f.lastAt), 't'),
  ]), 'Nothing fails now.')}
</section>`);
  if (v.timeline) {
    s.push(`<section aria-labelledby="sec-timeline">
<h2 id="sec-timeline">Timeline of ${h(v.timeline.host)}</h2>
<p class="legend small"><span><i style="background:var(--pass)"></i>pass</span><span><i style="background:var(--fail)"></i>fail</span><span><i style="background:var(--error)"></i>error</span><span><i style="background:var(--waived)"></i>waived</span><span><i style="background:var(--none)"></i>skipped / no run</span></p>
${v.timeline.checks.length ? v.timeline.checks.map(timelineSection).join('\n') : '<p class="empty">No results for this host in this range.</p>'}
</section>`);
  }
  s.push(`<section aria-labelledby="sec-waivers">
<h2 id="sec-waivers">Waivers expiring within ${h(v.expiringWithin)} (${v.waivers.length})</h2>
${table(['host', 'check', 'expires', 'days left', 'approver', 'justification'], v.waivers.map((w) => [
    `<th scope="row"><a href="#${historyHostAnchor(w.host)}">${h(w.host)}</a></th>`, td(h(w.checkId)), td(when(w.expires), 't'), td(String(w.daysLeft), w.daysLeft < 0 ? 'num st-fail' : 'num'), td(h(w.approver)), td(h(w.justification)),
  ]), 'No waiver expires in this time.')}
</section>`);
  s.push(`<section aria-labelledby="sec-changes">
<h2 id="sec-changes">Changes applied (${v.changes.length})</h2>
${table(['when', 'host', 'step', 'run', 'approved by', 'ticket', 'outcome'], v.changes.map((c) => [
    td(when(c.at), 't'), `<th scope="row"><a href="#${historyHostAnchor(c.host)}">${h(c.host)}</a></th>`, td(h(c.stepId)), td(`${h(c.runId)} <span class="small">${h(c.mode)}${c.operator ? ` · ${h(c.operator)}` : ''}</span>`), td(h(c.approvedBy ?? '—')), td(h(c.ticket ?? '—')),
    td(h(c.outcome), c.outcome === 'verified' ? 'st-pass' : c.outcome === 'failed' || c.outcome === 'rollback-failed' ? 'st-fail' : 'st-waived'),
  ]), 'No change was applied in this range.')}
</section>`);
  s.push(`<section aria-labelledby="sec-hosts">
<h2 id="sec-hosts">Hosts (${v.hosts.length})</h2>
<p class="small">Each host's state per ${h(v.by)}: <span class="st-pass">pass</span>, <span class="st-fail">a check failed</span>, <span class="st-error">a check errored</span>, grey: no run.</p>
${table(['host', 'last run', 'compliance then', `per ${v.by}`], v.hosts.map((x) => [
    `<th scope="row" id="${historyHostAnchor(x.host)}">${h(x.host)}</th>`, td(when(x.lastSeen), 't'), td(pct(x.pct), 'num'), td(hostStrip(x.strip, x.host, buckets)),
  ]), 'No host has results in this range.')}
</section>
</main>
</body>
</html>
`);
  return s.join('\n');
}
