/** Findings (failing and undecided checks), remediations, waivers and skipped checks. */
import { SEVERITIES } from '../model/playbook.js';
import type { CheckResult, Evidence, RemediationResult, RunReport } from '../model/result.js';
import { formatLabel, type Labels } from './labels.js';
import { toOneLine, toVisibleText, truncateText } from './sanitize.js';
import { fieldText, formatDurationMs, listNames, remediationCls, statusView, textOf } from './view-format.js';
import { columnsOf } from './view-matrix.js';
import type { ViewLimits } from './view-model.js';
import type { ConditionView, EvidenceView, FindingGroupView, FindingView, RemediationView, SkippedView, WaiverView } from './view-types.js';

type Lang = 'en' | 'ja';

/** One command's evidence as printed. */
export function evidenceView(e: Evidence, l: Labels, limits: ViewLimits): EvidenceView {
  const flags: string[] = [];
  if (e.truncated) flags.push(l.truncated);
  if (e.timedOut) flags.push(l.timedOut);
  if (e.parseError) flags.push(`${l.parseError}: ${toOneLine(e.parseError)}`);
  const output = toVisibleText(e.output);
  return {
    title: toOneLine(e.item === undefined ? e.step : `${e.step} [${e.item}]`),
    level: toOneLine(e.level),
    command: toVisibleText(e.command),
    output: output === '' ? l.noOutput : truncateText(output, limits.outputChars),
    // CLISH has no exit code (null); say so rather than print 0.
    exitCode: e.exitCode === null ? '—' : String(e.exitCode),
    duration: formatDurationMs(e.durationMs),
    flags,
  };
}

function conditionViews(c: CheckResult, lang: Lang, l: Labels): ConditionView[] {
  return c.conditions.map((cond) => ({
    description: toOneLine(cond.description),
    holds: cond.holds,
    mark: cond.undecidable ? `? ${l.error}` : cond.holds ? `✓ ${l.pass}` : `✗ ${l.fail}`,
    actual: cond.actual === undefined ? '' : toOneLine(cond.actual),
    message: cond.holds ? '' : textOf(cond.message, lang),
  }));
}

/** The cause/next printed first for a failing or undecided result. */
function causeOf(c: CheckResult, lang: Lang, l: Labels): { id: string; cause: string; next: string } {
  if (c.diagnosis) return { id: toOneLine(c.diagnosis.id ?? ''), cause: textOf(c.diagnosis.cause, lang), next: textOf(c.diagnosis.next, lang) };
  if (c.status === 'error' && c.reason) return { id: '', cause: textOf(c.reason, lang), next: '' };
  const failed = c.conditions.filter((x) => !x.holds).map((x) => textOf(x.message, lang) || toOneLine(x.description));
  return { id: '', cause: failed.length ? failed.join('; ') : l.noDiagnosis, next: '' };
}

/** Failing/undecided checks, most severe first; per check, hosts grouped by diagnosis;
 * evidence for the first `evidencePerCheck` hosts (fails before errors). */
export function buildFindings(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): FindingView[] {
  const byCheck = new Map<string, Array<{ host: string; result: CheckResult }>>();
  for (const h of report.hosts)
    for (const c of h.checks)
      if (c.status === 'fail' || c.status === 'error') {
        let list = byCheck.get(c.checkId);
        if (!list) byCheck.set(c.checkId, (list = []));
        list.push({ host: h.host, result: c });
      }
  const order = columnsOf(report).map((c) => c.id);
  const findings: Array<FindingView & { rank: number }> = [];
  for (const [checkId, items] of byCheck) {
    items.sort((a, b) => (a.result.status === b.result.status ? a.host.localeCompare(b.host) : a.result.status === 'fail' ? -1 : 1));
    const first = items[0].result;
    const groups = new Map<string, FindingGroupView & { names: string[] }>();
    for (const { host, result } of items) {
      const c = causeOf(result, lang, l);
      const key = `${result.status}\u0000${c.id}\u0000${c.cause}\u0000${c.next}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { status: statusView(result.status, l), diagnosisId: c.id, cause: c.cause, next: c.next, hostCount: 0, hosts: '', names: [] }));
      g.names.push(host);
    }
    const samples = items.slice(0, limits.evidencePerCheck).map(({ host, result }) => {
      const c = causeOf(result, lang, l);
      return {
        host: toOneLine(host),
        status: statusView(result.status, l),
        cause: c.cause,
        next: c.next,
        conditions: conditionViews(result, lang, l),
        evidence: result.evidence.map((e) => evidenceView(e, l, limits)),
      };
    });
    const sev = SEVERITIES.includes(first.severity) ? first.severity : 'info';
    findings.push({
      rank: SEVERITIES.indexOf(sev),
      checkId: toOneLine(checkId),
      title: toOneLine(textOf(first.title, lang)),
      severity: toOneLine(sev),
      severityCls: `sev-${sev}`,
      failCount: items.filter((i) => i.result.status === 'fail').length,
      errorCount: items.filter((i) => i.result.status === 'error').length,
      groups: [...groups.values()]
        .sort((a, b) => b.names.length - a.names.length)
        .map(({ names, ...g }) => ({ ...g, hostCount: names.length, hosts: listNames(names, limits.namesPerList, l) })),
      samples,
      capNote: items.length > limits.evidencePerCheck ? formatLabel(l.evidenceCap, { n: limits.evidencePerCheck }) : '',
    });
  }
  findings.sort((a, b) => b.rank - a.rank || b.failCount - a.failCount || order.indexOf(a.checkId) - order.indexOf(b.checkId));
  return findings.map(({ rank: _rank, ...f }) => f);
}

function changesOf(r: RemediationResult): RemediationView['changes'] {
  const keys: string[] = [];
  const add = (src?: Record<string, Record<string, unknown>>) => {
    for (const [step, fields] of Object.entries(src ?? {}))
      for (const f of Object.keys(fields)) if (!keys.includes(`${step}.${f}`)) keys.push(`${step}.${f}`);
  };
  add(r.before);
  add(r.after);
  return keys.map((k) => {
    const [step, ...rest] = k.split('.');
    const field = rest.join('.');
    const before = fieldText(r.before?.[step]?.[field]);
    const after = fieldText(r.after?.[step]?.[field]);
    return { field: toOneLine(k), before, after, changed: before !== after };
  });
}

/** Remediations of every host, as planned or applied, capped at `rows`. */
export function buildRemediations(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): { rows: RemediationView[]; note: string } {
  const all = report.hosts.flatMap((h) => h.remediations.map((r) => ({ host: h.host, r })));
  const rows = all.slice(0, limits.rows).map(({ host, r }) => ({
    host: toOneLine(host),
    id: toOneLine(r.remediationId),
    title: toOneLine(textOf(r.title, lang)),
    forCheck: toOneLine(r.forCheck),
    status: { text: toOneLine(r.status === 'planned' ? l.remediationPlanned : r.status), cls: remediationCls(r.status) },
    reason: textOf(r.reason, lang),
    commands: r.commands.map((c) => ({
      phase: c.phase,
      level: toOneLine(c.level),
      command: toVisibleText(c.command),
      result: c.ok === undefined ? '' : c.ok ? `✓ ${l.ok}` : `✗ ${l.failed}`,
      output: c.output === undefined ? '' : truncateText(toVisibleText(c.output), limits.outputChars),
    })),
    changes: changesOf(r),
    verification: (r.verification ?? []).map((v) => statusView(v.status, l)),
    verificationText: (r.verification ?? []).map((v) => `${toOneLine(v.checkId)}: ${statusView(v.status, l).text}`).join(', '),
  }));
  return { rows, note: all.length > limits.rows ? formatLabel(l.seeFullReport, { n: all.length - limits.rows }) : '' };
}

/** Waived results with justification and expiry; an expiry before the run is flagged. */
export function buildWaivers(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): { rows: WaiverView[]; note: string } {
  const runAt = Date.parse(report.meta.startedAt);
  const all = report.hosts.flatMap((h) => h.checks.filter((c) => c.status === 'waived').map((c) => ({ host: h.host, c })));
  const rows = all.slice(0, limits.rows).map(({ host, c }) => ({
    host: toOneLine(host),
    checkId: toOneLine(c.checkId),
    title: toOneLine(textOf(c.title, lang)),
    justification: toOneLine(c.waiver?.justification ?? textOf(c.reason, lang)),
    approver: toOneLine(c.waiver?.approver ?? ''),
    expires: toOneLine(c.waiver?.expires ?? ''),
    expired: !!c.waiver?.expires && Date.parse(c.waiver.expires) < runAt,
  }));
  return { rows, note: all.length > limits.rows ? formatLabel(l.seeFullReport, { n: all.length - limits.rows }) : '' };
}

/** Skipped checks grouped by reason (one reason usually covers several checks, e.g. "release
 * later than 7.1"), with the checks and hosts it applied to. */
export function buildSkipped(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): SkippedView[] {
  const groups = new Map<string, { reason: string; checks: string[]; hosts: string[]; count: number }>();
  for (const h of report.hosts)
    for (const c of h.checks)
      if (c.status === 'skipped') {
        const reason = toOneLine(textOf(c.reason, lang));
        let g = groups.get(reason);
        if (!g) groups.set(reason, (g = { reason, checks: [], hosts: [], count: 0 }));
        g.count += 1;
        if (!g.checks.includes(c.checkId)) g.checks.push(c.checkId);
        if (g.hosts[g.hosts.length - 1] !== h.host) g.hosts.push(h.host);
      }
  return [...groups.values()].map((g) => ({
    checkId: g.checks.map(toOneLine).join(', '),
    reason: g.reason,
    count: g.count,
    hosts: listNames(g.hosts, limits.namesPerList, l),
  }));
}
