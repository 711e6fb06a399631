/** Findings (failing and undecided checks), remediations, waivers and skipped checks. */
import { SEVERITIES } from '../model/playbook.js';
import type { CheckResult, Evidence, RemediationResult, RunReport } from '../model/result.js';
import type { HostResults } from '../model/events.js';
import { TRIAGE_CAUSE } from '../model/triage.js';
import { findingsOf, rootsOfHost, rootsOfReport } from './view-causes.js';
import { formatLabel, type Labels } from './labels.js';
import { fieldText, toOneLine, toVisibleText, truncateText } from './sanitize.js';
import { formatDurationMs, listNames, remediationCls, remediationWord, hostVerdict, severityWord, statusView, textOf } from './view-format.js';
import { columnsOf } from './view-matrix.js';
import type { ConditionView, EvidenceView, FindingGroupView, FindingView, FixedView, FixFirstView, RemediationView, SkippedView, ViewLimits, WaiverView } from './view-types.js';

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
  // Undecided: never an empty next step; the evidence below says what could not be read.
  if (c.status === 'error' && c.reason) return { id: '', cause: textOf(c.reason, lang), next: l.nextUndecided };
  const failed = c.conditions.filter((x) => !x.holds).map((x) => textOf(x.message, lang) || toOneLine(x.description));
  return { id: '', cause: failed.length ? failed.join('; ') : l.noDiagnosis, next: '' };
}

/** Failing/undecided checks, root causes first: cause cards by what they explain, then severity, each followed by the
 * cards of its symptoms (see view-causes.ts); per check, hosts grouped by diagnosis; evidence for
 * the first `evidencePerCheck` hosts (fails before errors). */
export function buildFindings(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits, results?: HostResults): FindingView[] {
  const roots = rootsOfReport(report);
  const byCheck = new Map<string, Array<{ host: string; result: CheckResult; root: string }>>();
  for (const h of report.hosts)
    for (const c of findingsOf(h)) {
      let list = byCheck.get(c.checkId);
      if (!list) byCheck.set(c.checkId, (list = []));
      list.push({ host: h.host, result: c, root: roots.get(h.host)?.get(c.checkId) ?? c.checkId });
    }
  const order = columnsOf(report).map((c) => c.id);
  const findings: Array<FindingView & { rank: number; primaryCause?: string }> = [];
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
      // A summary has no evidence: read this one host's full result.
      const evidence = (results?.read(host)?.checks.find((x) => x.checkId === checkId) ?? result).evidence;
      return {
        host: toOneLine(host),
        status: statusView(result.status, l),
        cause: c.cause,
        next: c.next,
        conditions: conditionViews(result, lang, l),
        evidence: evidence.map((e) => evidenceView(e, l, limits)),
      };
    });
    // A symptom card: on no host is this check its own root. Its primary cause is the root it
    // has on most hosts.
    const isCause = items.some((i) => i.root === checkId);
    const rootCounts = new Map<string, number>();
    for (const i of items) if (i.root !== checkId) rootCounts.set(i.root, (rootCounts.get(i.root) ?? 0) + 1);
    const primaryCause = isCause ? undefined : [...rootCounts.entries()].sort((a, b) => b[1] - a[1] || order.indexOf(a[0]) - order.indexOf(b[0]))[0][0];
    const sev = SEVERITIES.includes(first.severity) ? first.severity : 'info';
    findings.push({
      rank: SEVERITIES.indexOf(sev),
      primaryCause,
      checkId: toOneLine(checkId),
      title: toOneLine(textOf(first.title, lang)),
      severity: severityWord(sev, l),
      severityCls: `sev-${sev}`,
      symptom: !isCause,
      causedBy: primaryCause ? formatLabel(l.causedBy, { id: toOneLine(primaryCause) }) : '',
      symptoms: '',
      failCount: items.filter((i) => i.result.status === 'fail').length,
      errorCount: items.filter((i) => i.result.status === 'error').length,
      groups: [...groups.values()]
        .sort((a, b) => b.names.length - a.names.length)
        .map(({ names, ...g }) => ({ ...g, hostCount: names.length, hosts: listNames(names, limits.namesPerList, l) })),
      samples,
      capNote: items.length > limits.evidencePerCheck ? formatLabel(l.evidenceCap, { n: limits.evidencePerCheck }) : '',
    });
  }
  const byRank = (a: (typeof findings)[number], b: (typeof findings)[number]) => b.rank - a.rank || b.failCount - a.failCount || order.indexOf(a.checkId) - order.indexOf(b.checkId);
  // Causes are ranked by what they explain: the findings (host × check) whose root they are. A
  // DNS fault behind five symptoms comes before an egress check failing on its own.
  const explains = new Map<string, number>();
  for (const items of byCheck.values()) for (const i of items) explains.set(i.root, (explains.get(i.root) ?? 0) + 1);
  const causes = findings.filter((f) => !f.primaryCause).sort((a, b) => (explains.get(b.checkId) ?? 0) - (explains.get(a.checkId) ?? 0) || byRank(a, b));
  const out: typeof findings = [];
  for (const cause of causes) {
    const symptoms = findings.filter((f) => f.primaryCause === cause.checkId).sort(byRank);
    cause.symptoms = symptoms.map((f) => f.checkId).join(', ');
    out.push(cause, ...symptoms);
  }
  return out.map(({ rank: _rank, primaryCause: _p, ...f }) => f);
}

/** Per host, what to fix first: its root causes (cause, next step), then the symptoms that
 * should clear once they are fixed; an unreachable or errored host is one entry of its own. */
export function buildFixFirst(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): FixFirstView[] {
  const out: FixFirstView[] = [];
  for (const h of [...report.hosts].sort((a, b) => a.host.localeCompare(b.host))) {
    if (h.status !== 'ok') {
      const t = h.triage;
      out.push({
        host: toOneLine(h.host),
        status: statusView(h.status, l),
        first: [{ checkId: '', title: t ? textOf(TRIAGE_CAUSE[t.class] ?? t.class, lang) : statusView(h.status, l).text, cause: toOneLine(t?.message ?? ''), next: textOf(t?.next, lang) }],
        then: '',
      });
      continue;
    }
    const found = findingsOf(h);
    if (found.length === 0) continue;
    const roots = rootsOfHost(h, report);
    const explains = (id: string) => [...roots.values()].filter((r) => r === id).length;
    const first = found
      .filter((c) => roots.get(c.checkId) === c.checkId)
      .sort((a, b) => explains(b.checkId) - explains(a.checkId) || SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))
      .map((c) => ({ checkId: toOneLine(c.checkId), title: toOneLine(textOf(c.title, lang)), ...causeOf(c, lang, l) }));
    const then = found.filter((c) => roots.get(c.checkId) !== c.checkId).map((c) => toOneLine(c.checkId));
    out.push({ host: toOneLine(h.host), status: hostVerdict(h, l), first, then: then.join(', ') });
    if (out.length >= limits.rows) break;
  }
  return out;
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
    status: { text: remediationWord(r.status, l), cls: remediationCls(r.status) },
    reason: textOf(r.reason, lang),
    commands: r.commands.map((c) => ({
      phase: ({ capture: l.phaseCapture, apply: l.phaseApply, rollback: l.phaseRollback } as Record<string, string>)[c.phase] ?? toOneLine(c.phase),
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

/** Checks fixed in this run, with what was observed before and what the verification saw after. */
export function buildFixed(report: RunReport, lang: Lang, l: Labels, limits: ViewLimits): FixedView[] {
  const all = report.hosts.flatMap((h) => h.checks.filter((c) => c.status === 'fixed').map((c) => ({ host: h.host, c })));
  return all.slice(0, limits.rows).map(({ host, c }) => ({
    host: toOneLine(host),
    checkId: toOneLine(c.checkId),
    title: toOneLine(textOf(c.title, lang)),
    before: causeOf({ ...c, status: 'fail' }, lang, l).cause,
    after: (c.fixed?.after ?? []).map((x) => `${x.holds ? '✓' : '✗'} ${toOneLine(x.description)}${x.actual === undefined ? '' : ` (${toOneLine(x.actual)})`}`).join('; '),
    by: formatLabel(l.fixedBy, { id: toOneLine(c.fixed?.remediationId ?? '?'), at: toOneLine(c.fixed?.verifiedAt ?? '?') }),
  }));
}
