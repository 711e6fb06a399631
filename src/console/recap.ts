/** The console's final summary: counts, failures grouped per host, unreachable hosts, what was
 * fixed, where the reports are — and the one-line verdict last, so it is what stays on screen.
 * Pure: a report in, lines out (wrapped at word boundaries). */
import { SEVERITIES } from '../model/playbook.js';
import type { CheckResult, RunReport } from '../model/result.js';
import { TRIAGE_CAUSE } from '../model/triage.js';
import { formatLabel, type Labels } from '../report/labels.js';
import { toOneLine } from '../report/sanitize.js';
import { displayWidth } from './text-width.js';
import { findingsOf, rootsOfHost } from '../report/view-causes.js';
import { formatDurationMs, severityWord, textOf, verdictLine } from '../report/view-format.js';
import { changeParts, changeTally } from '../report/view-changes.js';

type Lang = 'en' | 'ja';

/** ANSI colours for the recap; identity functions when colour is off. */
export interface Paint {
  pass(s: string): string;
  fail(s: string): string;
  error(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const ansi = (open: string) => (s: string) => `\x1b[${open}m${s}\x1b[0m`;
/** Colours on, or off (every function returns its input). */
export function paintFor(color: boolean): Paint {
  const id = (s: string) => s;
  if (!color) return { pass: id, fail: id, error: id, dim: id, bold: id };
  return { pass: ansi('32'), fail: ansi('31'), error: ansi('33'), dim: ansi('2'), bold: ansi('1') };
}

/**
 * Colour or not: `NO_COLOR` (non-empty) turns colour off, `FORCE_COLOR` (not `0`/`false`) on,
 * otherwise colour exactly when the output is a terminal (https://no-color.org).
 */
export function useColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** Columns of text that may hold our own colour sequences (they take none). */
const visibleWidth = (s: string) => displayWidth(s.replace(/\x1b\[[0-9;]*m/g, ''));

/** Wraps one line at word boundaries to `width` columns; continuation lines get `indent`. A
 * word longer than the width stays whole on its own line (a path must stay copyable). */
export function wrapWords(line: string, width: number, indent = '    '): string[] {
  if (width <= 0 || visibleWidth(line) <= width) return [line];
  const lead = /^\s*/.exec(line)![0];
  const words = line.slice(lead.length).split(' ');
  const out: string[] = [];
  let cur = lead;
  let curHasWord = false;
  for (const w of words) {
    const candidate = curHasWord ? `${cur} ${w}` : `${cur}${w}`;
    if (curHasWord && visibleWidth(candidate) > width) {
      out.push(cur);
      cur = `${indent}${w}`;
    } else cur = candidate;
    curHasWord = true;
  }
  out.push(cur);
  return out;
}

/** One recap line: the failing/undecided checks of one host that share status, cause and next step. */
interface RecapGroup {
  /** Set when every check of the line is a symptom of this failing check (root cause first). */
  causedBy?: string;
  host: string;
  status: CheckResult['status'];
  checkIds: string[];
  severity: CheckResult['severity'];
  cause: string;
  next: string;
}

/** Groups the failing/undecided checks per host (by name) and (status, cause, next step): a
 * device in lockdown fails every expert-shell check with one identical reason, which would
 * otherwise be printed once per check. Errors of an unreachable/errored host are its own entry. */
function groupFindings(report: RunReport, lang: Lang): RecapGroup[] {
  const out: RecapGroup[] = [];
  for (const h of [...report.hosts].sort((a, b) => a.host.localeCompare(b.host))) {
    const groups = new Map<string, RecapGroup>();
    const roots = rootsOfHost(h, report);
    for (const c of findingsOf(h)) {
      const cause = toOneLine(c.diagnosis ? textOf(c.diagnosis.cause, lang) : textOf(c.reason, lang) || c.conditions.filter((x) => !x.holds).map((x) => x.description).join('; '));
      const next = c.diagnosis?.next ? toOneLine(textOf(c.diagnosis.next, lang)) : '';
      const root = roots.get(c.checkId) ?? c.checkId;
      const causedBy = root === c.checkId ? undefined : root;
      // Symptoms of one cause share a line whatever their own texts say.
      const key = JSON.stringify(causedBy ? [c.status, causedBy] : [c.status, cause, next]);
      const g = groups.get(key);
      if (!g) groups.set(key, { host: h.host, status: c.status, checkIds: [c.checkId], severity: c.severity, cause, next, causedBy });
      else {
        g.checkIds.push(c.checkId);
        if (SEVERITIES.indexOf(c.severity) > SEVERITIES.indexOf(g.severity)) g.severity = c.severity;
      }
    }
    // Root cause first: each cause line, then the lines of its symptoms.
    const all = [...groups.values()];
    const causes = all.filter((g) => !g.causedBy);
    for (const g of causes) out.push(g, ...all.filter((s) => s.causedBy && g.checkIds.includes(s.causedBy)));
  }
  return out;
}

export interface RecapOptions {
  lang: Lang;
  l: Labels;
  paint: Paint;
  /** Failing lines before "and N more". */
  max: number;
  /** Wrap width in columns (0: no wrapping). */
  width: number;
  /** Where the report files are. */
  where?: string;
  /** Cron mode: only the failures, the report path and the verdict (no counts, no fixed list). */
  quiet?: boolean;
  /** `plan`: the verdict says what the plan found, with no exit code (plan's own exit follows). */
  planning?: boolean;
}

/** The recap lines (no trailing newline), the verdict last. */
export function recapLines(report: RunReport, o: RecapOptions): string[] {
  const { l, paint: p, lang, max } = o;
  const s = report.summary;
  const lines: string[] = [];
  const pct = s.compliancePct === null ? '—' : `${s.compliancePct.toFixed(1)} %`;
  const hostsPart = `firebook: ${s.hosts.total} ${l.hostsWord} (${s.hosts.ok} ${l.hostOk}, ${s.hosts.unreachable} ${l.hostUnreachable}, ${s.hosts.error} ${l.hostError}, ${s.hosts.notRun} ${l.hostNotRun}) · `;
  if (!o.quiet && report.meta.changeRun && report.changes) {
    // apply, resume, rollback: counts of changes (their checks are only their verifications).
    const { sent, total } = changeTally(report.changes);
    lines.push(`${hostsPart}${l.changesWord}: ${formatLabel(l.changesMadeOf, { sent, total })}${total ? ` · ${changeParts(report.changes, l)}` : ''} · ${formatDurationMs(report.meta.durationMs)} · ${l.exitShort} ${report.exitCode}${report.incomplete ? ` · ${l.incompleteShort}` : ''}`);
  } else if (!o.quiet) {
    lines.push(
      hostsPart +
        `${l.checks}: ${s.checks.pass} ${l.pass}, ${s.checks.fixed ?? 0} ${l.statusFixed}, ${s.checks.fail} ${l.fail}, ${s.checks.error} ${l.error}, ${s.checks.skipped} ${l.skipped}, ${s.checks.waived} ${l.waived} · ` +
        `${l.compliance} ${pct} · ${formatDurationMs(report.meta.durationMs)}${o.planning ? '' : ` · ${l.exitShort} ${report.exitCode}`}${report.incomplete ? ` · ${l.incompleteShort}` : ''}`,
    );
  }
  const groups = groupFindings(report, lang);
  if (groups.length) {
    lines.push(`${l.findings}:`);
    for (const g of groups.slice(0, max)) {
      const ids = g.checkIds.map(toOneLine).join(', ');
      const mark = g.status === 'fail' ? p.fail('✗') : p.error('!');
      // A symptom's own next step is "fix the cause": say which, not the long text again.
      if (g.causedBy) lines.push(`      ↳ ${ids}: ${formatLabel(l.causedBy, { id: toOneLine(g.causedBy) })}`);
      else lines.push(`  ${mark} ${toOneLine(g.host)}  ${ids} (${severityWord(g.severity, l)}): ${g.cause}${g.next ? ` → ${g.next}` : ''}`);
    }
    const hidden = groups.slice(max).reduce((n, g) => n + g.checkIds.length, 0);
    if (hidden > 0) lines.push(`  … ${formatLabel(l.recapMoreChecks, { n: hidden })}`);
  }
  const broken = report.hosts.filter((h) => h.status !== 'ok').sort((a, b) => a.host.localeCompare(b.host));
  if (broken.length) {
    lines.push(`${l.problemHosts}:`);
    for (const h of broken.slice(0, max)) {
      const t = h.triage;
      const headline = t ? textOf(TRIAGE_CAUSE[t.class] ?? t.class, lang) : h.status;
      lines.push(`  ${p.fail('✗')} ${toOneLine(h.host)}  [${toOneLine(t?.class ?? h.status)}] ${headline}: ${toOneLine(t?.message ?? '')} → ${toOneLine(textOf(t?.next, lang))}`);
    }
    if (broken.length > max) lines.push(`  … ${formatLabel(l.hostListCap, { n: broken.length - max })}`);
  }
  if (report.notRun.length) lines.push(`${l.notRunHosts}: ${report.notRun.slice(0, max).map(toOneLine).join(', ')}${report.notRun.length > max ? ' …' : ''}`);
  if (!o.quiet) {
    const fixed = [...report.hosts]
      .sort((a, b) => a.host.localeCompare(b.host))
      .flatMap((h) => h.checks.filter((c) => c.status === 'fixed').map((c) => `${toOneLine(h.host)} ${toOneLine(c.checkId)} (${toOneLine(c.fixed?.remediationId ?? '')})`));
    if (fixed.length) lines.push(`${l.fixedInRun}: ${fixed.slice(0, max).join(', ')}${fixed.length > max ? ' …' : ''}`);
  }
  // Cron mode too: a mail that says something failed says where the evidence is.
  if (o.where) lines.push(`${l.reportsAt}: ${toOneLine(o.where)}`);
  const verdict = o.planning ? formatLabel(l.planFound, { found: verdictLine(report, l, false) }) : verdictLine(report, l);
  const paintVerdict = report.exitCode === 0 ? p.pass : report.exitCode === 2 ? p.fail : p.error;
  const wrapped = lines.flatMap((line) => wrapWords(line, o.width));
  return [...wrapped, ...wrapWords(verdict, o.width).map((v) => p.bold(paintVerdict(v)))];
}
