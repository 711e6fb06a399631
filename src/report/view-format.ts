/** Small formatting helpers shared by the view model and the text renderers. */
import { localize, type LocalizedText } from '../model/playbook.js';
import { formatLabel, type Labels } from './labels.js';
import type { HostResult, RunReport } from '../model/result.js';
import { toVisibleText } from './sanitize.js';
import type { StatusView } from './view-types.js';
import { changeVerdictText } from './view-changes.js';

const SYMBOL: Record<string, string> = {
  pass: '✓',
  fixed: '✓',
  fail: '✗',
  error: '!',
  skipped: '–',
  waived: '≈',
  none: '·',
  ok: '✓',
  unreachable: '✗',
  notrun: '–',
};

/** Localized, print-safe text. */
export function textOf(text: LocalizedText | undefined, lang: 'en' | 'ja'): string {
  return toVisibleText(localize(text, lang));
}

/** A check or host status as symbol + word + CSS class. */
export function statusView(status: string, l: Labels): StatusView {
  const word: Record<string, string> = {
    pass: l.pass,
    fixed: l.statusFixed,
    fail: l.fail,
    error: l.error,
    skipped: l.skipped,
    waived: l.waived,
    none: l.notApplicable,
    ok: l.hostOk,
    unreachable: l.hostUnreachable,
    notrun: l.hostNotRun,
    planned: l.remediationPlanned,
  };
  const cls = status === 'planned' || status === 'not-applicable' ? 'skipped' : status;
  return { text: `${SYMBOL[status] ?? '•'} ${word[status] ?? status}`, cls: toVisibleText(cls) };
}

/** A severity in the report's language. */
export function severityWord(severity: string, l: Labels): string {
  const words: Record<string, string> = { info: l.sevInfo, low: l.sevLow, medium: l.sevMedium, high: l.sevHigh, critical: l.sevCritical };
  return words[severity] ?? severity;
}

/** The run's verdict in one line (the last line of the console, the first of every report);
 * `withExit` false leaves out "(exit N)" (plan's console: its exit is plan's own). */
export function verdictLine(report: RunReport, l: Labels, withExit = true): string {
  const exit = withExit ? ` (${l.exitShort} ${report.exitCode})` : '';
  // apply, resume and rollback judge changes; a report rebuilt without its changes falls back.
  if (report.meta.changeRun && report.changes) return `${changeVerdictText(report, l)}${exit}`;
  const hosts = report.hosts.length + report.notRun.length;
  const checks = report.hosts.flatMap((h) => h.checks);
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  const failHosts = report.hosts.filter((h) => h.checks.some((c) => c.status === 'fail')).length;
  const broken = report.hosts.filter((h) => h.status !== 'ok').length;
  // Checks of an unreachable/errored host are that host's entry, not "undecided" checks.
  const undecided = report.hosts.filter((h) => h.status === 'ok').flatMap((h) => h.checks).filter((c) => c.status === 'error').length;
  // A host interrupted mid-way did not finish (a killed run's report lists it as an error).
  const values = { hosts, fail: count('fail'), failHosts, broken, undecided, fixed: count('fixed'), done: report.hosts.filter((h) => h.triage?.class !== 'interrupted').length };
  // "0 checks undecided" beside a count line of 9 errors (an errored host's checks) reads as a
  // contradiction: a part with nothing to say is left out.
  const parts = ([[broken, l.verdictBroken], [undecided, l.verdictUndecided], [values.fail, l.verdictFailed]] as const).filter(([n]) => n > 0).map(([, label]) => formatLabel(label, values));
  const text =
    report.exitCode === 130 ? l.verdictInterrupted
    : report.exitCode === 2 ? l.verdictFail
    : report.exitCode !== 0 ? l.verdictError
    : checks.every((c) => c.status === 'skipped') ? l.verdictNothing
    : values.fixed > 0 ? l.verdictOkFixed
    : l.verdictOk;
  return `${formatLabel(text, { ...values, parts: parts.length ? parts.join(l.verdictSep) : formatLabel(l.verdictUndecided, values) })}${exit}`;
}

/** A host's verdict (its checks), or its connection status when it could not be used. A
 * reachable host with failed checks is never shown as "ok". */
export function hostVerdict(h: HostResult, l: Labels): StatusView {
  if (h.status !== 'ok') return statusView(h.status, l);
  const has = (s: string) => h.checks.some((c) => c.status === s);
  if (has('fail')) return statusView('fail', l);
  if (has('error')) return statusView('error', l);
  if (h.checks.length > 0 && h.checks.every((c) => c.status === 'skipped')) return { text: `– ${l.allSkipped}`, cls: 'skipped' };
  if (has('fixed')) return statusView('fixed', l);
  return statusView('pass', l);
}

/** A remediation status in the report's language. */
export function remediationWord(status: string, l: Labels): string {
  const words: Record<string, string> = {
    planned: l.remediationPlanned,
    'not-applicable': l.remNotApplicable,
    applied: l.remApplied,
    verified: l.remVerified,
    failed: l.failed,
    'rolled-back': l.remRolledBack,
    'rollback-failed': l.remRollbackFailed,
  };
  return words[status] ?? toVisibleText(status);
}

/** Remediation status → CSS class. */
export function remediationCls(status: string): string {
  if (status === 'verified') return 'pass';
  if (status === 'applied' || status === 'rolled-back') return 'waived';
  if (status === 'failed' || status === 'rollback-failed') return 'fail';
  return 'skipped';
}

/** `850 ms`, `42.3 s`, `3 min 05 s`, `1 h 02 min`. */
export function formatDurationMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalS = Math.round(s);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const sec = totalS % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** Lists names up to `max`, then "and N more". */
export function listNames(names: readonly string[], max: number, l: Labels): string {
  const shown = names.slice(0, max).map((n) => toVisibleText(n)).join(', ');
  return names.length > max ? `${shown} ${l.hostListCap.replace('{n}', String(names.length - max))}` : shown;
}

/** Where a run folder's report finds the history (docs/history.md "Views"): `history/` beside
 * the run folders in the reports root. */
export const HISTORY_HTML_FROM_RUN = '../history/history.html';

/** The HTML id of a host in history.html, the same in the run report's link to it: `host-`
 * and the name with every character outside `A-Z a-z 0-9 . -` written `_XX` (its UTF-8 bytes
 * in hex), so any name makes a valid id and a fragment that needs no escaping. */
export function historyHostAnchor(host: string): string {
  return `host-${[...Buffer.from(host, 'utf8')].map((b) => (/[A-Za-z0-9.-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `_${b.toString(16).padStart(2, '0')}`)).join('')}`;
}
