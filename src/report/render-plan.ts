/**
 * plan.md and plan.html: the change ticket's view of a plan — what changes where, before →
 * after, how it is verified, how it is undone — and the apply report's change section.
 * Every value is escaped (device output reaches `before`).
 */
import { valuesLine as valuesText, type PlanDocument } from '../model/change.js';
import { localize } from '../model/playbook.js';
import { escapeMarkdown as e, markdownCode } from './render-markdown.js';
import { toVisibleText } from './sanitize.js';


/** One plan step as rows of text (shared by the Markdown and HTML forms). */
interface PlanRow {
  host: string;
  haGroup: string;
  remediation: string;
  before: string;
  apply: string[];
  verify: string;
  rollback: string[];
}

function planRows(doc: PlanDocument): PlanRow[] {
  return doc.hosts.flatMap((h) =>
    h.steps.map((s) => ({
      host: h.host,
      haGroup: h.haGroup ?? '',
      remediation: `${s.remediationId}: ${localize(s.title)} (for ${s.forCheck})`,
      before: valuesText(s.before),
      apply: s.apply.map((c) => `${c.level}> ${c.command}`),
      verify: s.verify.join(', ') + (s.waitS ? ` after ${s.waitS}s` : ''),
      rollback: s.rollback.map((c) => `${c.level}> ${c.command}`),
    })),
  );
}

function planHeader(doc: PlanDocument, sha256: string): string[] {
  const steps = doc.hosts.reduce((n, h) => n + h.steps.length, 0);
  return [
    `Plan sha256: ${sha256} (approvers sign these bytes; apply --expect-sha256 ${sha256} refuses any other plan).`,
    `Made by ${doc.createdBy} at ${doc.createdAt} with firebook ${doc.tool.version}; expires ${doc.expiresAt}.`,
    `${steps} change(s) on ${doc.hosts.length} host(s); ${doc.notPlanned.length} host(s) left as they are.`,
    `Command: firebook ${doc.argv.join(' ')}`,
  ];
}

/** plan.md. */
export function renderPlanMarkdown(doc: PlanDocument, sha256: string): string {
  const out = ['# Change plan', '', ...planHeader(doc, sha256).map((l) => e(l) + '  '), ''];
  out.push('## What changes where', '', '| host | HA group | remediation | before | apply | verified by | undone by |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of planRows(doc)) {
    const code = (list: string[]) => list.map((c) => markdownCode(c)).join('<br>');
    out.push(`| ${e(r.host)} | ${e(r.haGroup)} | ${e(r.remediation)} | ${markdownCode(r.before)} | ${code(r.apply)} | ${e(r.verify)} | ${r.rollback.length ? code(r.rollback) : 'no rollback defined'} |`);
  }
  if (doc.notPlanned.length) {
    out.push('', '## Left as they are', '', '| host | why |', '| --- | --- |');
    for (const n of doc.notPlanned) out.push(`| ${e(n.host)} | ${e(n.reason)} |`);
  }
  out.push('', '## Inputs (sha256)', '', '| file | role | sha256 |', '| --- | --- | --- |');
  for (const f of doc.files) out.push(`| ${e(f.path)} | ${f.role} | ${markdownCode(f.sha256)} |`);
  out.push('', `Approve: \`firebook approve plan.json --key ~/.ssh/id_ed25519\`. Apply exactly this plan: \`firebook apply plan.json --allowed-signers FILE --expect-sha256 ${sha256} --ticket ID\`. It is refused if a signature does not verify, any file above changed or the plan expired; a host whose before values changed since is reported as drifted and not touched.`, '');
  return out.join('\n');
}

const html = (s: string) => toVisibleText(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** plan.html: the same as plan.md, one self-contained page. */
export function renderPlanHtml(doc: PlanDocument, sha256: string): string {
  const cell = (s: string) => `<td>${html(s)}</td>`;
  const codes = (list: string[]) => `<td>${list.map((c) => `<code>${html(c)}</code>`).join('<br>') || 'no rollback defined'}</td>`;
  const rows = planRows(doc).map((r) => `<tr>${cell(r.host)}${cell(r.haGroup)}${cell(r.remediation)}<td><code>${html(r.before)}</code></td>${codes(r.apply)}${cell(r.verify)}${codes(r.rollback)}</tr>`);
  const left = doc.notPlanned.map((n) => `<tr>${cell(n.host)}${cell(n.reason)}</tr>`);
  const files = doc.files.map((f) => `<tr>${cell(f.path)}${cell(f.role)}<td><code>${html(f.sha256)}</code></td></tr>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Change plan</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:1rem;max-width:100%}table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top;text-align:left}code{word-break:break-all}</style></head>
<body><h1>Change plan</h1>
${planHeader(doc, sha256).map((l) => `<p>${html(l)}</p>`).join('\n')}
<h2>What changes where</h2>
<table><thead><tr><th>host</th><th>HA group</th><th>remediation</th><th>before</th><th>apply</th><th>verified by</th><th>undone by</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
${left.length ? `<h2>Left as they are</h2><table><thead><tr><th>host</th><th>why</th></tr></thead><tbody>${left.join('\n')}</tbody></table>` : ''}
<h2>Inputs (sha256)</h2>
<table><thead><tr><th>file</th><th>role</th><th>sha256</th></tr></thead><tbody>${files.join('\n')}</tbody></table>
</body></html>
`;
}
