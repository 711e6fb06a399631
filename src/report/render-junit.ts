/** junit.xml: one <testsuite> per host, one <testcase> per check, for CI dashboards. */
import type { CheckResult, HostResult, RunReport } from '../model/result.js';
import { labelsFor } from './labels.js';
import { escapeXml, toOneLine } from './sanitize.js';
import { textOf } from './view-format.js';
import type { RenderOptions } from './view-types.js';

type Lang = 'en' | 'ja';

const seconds = (ms: number) => (Number.isFinite(ms) ? (Math.max(0, ms) / 1000).toFixed(3) : '0');
const attr = (text: string) => escapeXml(toOneLine(text));

function detailOf(c: CheckResult, lang: Lang): string {
  const lines: string[] = [];
  if (c.diagnosis) {
    lines.push(`cause: ${textOf(c.diagnosis.cause, lang)}`);
    if (c.diagnosis.next) lines.push(`next: ${textOf(c.diagnosis.next, lang)}`);
  }
  if (c.reason) lines.push(`reason: ${textOf(c.reason, lang)}`);
  for (const cond of c.conditions) {
    if (!cond.holds) lines.push(`condition not met: ${cond.description}${cond.actual === undefined ? '' : ` (actual: ${cond.actual})`}`);
  }
  for (const e of c.evidence) {
    lines.push('', `$ ${e.command}   [${e.level}, exit ${e.exitCode ?? '-'}, ${e.durationMs} ms${e.truncated ? ', truncated' : ''}]`, e.output);
  }
  return escapeXml(lines.join('\n'));
}

function messageOf(c: CheckResult, lang: Lang): string {
  if (c.diagnosis) return textOf(c.diagnosis.cause, lang);
  if (c.reason) return textOf(c.reason, lang);
  const failed = c.conditions.filter((x) => !x.holds).map((x) => textOf(x.message, lang) || x.description);
  return failed.join('; ') || c.status;
}

function testcase(host: string, c: CheckResult, lang: Lang): string {
  // name is the check id and classname the host: never the command (it can hold arguments).
  const open = `    <testcase name="${attr(c.checkId)}" classname="${attr(host)}" time="${seconds(c.durationMs)}"`;
  switch (c.status) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return `${open}>\n      <failure message="${attr(messageOf(c, lang))}" type="${attr(c.diagnosis?.id ?? c.severity)}">${detailOf(c, lang)}</failure>\n    </testcase>`;
    case 'fixed': {
      // Not a failure: the device is compliant at the end of the run. What was observed before
      // and the verification after stay readable in system-out.
      const before = messageOf({ ...c, status: 'fail' }, lang);
      const out = escapeXml(`fixed by remediation ${c.fixed?.remediationId ?? '?'} (verified ${c.fixed?.verifiedAt ?? '?'})\nobserved before: ${before}\nverified after: ${(c.fixed?.after ?? []).map((x) => `${x.holds ? '✓' : '✗'} ${x.description}`).join('; ')}`);
      return `${open}>\n      <system-out>${out}</system-out>\n    </testcase>`;
    }
    case 'error':
      return `${open}>\n      <error message="${attr(messageOf(c, lang))}" type="undecided">${detailOf(c, lang)}</error>\n    </testcase>`;
    case 'waived': {
      const w = c.waiver;
      const msg = `waived: ${w?.justification ?? textOf(c.reason, lang)}${w?.expires ? ` (expires ${w.expires})` : ''}${w?.approver ? ` (approved by ${w.approver})` : ''}`;
      return `${open}>\n      <skipped message="${attr(msg)}" type="waived"/>\n    </testcase>`;
    }
    default:
      return `${open}>\n      <skipped message="${attr(textOf(c.reason, lang) || 'skipped')}" type="skipped"/>\n    </testcase>`;
  }
}

function hostCase(h: HostResult, lang: Lang): string | undefined {
  if (h.status === 'ok') return undefined;
  // An unreachable host is one failing "connect" test, never an empty (green) suite.
  const name = h.status === 'unreachable' ? 'connect' : 'host';
  const t = h.triage;
  const body = escapeXml([t?.message ?? '', t?.next ? `next: ${textOf(t.next, lang)}` : ''].filter(Boolean).join('\n'));
  return `    <testcase name="${name}" classname="${attr(h.host)}" time="${seconds(h.durationMs)}">\n      <error message="${attr(t?.message ?? h.status)}" type="${attr(t?.class ?? h.status)}">${body}</error>\n    </testcase>`;
}

/** What a host adds to the totals of <testsuites>. */
function suiteCounts(h: HostResult): { tests: number; failures: number; errors: number; skipped: number } {
  const extra = h.status === 'ok' ? 0 : 1;
  const count = (...statuses: string[]) => h.checks.filter((c) => statuses.includes(c.status)).length;
  return { tests: h.checks.length + extra, failures: count('fail'), errors: count('error') + extra, skipped: count('skipped', 'waived') };
}

function suite(h: HostResult, lang: Lang): string {
  const cases = h.checks.map((c) => testcase(h.host, c, lang));
  const extra = hostCase(h, lang);
  if (extra) cases.unshift(extra);
  const n = suiteCounts(h);
  const props = h.facts
    ? `    <properties>\n${Object.entries(h.facts)
        .map(([k, v]) => `      <property name="${attr(k)}" value="${attr(String(v))}"/>`)
        .join('\n')}\n    </properties>\n`
    : '';
  return `  <testsuite name="${attr(h.host)}" hostname="${attr(h.address || h.host)}" tests="${n.tests}" failures="${n.failures}" errors="${n.errors}" skipped="${n.skipped}" time="${seconds(h.durationMs)}" timestamp="${attr(h.startedAt)}">\n${props}${cases.join('\n')}\n  </testsuite>`;
}

/** junit.xml in pieces, one host at a time: the totals come from the summaries, the evidence
 * of a failing check from that host's full result (`opts.results`). Validates against the
 * Jenkins xUnit junit-10.xsd. */
export function* renderJunitChunks(report: RunReport, opts: RenderOptions): Generator<string> {
  const lang = opts.lang;
  const total = { tests: report.notRun.length, failures: 0, errors: 0 };
  for (const h of report.hosts) {
    const n = suiteCounts(h);
    total.tests += n.tests;
    total.failures += n.failures;
    total.errors += n.errors;
  }
  const names = report.meta.playbooks.map((p) => p.name).join(', ') || 'firebook';
  const time = seconds(report.meta.durationMs ?? 0);
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${attr(`firebook: ${names}`)}" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}" time="${time}">`;
  for (const h of report.hosts) {
    // Only a failing or undecided check prints evidence: other hosts need no read.
    const full = h.checks.some((c) => c.status === 'fail' || c.status === 'error') ? (opts.results?.read(h.host) ?? h) : h;
    yield `\n${suite(full, lang)}`;
  }
  const notRunMsg = labelsFor(lang).hostNotRun;
  for (const host of report.notRun) {
    yield `\n  <testsuite name="${attr(host)}" tests="1" failures="0" errors="0" skipped="1" time="0">\n    <testcase name="run" classname="${attr(host)}" time="0">\n      <skipped message="${attr(`${notRunMsg} (interrupted)`)}" type="not-run"/>\n    </testcase>\n  </testsuite>`;
  }
  yield `\n</testsuites>\n`;
}

/** Renders junit.xml as one string. */
export function renderJunit(report: RunReport, opts: RenderOptions): string {
  return [...renderJunitChunks(report, opts)].join('');
}
