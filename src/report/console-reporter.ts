/** The live console: a redrawn progress line on a TTY, one line per event for cron mail, or
 * JSON lines for machines; then a recap saying what failed, what to do, where the reports are. */
import type { Reporter, RunEvent } from '../model/events.js';
import { SEVERITIES } from '../model/playbook.js';
import type { CheckResult, HostResult, RunReport } from '../model/result.js';
import { formatLabel, labelsFor, type Labels } from './labels.js';
import { toOneLine } from './sanitize.js';
import { cutToWidth } from './text-width.js';
import { formatDurationMs, textOf } from './view-format.js';

/** Options of the console reporter. */
export interface ConsoleReporterOptions {
  /** `tty`: live progress line; `plain`: one line per host and per failing check; `json`: events as JSON lines. */
  mode: 'tty' | 'plain' | 'json';
  stream: NodeJS.WritableStream;
  lang: 'en' | 'ja';
  /** Clock, injected for tests. */
  nowMs?: () => number;
  /** Where the report files are (printed in the recap). */
  reportLocation?: () => string | undefined;
  /** Failing lines in the recap before "and N more". */
  maxRecapLines?: number;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/** One recap line: the failing/undecided checks of one host that share status, cause and next step. */
interface RecapGroup {
  host: string;
  status: CheckResult['status'];
  checkIds: string[];
  severity: CheckResult['severity'];
  cause: string;
  next: string;
}

/** Groups the failing/undecided checks per host and (status, cause, next step), in report order:
 * a device in lockdown fails every expert-shell check with one long identical reason, which
 * would otherwise be printed once per check. */
function groupFindings(hosts: readonly HostResult[], lang: 'en' | 'ja'): RecapGroup[] {
  const groups = new Map<string, RecapGroup>();
  for (const h of hosts) {
    for (const c of h.checks) {
      if (c.status !== 'fail' && c.status !== 'error') continue;
      const cause = toOneLine(c.diagnosis ? textOf(c.diagnosis.cause, lang) : textOf(c.reason, lang) || c.conditions.filter((x) => !x.holds).map((x) => x.description).join('; '));
      const next = c.diagnosis?.next ? toOneLine(textOf(c.diagnosis.next, lang)) : '';
      const key = JSON.stringify([h.host, c.status, cause, next]);
      const g = groups.get(key);
      if (!g) groups.set(key, { host: h.host, status: c.status, checkIds: [c.checkId], severity: c.severity, cause, next });
      else {
        g.checkIds.push(c.checkId);
        if (SEVERITIES.indexOf(c.severity) > SEVERITIES.indexOf(g.severity)) g.severity = c.severity;
      }
    }
  }
  return [...groups.values()];
}

/** Host status in the console's language. */
function hostStatusWord(status: string, l: Labels): string {
  const words: Record<string, string> = { ok: l.hostOk, unreachable: l.hostUnreachable, error: l.hostError };
  return words[status] ?? status;
}

/** Remediation status in the console's language. */
function remediationWord(status: string, l: Labels): string {
  const words: Record<string, string> = {
    planned: l.remediationPlanned,
    'not-applicable': l.remNotApplicable,
    applied: l.remApplied,
    verified: l.remVerified,
    failed: l.failed,
    'rolled-back': l.remRolledBack,
    'rollback-failed': l.remRollbackFailed,
  };
  return words[status] ?? status;
}

/** Creates the console reporter. */
export function createConsoleReporter(opts: ConsoleReporterOptions): Reporter {
  const now = opts.nowMs ?? Date.now;
  const out = (s: string): void => {
    opts.stream.write(s);
  };
  const l = labelsFor(opts.lang);
  const max = opts.maxRecapLines ?? 50;
  // Plain-mode line marks, padded to one width so host names line up (`FAIL ` / `ERROR`).
  const markWidth = Math.max(l.fail.length, l.error.length);
  const failWord = l.fail.toUpperCase().padEnd(markWidth);
  const errorWord = l.error.toUpperCase().padEnd(markWidth);
  let total = 0;
  let done = 0;
  let failing = 0;
  let unreachable = 0;
  let startMs = now();
  let drawn = false;

  const progress = () => {
    const elapsed = now() - startMs;
    const eta = done > 0 && done < total ? ` · ${l.eta} ${mmss((elapsed / done) * (total - done))}` : '';
    const line = `[firebook] ${done}/${total} ${l.hostsWord} · ${failing} ${l.fail} · ${unreachable} ${l.hostUnreachable} · ${mmss(elapsed)}${eta}`;
    // A line longer than the terminal wraps, and `\r` then only returns to the start of the last
    // row: every redraw would leave a stale row behind. Cut it one column short of the width
    // (some terminals wrap on writing the last column). `columns` is read per redraw: resizes.
    const columns = (opts.stream as { columns?: number }).columns;
    // \r + erase-to-end-of-line redraws in place without leaving fragments of a longer line.
    out(`\r\x1b[K${columns && columns > 1 ? cutToWidth(line, columns - 1) : line}`);
    drawn = true;
  };
  const json = (e: RunEvent): void => out(JSON.stringify(e) + '\n');

  const recap = (report: RunReport) => {
    if (drawn) out('\r\x1b[K');
    const s = report.summary;
    const lines: string[] = [];
    const pct = s.compliancePct === null ? '—' : `${s.compliancePct.toFixed(1)} %`;
    lines.push(
      `firebook: ${s.hosts.total} ${l.hostsWord} (${s.hosts.ok} ${l.hostOk}, ${s.hosts.unreachable} ${l.hostUnreachable}, ${s.hosts.error} ${l.hostError}, ${s.hosts.notRun} ${l.hostNotRun}) · ` +
        `${l.checks}: ${s.checks.pass} ${l.pass}, ${s.checks.fail} ${l.fail}, ${s.checks.error} ${l.error}, ${s.checks.skipped} ${l.skipped}, ${s.checks.waived} ${l.waived} · ` +
        `${l.compliance} ${pct} · ${formatDurationMs(report.meta.durationMs)} · ${l.exitShort} ${report.exitCode}${report.incomplete ? ` · ${l.incompleteShort}` : ''}`,
    );
    const groups = groupFindings(report.hosts, opts.lang);
    if (groups.length) {
      lines.push(`${l.findings}:`);
      for (const g of groups.slice(0, max)) {
        const ids = g.checkIds.map(toOneLine).join(', ');
        lines.push(`  ${g.status === 'fail' ? '✗' : '!'} ${toOneLine(g.host)}  ${ids} (${g.severity}): ${g.cause}${g.next ? ` → ${g.next}` : ''}`);
      }
      const hidden = groups.slice(max).reduce((n, g) => n + g.checkIds.length, 0);
      if (hidden > 0) lines.push(`  … ${formatLabel(l.recapMoreChecks, { n: hidden })}`);
    }
    const broken = report.hosts.filter((h) => h.status !== 'ok');
    if (broken.length) {
      lines.push(`${l.problemHosts}:`);
      for (const h of broken.slice(0, max)) {
        lines.push(`  ✗ ${toOneLine(h.host)}  [${toOneLine(h.triage?.class ?? hostStatusWord(h.status, l))}] ${toOneLine(h.triage?.message ?? '')} → ${toOneLine(textOf(h.triage?.next, opts.lang))}`);
      }
      if (broken.length > max) lines.push(`  … ${formatLabel(l.hostListCap, { n: broken.length - max })}`);
    }
    if (report.notRun.length) lines.push(`${l.notRunHosts}: ${report.notRun.slice(0, max).map(toOneLine).join(', ')}${report.notRun.length > max ? ' …' : ''}`);
    const where = opts.reportLocation?.();
    if (where) lines.push(`${l.reportsAt}: ${toOneLine(where)}`);
    out(lines.join('\n') + '\n');
  };

  return {
    onBegin(e) {
      total = e.hosts.length;
      startMs = now();
      if (opts.mode === 'json') json(e);
      else if (opts.mode === 'tty') progress();
    },
    onHostBegin(e) {
      if (opts.mode === 'json') json(e);
    },
    onCheckEnd(e) {
      if (opts.mode === 'json') return json(e);
      const c = e.result;
      if (c.status !== 'fail' && c.status !== 'error') return;
      if (c.status === 'fail') failing += 1;
      if (opts.mode === 'plain') {
        const cause = c.diagnosis ? textOf(c.diagnosis.cause, opts.lang) : textOf(c.reason, opts.lang);
        out(`  ${c.status === 'fail' ? failWord : errorWord} ${toOneLine(e.host)} ${toOneLine(c.checkId)}${cause ? `: ${toOneLine(cause)}` : ''}\n`);
      }
    },
    onRemediationEnd(e) {
      if (opts.mode === 'json') json(e);
      else if (opts.mode === 'plain') out(`  ${l.remediationWord} ${toOneLine(e.host)} ${toOneLine(e.result.remediationId)}: ${remediationWord(e.result.status, l)}\n`);
    },
    onHostEnd(e) {
      if (opts.mode === 'json') return json(e);
      const h = e.result;
      done += 1;
      if (h.status === 'unreachable') unreachable += 1;
      if (opts.mode === 'tty') return progress();
      const count = (s: string) => h.checks.filter((c) => c.status === s).length;
      const detail =
        h.status === 'ok'
          ? `${l.pass} ${count('pass')}, ${l.fail} ${count('fail')}, ${l.error} ${count('error')}, ${l.skipped} ${count('skipped')}, ${l.waived} ${count('waived')}`
          : `[${toOneLine(h.triage?.class ?? hostStatusWord(h.status, l))}] ${toOneLine(h.triage?.message ?? '')}`;
      out(`[${done}/${total}] ${toOneLine(h.host)} ${hostStatusWord(h.status, l)}: ${detail} (${formatDurationMs(h.durationMs)})\n`);
    },
    onEnd(report) {
      if (opts.mode === 'json') return json({ type: 'run-end', time: new Date(now()).toISOString(), report });
      recap(report);
    },
  };
}
