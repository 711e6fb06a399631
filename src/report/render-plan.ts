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

/** What to do with the plan (docs/change-window.md "The commands"), for both forms: each
 * approver signs, then apply verifies the signatures and runs exactly these bytes. */
function nextSteps(sha256: string, file: string): { approve: string; apply: string; refused: string } {
  return {
    approve: `firebook approve ${file} --key ~/.ssh/id_ed25519 --expect-sha256 ${sha256}`,
    apply: `firebook apply ${file} --allowed-signers FILE --expect-sha256 ${sha256} --ticket ID [--window START/END]`,
    refused: 'It is refused if a signature does not verify against allowed_signers, the sha256 differs, any file above changed, the plan expired or the window is not open; a host whose before values changed since is reported as drifted and not touched.',
  };
}

/** plan.md. `file`: the plan's file name, as the commands name it. */
export function renderPlanMarkdown(doc: PlanDocument, sha256: string, file = 'plan.json'): string {
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
  const next = nextSteps(sha256, file);
  out.push('', `Approve: ${markdownCode(next.approve, false)}. Apply exactly this plan: ${markdownCode(next.apply, false)}. ${e(next.refused)}`, '');
  return out.join('\n');
}

const html = (s: string) => toVisibleText(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Narrow screens (a phone at 390 px): each table row becomes a card of labelled lines, and a
 * command wraps at its spaces (a long token may break anywhere), so nothing scrolls sideways
 * and no column is squeezed to one character per line. Prose breaks only words that would not
 * fit (so a header never splits); code may break anywhere (so a token never widens the page). */
const PLAN_CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;padding:1rem;max-width:1400px;overflow-wrap:break-word}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .4rem;vertical-align:top;text-align:left}
code{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;overflow-wrap:anywhere}
td code{display:block}td code+code{margin-top:.2rem}.next{border-left:4px solid #2563eb;padding:.4rem .8rem;background:#f1f5ff}
.next code{display:block;margin:.2rem 0 .5rem;padding:.3rem .5rem;background:#fff;border:1px solid #cbd5e1}
@media (max-width:700px){body{padding:.6rem}h1{font-size:1.3rem}
table,tbody,tr,td{display:block;width:100%;box-sizing:border-box}thead{display:none}
tr{border:1px solid #ccc;border-radius:4px;margin:0 0 .6rem}td{border:0;border-top:1px solid #eee}td:first-child{border-top:0;font-weight:600}
td::before{content:attr(data-label);display:block;font-size:11px;font-weight:600;color:#555}}`;

/** plan.html: the same as plan.md, one self-contained page (no script, nothing fetched). */
export function renderPlanHtml(doc: PlanDocument, sha256: string, file = 'plan.json'): string {
  const table = (head: string[], rows: string[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>\n${rows.map((r) => `<tr>${r.map((c, i) => `<td data-label="${html(head[i]!)}">${c}</td>`).join('')}</tr>`).join('\n')}\n</tbody></table>`;
  const codes = (list: string[], none = '') => list.map((c) => `<code>${html(c)}</code>`).join('') || html(none);
  const rows = planRows(doc).map((r) => [html(r.host), html(r.haGroup), html(r.remediation), codes([r.before].filter(Boolean)), codes(r.apply), html(r.verify), codes(r.rollback, 'no rollback defined')]);
  const next = nextSteps(sha256, file);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>Change plan</title>
<style>${PLAN_CSS}</style></head>
<body><h1>Change plan</h1>
${planHeader(doc, sha256).map((l) => `<p>${html(l)}</p>`).join('\n')}
<h2>What changes where</h2>
${table(['host', 'HA group', 'remediation', 'before', 'apply', 'verified by', 'undone by'], rows)}
${doc.notPlanned.length ? `<h2>Left as they are</h2>\n${table(['host', 'why'], doc.notPlanned.map((n) => [html(n.host), html(n.reason)]))}` : ''}
<h2>Inputs (sha256)</h2>
${table(['file', 'role', 'sha256'], doc.files.map((f) => [html(f.path), html(f.role), codes([f.sha256])]))}
<section class="next" aria-label="next steps"><p>Approve (each approver):</p><code>${html(next.approve)}</code><p>Apply exactly this plan:</p><code>${html(next.apply)}</code><p>${html(next.refused)}</p></section>
</body></html>
`;
}
