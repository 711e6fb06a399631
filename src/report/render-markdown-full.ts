/** report.full.md (`--format md-full`): the same content as the HTML report in GitHub-flavoured
 * Markdown, bounded in size, pointing to report.html/json for the rest. The ticket-sized
 * summary is report.md (render-markdown.ts). */
import type { RunReport } from '../model/result.js';
import { formatLabel } from './labels.js';
import { buildReportView, DEFAULT_LIMITS } from './view-model.js';
import type { EvidenceView, ReportView, RenderOptions } from './view-types.js';
import { listNames } from './view-format.js';
import { changesMarkdown, escapeMarkdown, fixedMarkdown, markdownCode, markdownFence, markdownTable as table, MARKDOWN_MAX_ITEMS } from './render-markdown.js';

const e = escapeMarkdown;

function evidenceBlock(ev: EvidenceView, v: ReportView): string {
  const flags = ev.flags.length ? ` — ${ev.flags.map(e).join(', ')}` : '';
  return `**${e(v.l.evidence)}** ${e(ev.title)} (${e(v.l.level)} ${e(ev.level)}, exit ${e(ev.exitCode)}, ${e(ev.duration)})${flags}: ${markdownCode(ev.command, false)}\n\n${markdownFence(ev.output)}`;
}

/** Renders report.full.md. */
export function renderMarkdownFull(report: RunReport, opts: RenderOptions): string {
  const v = buildReportView(report, opts, { ...DEFAULT_LIMITS, evidencePerCheck: 5, passingRows: 0, rows: MARKDOWN_MAX_ITEMS, outputChars: 4000 });
  const l = v.l;
  const out: string[] = [`# ${e(v.title)}`, ''];
  let budget = MARKDOWN_MAX_ITEMS;
  let cut = 0;
  const take = <T>(items: T[]): T[] => {
    const n = Math.max(0, Math.min(items.length, budget));
    budget -= n;
    cut += items.length - n;
    return items.slice(0, n);
  };
  if (v.incomplete) out.push(`> **${e(l.incomplete)}**`, '');
  if (v.hostKeyOff) out.push(`> **${e(l.hostKeyOff)}**`, '');
  out.push(`**${e(v.verdictLine)}**`, '');
  if (v.changes.length) out.push(changesMarkdown(v), '');
  const playbooks = v.playbooks.map((p) => `${e(p.name)} ${markdownCode(p.path)} sha256 ${markdownCode(p.sha256)}`).join('<br>');
  out.push(table(['', ''], [[`**${e(l.playbooks)}**`, playbooks], ...v.header.map((h) => [`**${e(h.label)}**`, h.loud ? `**${e(h.value)}**` : e(h.value)])]), '');

  out.push(`## ${e(l.executiveSummary)}`, '', `**${e(l.compliance)}: ${e(v.compliance)}** (${e(l.complianceHint)}) — ${e(v.verdict.text)} — ${e(v.exitLine)}`, '');
  out.push(table(v.checkTiles.map((t) => e(t.label)), [v.checkTiles.map((t) => String(t.count))]), '');
  out.push(table(v.hostTiles.map((t) => e(t.label)), [v.hostTiles.map((t) => String(t.count))]), '');
  out.push(`${e(l.failuresBySeverity)}: ${v.chart.bars.map((b) => `${e(b.label)} ${b.count}`).join(' · ')}`, '');

  if (v.problemHosts.length) {
    out.push(`## ${e(l.problemHosts)} (${v.problemHosts.length})`, '');
    const rows = take(v.problemHosts).map((h) => [e(h.host), e(h.address), e(h.status.text), `**${e(h.cause)}** ${markdownCode(h.triageClass)}`, e(h.message), e(h.next)]);
    out.push(table([l.host, l.address, l.status, l.hostCause, l.detail, l.nextStep].map(e), rows), '');
  }
  if (v.notRun) out.push(`## ${e(l.notRunHosts)}`, '', e(v.notRun), '');

  if (v.findings.length) {
    out.push(`## ${e(l.findings)} (${v.findings.length})`, '');
    for (const f of v.findings) {
      out.push(`### [${e(f.severity.toUpperCase())}] ${markdownCode(f.checkId, false)} ${e(f.title)}`, '');
      if (f.causedBy) out.push(`↳ _${e(f.causedBy)}_`, '');
      if (f.symptoms) out.push(`${e(l.symptomsOf)}: ${markdownCode(f.symptoms, false)}`, '');
      out.push(`${e(l.fail)}: ${f.failCount} · ${e(l.error)}: ${f.errorCount}`, '');
      out.push(table([l.status, l.cause, l.nextStep, l.affectedHosts].map(e), f.groups.map((g) => [e(g.status.text), `**${e(g.cause)}**${g.diagnosisId ? ` ${markdownCode(g.diagnosisId)}` : ''}`, e(g.next), `**${g.hostCount}**: ${e(g.hosts)}`])), '');
      const samples = take(f.samples);
      for (const s of samples) {
        out.push(`#### ${e(s.host)} — ${e(s.status.text)}`, '', `**${e(l.cause)}:** ${e(s.cause)}`, '');
        if (s.next) out.push(`**${e(l.nextStep)}:** ${e(s.next)}`, '');
        if (s.conditions.length) out.push(s.conditions.map((c) => `- ${e(c.mark)} ${markdownCode(c.description, false)}${c.actual ? ` — ${e(l.actual)}: ${markdownCode(c.actual, false)}` : ''}${c.message ? ` — ${e(c.message)}` : ''}`).join('\n'), '');
        for (const ev of s.evidence) out.push(evidenceBlock(ev, v), '');
      }
      if (f.capNote || samples.length < f.samples.length) out.push(`_${e(f.capNote || formatLabel(l.seeFullReport, { n: f.samples.length - samples.length }))}_`, '');
    }
  }

  if (v.fixed.length) out.push(fixedMarkdown(v), '');

  if (v.remediations.length) {
    out.push(`## ${e(l.remediations)} (${v.remediations.length})`, '');
    for (const r of take(v.remediations)) {
      out.push(`### ${e(r.host)} — ${markdownCode(r.id, false)} ${e(r.title)} — ${e(r.status.text)}`, '', `${e(l.forCheck)}: ${markdownCode(r.forCheck, false)}${r.reason ? ` — ${e(r.reason)}` : ''}`, '');
      if (r.commands.length) out.push(table([l.phase, l.level, l.command, l.result].map(e), r.commands.map((c) => [e(c.phase), e(c.level), markdownCode(c.command), e(c.result)])), '');
      if (r.changes.length) out.push(table([l.field, l.before, l.after].map(e), r.changes.map((c) => [markdownCode(c.field), markdownCode(c.before), c.changed ? `**${markdownCode(c.after)}**` : markdownCode(c.after)])), '');
      if (r.verificationText) out.push(`${e(l.verification)}: ${e(r.verificationText)}`, '');
    }
    if (v.remediationNote) out.push(`_${e(v.remediationNote)}_`, '');
  }

  out.push(`## ${e(l.matrix)}`, '');
  for (const g of v.matrix.groups) {
    out.push(`**${e(g.title)} (${g.count})**`, '');
    const rows = take(g.rows).map((r) => [e(r.host), e(r.hostStatus.text), ...r.cells.map((c) => e(c.text))]);
    if (rows.length) out.push(table([l.host, l.status, ...v.matrix.columns.map((c) => c.id)].map(e), rows), '');
    if (g.rows.length === 0 && g.collapsedHosts) out.push(e(listNames(g.collapsedHosts.split(', '), 40, l)), '');
    else if (g.rows.length > rows.length || g.collapsedNote) out.push(`_${e(formatLabel(l.seeFullReport, { n: g.count - rows.length }))}_`, '');
  }

  if (v.waivers.length) {
    out.push(`## ${e(l.waivers)} (${v.waivers.length})`, '');
    const rows = take(v.waivers).map((w) => [e(w.host), `${markdownCode(w.checkId)} ${e(w.title)}`, e(w.justification), e(w.approver), w.expired ? `**${e(w.expires)} — ${e(l.expired)}**` : e(w.expires)]);
    out.push(table([l.host, l.check, l.justification, l.approver, l.expires].map(e), rows), '');
  }
  if (v.skipped.length) {
    out.push(`## ${e(l.skippedChecks)}`, '', table([l.reason, l.checks, l.count, l.hosts].map(e), v.skipped.map((s) => [e(s.reason), e(s.checkId), String(s.count), e(s.hosts)])), '');
  }
  if (v.drift) {
    const d = v.drift;
    out.push(`## ${e(l.drift)}`, '', `${e(l.baseline)}: ${e(d.baselineRun)} (${e(d.baselineStarted)})`, '');
    out.push(table(d.sections.map((s) => e(s.title)), [d.sections.map((s) => String(s.count))]), '');
    for (const s of d.sections) {
      if (!s.count) continue;
      out.push(`**${e(s.title)}**`, '', table([l.host, l.check].map(e), take(s.items).map((i) => [e(i.host), markdownCode(i.checkId)])), '');
    }
    out.push(`**${e(l.hostsAdded)}:** ${e(d.hostsAdded)}`, '', `**${e(l.hostsRemoved)}:** ${e(d.hostsRemoved)}`, '');
  }
  if (cut > 0) out.push('---', '', `**${e(formatLabel(l.seeFullReport, { n: cut }))}**`, '');
  out.push('---', '', `_${e(v.footer)}_`, '');
  return out.join('\n');
}
