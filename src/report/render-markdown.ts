/** report.md: the ticket-sized summary — verdict, changes made, root causes with their affected
 * hosts and next steps, unreachable hosts, what was fixed — a few dozen lines whatever the fleet.
 * The full detail is report.full.md (`--format md-full`, render-markdown-full.ts). Also the
 * Markdown helpers both renderers share. */
import type { RunReport } from '../model/result.js';
import { formatLabel } from './labels.js';
import { toVisibleText } from './sanitize.js';
import { buildReportView, DEFAULT_LIMITS } from './view-model.js';
import type { ReportView, RenderOptions } from './view-types.js';
import { listNames } from './view-format.js';

/** Items (finding samples, matrix rows, remediations, waivers) per section of report.full.md before cutting. */
export const MARKDOWN_MAX_ITEMS = 200;
/** Root causes, hosts, changes and fixes listed in the summary before "and N more". */
export const SUMMARY_MAX_ITEMS = 15;

/** Escapes text for Markdown inline context (also inside table cells): ASCII punctuation that
 * Markdown or inline HTML would interpret is backslash-escaped; newlines become spaces. */
export function escapeMarkdown(text: string): string {
  return toVisibleText(text)
    .replace(/[\n\t]+/g, ' ')
    .replace(/[\\`*_[\]<>|~&$]/g, (c) => `\\${c}`);
}

/** Inline code: the delimiter is longer than any backtick run inside. In a table cell (the
 * default) `|` is escaped, which GFM undoes inside code spans; elsewhere it must stay bare. */
export function markdownCode(text: string, inTable = true): string {
  const flat = toVisibleText(text).replace(/[\n\t]+/g, ' ');
  const t = inTable ? flat.replace(/\|/g, '\\|') : flat;
  if (t === '') return '';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the text. */
export function markdownFence(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text.replace(/\n$/, '')}\n${fence}`;
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
/** A GFM table (cells already escaped). */
export function markdownTable(head: string[], rows: string[][]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}
const e = escapeMarkdown;

/** The changes-made table (shared with report.full.md). */
export function changesMarkdown(v: ReportView, max = MARKDOWN_MAX_ITEMS): string {
  const l = v.l;
  const rows = v.changes.slice(0, max).map((c) => [
    e(c.host),
    markdownCode(c.remediation),
    c.commandsNote ? `_${e(c.commandsNote)}_` : c.commands.map((x) => markdownCode(x)).join('<br>'),
    markdownCode(c.before),
    markdownCode(c.after),
    c.reason ? `${e(c.status.text)}: ${e(c.reason)}` : e(c.status.text),
    e(c.approver),
    e(c.time),
  ]);
  const more = v.changes.length > max ? `\n\n_${e(formatLabel(l.seeFullReport, { n: v.changes.length - max }))}_` : '';
  return `## ${e(v.changesTitle)}\n\n${markdownTable([l.host, l.remediation, l.commandSent, l.before, l.after, l.status, l.approver, l.time].map(e), rows)}${more}`;
}

/** The fixed-in-this-run table: observed before, verified after (shared with report.full.md). */
export function fixedMarkdown(v: ReportView, max = MARKDOWN_MAX_ITEMS): string {
  const l = v.l;
  const rows = v.fixed.slice(0, max).map((f) => [e(f.host), markdownCode(f.checkId), e(f.before), `${e(f.after)} — ${e(f.by)}`]);
  return `## ${e(l.fixedInRun)} (${v.fixed.length})\n\n${markdownTable([l.host, l.check, l.observedBefore, l.verifiedAfter].map(e), rows)}`;
}

/** Renders report.md, the ticket-sized summary. */
export function renderMarkdown(report: RunReport, opts: RenderOptions): string {
  const max = SUMMARY_MAX_ITEMS;
  const v = buildReportView(report, opts, { ...DEFAULT_LIMITS, evidencePerCheck: 0, passingRows: 0, namesPerList: 10 });
  const l = v.l;
  const out: string[] = [`# ${e(v.title)}`, ''];
  if (v.incomplete) out.push(`> **${e(l.incomplete)}**`, '');
  if (v.hostKeyOff) out.push(`> **${e(l.hostKeyOff)}**`, '');
  out.push(`**${e(v.verdictLine)}**`, '');
  const meta = v.header.filter((h) => [l.mode, l.inventory, l.started, l.duration, l.runId, l.selections, l.readonlyExtended, l.platformMismatchHeader, l.bundleSourceHeader].includes(h.label));
  out.push(meta.map((h) => `${e(h.label)}: ${h.loud ? `**${e(h.value)}**` : e(h.value)}`).join(' · '), '');
  if (v.changes.length) out.push(changesMarkdown(v, max), '');

  const causes = v.findings.filter((f) => !f.symptom);
  if (causes.length) {
    out.push(`## ${e(l.rootCauses)} (${causes.length})`, '');
    for (const f of causes.slice(0, max)) {
      out.push(`### ${markdownCode(f.checkId, false)} ${e(f.title)} — ${e(f.severity)}`, '');
      for (const g of f.groups) {
        out.push(`- ${e(g.status.text)} **${e(g.cause)}** — ${e(l.affectedHosts)} (${g.hostCount}): ${e(g.hosts)}`);
        if (g.next) out.push(`  - ${e(l.nextStep)}: ${e(g.next)}`);
      }
      if (f.symptoms) out.push(`- ${e(l.symptomsOf)}: ${markdownCode(f.symptoms, false)}`);
      out.push('');
    }
    if (causes.length > max) out.push(`_${e(formatLabel(l.seeFullReport, { n: causes.length - max }))}_`, '');
  }
  if (v.problemHosts.length) {
    out.push(`## ${e(l.problemHosts)} (${v.problemHosts.length})`, '');
    // One row per cause: 100 hosts behind one firewall are one line of the ticket.
    const byCause = new Map<string, { hosts: string[]; cause: string; cls: string; next: string }>();
    for (const h of v.problemHosts) {
      const key = `${h.triageClass}\u0000${h.cause}\u0000${h.next}`;
      let g = byCause.get(key);
      if (!g) byCause.set(key, (g = { hosts: [], cause: h.cause, cls: h.triageClass, next: h.next }));
      g.hosts.push(h.host);
    }
    const rows = [...byCause.values()].slice(0, max).map((g) => [`(${g.hosts.length}) ${e(listNames(g.hosts, 10, l))}`, `**${e(g.cause)}** ${markdownCode(g.cls)}`, e(g.next)]);
    out.push(markdownTable([l.hosts, l.hostCause, l.nextStep].map(e), rows), '');
    if (byCause.size > max) out.push(`_${e(formatLabel(l.seeFullReport, { n: byCause.size - max }))}_`, '');
  }
  if (v.notRun) out.push(`**${e(l.notRunHosts)}:** ${e(v.notRun)}`, '');
  if (v.fixed.length) out.push(fixedMarkdown(v, max), '');
  if (v.drift) out.push(`**${e(l.drift)}:** ${v.drift.sections.map((s) => `${e(s.title)} ${s.count}`).join(' · ')}`, '');
  out.push('---', '', `_${e(l.fullDetail)}_`, '');
  return out.join('\n');
}
