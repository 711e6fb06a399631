/** The live console: a redrawn progress line on a TTY, one line per event for cron mail, or
 * JSON lines for machines; then a recap saying what failed, what to do, where the reports are. */
import type { Reporter, RunEvent } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import { labelsFor } from './labels.js';
import { toOneLine } from './sanitize.js';
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

/** Creates the console reporter. */
export function createConsoleReporter(opts: ConsoleReporterOptions): Reporter {
  const now = opts.nowMs ?? Date.now;
  const out = (s: string): void => {
    opts.stream.write(s);
  };
  const l = labelsFor(opts.lang);
  const max = opts.maxRecapLines ?? 50;
  let total = 0;
  let done = 0;
  let failing = 0;
  let unreachable = 0;
  let startMs = now();
  let drawn = false;

  const progress = () => {
    const elapsed = now() - startMs;
    const eta = done > 0 && done < total ? ` · ETA ${mmss((elapsed / done) * (total - done))}` : '';
    // \r + erase-to-end-of-line redraws in place without leaving fragments of a longer line.
    out(`\r\x1b[K[firebook] ${done}/${total} ${l.hostsWord} · ${failing} ${l.fail} · ${unreachable} ${l.hostUnreachable} · ${mmss(elapsed)}${eta}`);
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
        `${l.compliance} ${pct} · ${formatDurationMs(report.meta.durationMs)} · exit ${report.exitCode}${report.incomplete ? ` · ${l.incomplete.split(':')[0]}` : ''}`,
    );
    const bad = report.hosts.flatMap((h) => h.checks.filter((c) => c.status === 'fail' || c.status === 'error').map((c) => ({ h, c })));
    if (bad.length) {
      lines.push(`${l.findings}:`);
      for (const { h, c } of bad.slice(0, max)) {
        const cause = c.diagnosis ? textOf(c.diagnosis.cause, opts.lang) : textOf(c.reason, opts.lang) || c.conditions.filter((x) => !x.holds).map((x) => x.description).join('; ');
        const next = c.diagnosis?.next ? ` → ${toOneLine(textOf(c.diagnosis.next, opts.lang))}` : '';
        lines.push(`  ${c.status === 'fail' ? '✗' : '!'} ${toOneLine(h.host)}  ${toOneLine(c.checkId)} (${c.severity}): ${toOneLine(cause)}${next}`);
      }
      if (bad.length > max) lines.push(`  … ${l.hostListCap.replace('{n}', String(bad.length - max))}`);
    }
    const broken = report.hosts.filter((h) => h.status !== 'ok');
    if (broken.length) {
      lines.push(`${l.problemHosts}:`);
      for (const h of broken.slice(0, max)) {
        lines.push(`  ✗ ${toOneLine(h.host)}  [${toOneLine(h.triage?.class ?? h.status)}] ${toOneLine(h.triage?.message ?? '')} → ${toOneLine(textOf(h.triage?.next, opts.lang))}`);
      }
      if (broken.length > max) lines.push(`  … ${l.hostListCap.replace('{n}', String(broken.length - max))}`);
    }
    if (report.notRun.length) lines.push(`${l.notRunHosts}: ${report.notRun.slice(0, max).map(toOneLine).join(', ')}${report.notRun.length > max ? ' …' : ''}`);
    const where = opts.reportLocation?.();
    if (where) lines.push(`Reports: ${toOneLine(where)}`);
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
        out(`  ${c.status === 'fail' ? 'FAIL ' : 'ERROR'} ${toOneLine(e.host)} ${toOneLine(c.checkId)}${cause ? `: ${toOneLine(cause)}` : ''}\n`);
      }
    },
    onRemediationEnd(e) {
      if (opts.mode === 'json') json(e);
      else if (opts.mode === 'plain') out(`  REMEDIATION ${toOneLine(e.host)} ${toOneLine(e.result.remediationId)}: ${e.result.status}\n`);
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
          : `[${toOneLine(h.triage?.class ?? h.status)}] ${toOneLine(h.triage?.message ?? '')}`;
      out(`[${done}/${total}] ${toOneLine(h.host)} ${h.status}: ${detail} (${formatDurationMs(h.durationMs)})\n`);
    },
    onEnd(report) {
      if (opts.mode === 'json') return json({ type: 'run-end', time: new Date(now()).toISOString(), report });
      recap(report);
    },
  };
}
