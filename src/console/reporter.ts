/** The live console: a redrawn progress line on a TTY, one line per event for cron mail (the
 * default on a non-TTY), nothing but failures and the verdict in quiet (cron) mode, or JSON
 * lines for machines; then the recap (console-recap.ts), the one-line verdict last. */
import type { Reporter, RunEvent } from '../model/events.js';
import type { RunReport } from '../model/result.js';
import { TRIAGE_CAUSE } from '../model/triage.js';
import { paintFor, recapLines, useColor, type Paint } from './recap.js';
import { formatLabel, labelsFor, type Labels } from '../report/labels.js';
import { toOneLine } from '../report/sanitize.js';
import { cutToWidth } from './text-width.js';
import { formatDurationMs, remediationWord, textOf } from '../report/view-format.js';

export { useColor };

/** Options of the console reporter. */
export interface ConsoleReporterOptions {
  /** `tty`: live progress line; `plain`: one line per host and per failing check; `quiet`: cron
   * mode, nothing when everything passed, else only the failures and the verdict; `json`: events
   * as JSON lines. */
  mode: 'tty' | 'plain' | 'quiet' | 'json';
  stream: NodeJS.WritableStream;
  lang: 'en' | 'ja';
  /** ANSI colours (decide with useColor: a TTY, NO_COLOR, FORCE_COLOR). Default off. */
  color?: boolean;
  /** Clock, injected for tests. */
  nowMs?: () => number;
  /** Where the report files are (printed in the recap). */
  reportLocation?: () => string | undefined;
  /** Failing lines in the recap before "and N more". */
  maxRecapLines?: number;
  /** TTY: redraw the progress line (its clock) this often while waiting; 0 turns ticking off. Default 1000. */
  tickMs?: number;
  /** TTY: after this long without a host finishing, the progress line names what is running. Default 10 s. */
  longWaitMs?: number;
  /** `plan`: the checks' verdict is what the plan found, not the command's exit (RecapOptions.planning). */
  planning?: boolean;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
};

/** Host status in the console's language. */
function hostStatusWord(status: string, l: Labels): string {
  const words: Record<string, string> = { ok: l.hostOk, unreachable: l.hostUnreachable, error: l.hostError };
  return words[status] ?? status;
}

/** Creates the console reporter. */
export function createConsoleReporter(opts: ConsoleReporterOptions): Reporter {
  const now = opts.nowMs ?? Date.now;
  const out = (s: string): void => {
    opts.stream.write(s);
  };
  const l = labelsFor(opts.lang);
  const paint: Paint = paintFor(opts.mode === 'json' || opts.mode === 'plain' ? false : !!opts.color);
  const max = opts.maxRecapLines ?? 50;
  const longWaitMs = opts.longWaitMs ?? 10_000;
  // Plain-mode line marks, padded to one width so host names line up (`FAIL ` / `ERROR`).
  const markWidth = Math.max(l.fail.length, l.error.length, l.statusFixed.length);
  const failWord = l.fail.toUpperCase().padEnd(markWidth);
  const errorWord = l.error.toUpperCase().padEnd(markWidth);
  const fixedWord = l.statusFixed.toUpperCase().padEnd(markWidth);
  // Plain mode: a host's consecutive undecided checks with one cause (an errored host's checks
  // all share its message) are said in one line, not once per check.
  const pendingErrors = new Map<string, { cause: string; ids: string[] }>();
  const flushErrors = (host: string) => {
    const p = pendingErrors.get(host);
    if (!p) return;
    pendingErrors.delete(host);
    out(`  ${errorWord} ${toOneLine(host)} ${p.ids.map(toOneLine).join(', ')}${p.cause ? `: ${toOneLine(p.cause)}` : ''}\n`);
  };
  let total = 0;
  let done = 0;
  /** apply, resume or rollback (RunMeta.changeRun): host lines speak of changes and verifications. */
  let changeRun: string | undefined;
  let unreachable = 0;
  let errored = 0;
  let startMs = now();
  let lastHostEndMs = startMs;
  let drawn = false;
  let ticker: ReturnType<typeof setInterval> | undefined;
  /** Per host with a failing check: those check ids; per host still running: the check it is on (since when). */
  const failingChecks = new Map<string, Set<string>>();
  const running = new Map<string, { step: string; sinceMs: number }>();
  const failingHosts = () => failingChecks.size;

  const progress = () => {
    const t = now();
    const elapsed = t - startMs;
    const eta = done > 0 && done < total ? ` · ${l.eta} ${mmss((elapsed / done) * (total - done))}` : '';
    let line = `[firebook] ${done}/${total} ${l.hostsWord} · ${failingHosts()} ${l.failuresWord} · ${unreachable} ${l.hostUnreachable} · ${errored} ${l.erroredWord} · ${mmss(elapsed)}${eta}`;
    if (running.size > 0 && t - lastHostEndMs >= longWaitMs) {
      // The longest-running host is the one a person waits for.
      const [host, r] = [...running.entries()].sort((a, b) => a[1].sinceMs - b[1].sinceMs || a[0].localeCompare(b[0]))[0];
      line += ` · ${l.runningWord} ${toOneLine(host)}${r.step ? `: ${toOneLine(r.step)}` : ''} (${mmss(t - r.sinceMs)})${running.size > 1 ? ` +${running.size - 1}` : ''}`;
    }
    // A line longer than the terminal wraps, and `\r` then only returns to the start of the last
    // row: every redraw would leave a stale row behind. Cut it one column short of the width
    // (some terminals wrap on writing the last column). `columns` is read per redraw: resizes.
    const columns = (opts.stream as { columns?: number }).columns;
    // \r + erase-to-end-of-line redraws in place without leaving fragments of a longer line.
    out(`\r\x1b[K${columns && columns > 1 ? cutToWidth(line, columns - 1) : line}`);
    drawn = true;
  };
  const json = (e: RunEvent): void => out(JSON.stringify(e) + '\n');
  const stopTicking = () => {
    if (ticker) clearInterval(ticker);
    ticker = undefined;
  };

  const recap = (report: RunReport) => {
    stopTicking();
    if (drawn) out('\r\x1b[K');
    // Cron mode: the exit code says "all passed"; mail only when there is something to do.
    if (opts.mode === 'quiet' && report.exitCode === 0) return;
    const columns = (opts.stream as { columns?: number }).columns;
    const width = opts.mode === 'tty' || opts.mode === 'quiet' ? (columns && columns > 20 ? columns - 1 : 100) : 0;
    const lines = recapLines(report, { lang: opts.lang, l, paint, max, width, where: opts.reportLocation?.(), quiet: opts.mode === 'quiet', planning: opts.planning });
    out(lines.join('\n') + '\n');
  };

  return {
    onBegin(e) {
      total = e.hosts.length;
      changeRun = e.meta.changeRun;
      startMs = now();
      lastHostEndMs = startMs;
      if (opts.mode === 'json') json(e);
      else if (opts.mode === 'tty') {
        progress();
        const tick = opts.tickMs ?? 1000;
        // The clock ticks while every host waits on its device; never keeps the process alive.
        if (tick > 0) (ticker = setInterval(progress, tick)).unref?.();
      }
    },
    onHostBegin(e) {
      if (opts.mode === 'json') return json(e);
      running.set(e.host, { step: '', sinceMs: now() });
    },
    onCheckBegin(e) {
      if (opts.mode === 'json') return json(e);
      running.set(e.host, { step: e.checkId, sinceMs: running.get(e.host)?.sinceMs ?? now() });
    },
    onCheckEnd(e) {
      if (opts.mode === 'json') return json(e);
      const c = e.result;
      // A check ends again when a remediation fixed it: the last end is final. Only hosts with a
      // failing check have an entry (memory and the count stay with the failures).
      const failing = failingChecks.get(e.host);
      if (c.status === 'fail') {
        if (failing) failing.add(c.checkId);
        else failingChecks.set(e.host, new Set([c.checkId]));
      } else if (failing?.delete(c.checkId) && failing.size === 0) failingChecks.delete(e.host);
      if (opts.mode !== 'plain') return;
      if (c.status !== 'fail' && c.status !== 'error' && c.status !== 'fixed') return;
      const cause = c.diagnosis ? textOf(c.diagnosis.cause, opts.lang) : textOf(c.reason, opts.lang);
      if (c.status === 'error') {
        const p = pendingErrors.get(e.host);
        if (p && p.cause === cause) p.ids.push(c.checkId);
        else {
          flushErrors(e.host);
          pendingErrors.set(e.host, { cause, ids: [c.checkId] });
        }
        return;
      }
      flushErrors(e.host);
      if (c.status === 'fixed') out(`  ${fixedWord} ${toOneLine(e.host)} ${toOneLine(c.checkId)} (${toOneLine(c.fixed?.remediationId ?? '')})\n`);
      else out(`  ${failWord} ${toOneLine(e.host)} ${toOneLine(c.checkId)}${cause ? `: ${toOneLine(cause)}` : ''}\n`);
    },
    onRemediationEnd(e) {
      if (opts.mode === 'json') return json(e);
      if (opts.mode !== 'plain') return;
      flushErrors(e.host);
      // A rollback's step that held undid its change: say so, not "verified". A change held to a
      // plan that did not run says why (drift: what was expected, what was found).
      const word = changeRun === 'rollback' && e.result.status === 'verified' ? l.changeUndone : remediationWord(e.result.status, l);
      const why = (e.result.status === 'drifted' || e.result.status === 'already-applied') && e.result.reason ? ` — ${toOneLine(textOf(e.result.reason, opts.lang))}` : '';
      out(`  ${l.remediationWord} ${toOneLine(e.host)} ${toOneLine(e.result.remediationId)}: ${word}${why}\n`);
    },
    onHostEnd(e) {
      if (opts.mode === 'json') return json(e);
      const h = e.result;
      done += 1;
      lastHostEndMs = now();
      running.delete(h.host);
      if (h.status === 'unreachable') unreachable += 1;
      if (h.status === 'error') errored += 1;
      if (opts.mode === 'tty') return progress();
      if (opts.mode !== 'plain') return;
      flushErrors(h.host);
      const count = (s: string) => h.checks.filter((c) => c.status === s).length;
      const detail =
        h.status === 'ok'
          ? changeRun
            ? `${l.verificationChecks}: ${l.pass} ${count('pass')}, ${l.fail} ${count('fail')}, ${l.error} ${count('error')}`
            : `${l.pass} ${count('pass')}, ${l.statusFixed} ${count('fixed')}, ${l.fail} ${count('fail')}, ${l.error} ${count('error')}, ${l.skipped} ${count('skipped')}, ${l.waived} ${count('waived')}`
          : `[${toOneLine(h.triage?.class ?? hostStatusWord(h.status, l))}] ${h.triage ? `${textOf(TRIAGE_CAUSE[h.triage.class] ?? h.triage.class, opts.lang)}: ` : ''}${toOneLine(h.triage?.message ?? '')}`;
      out(`[${done}/${total}] ${toOneLine(h.host)} ${hostStatusWord(h.status, l)}: ${detail} (${formatDurationMs(h.durationMs)})\n`);
      // The device's platform was used for judging; say when the inventory disagreed.
      if (h.facts?.inventoryPlatform) out(`  ${toOneLine(h.host)}: ${formatLabel(l.platformMismatch, { inventory: h.facts.inventoryPlatform, device: h.facts.platform })}\n`);
    },
    onEnd(report) {
      if (opts.mode === 'json') return json({ type: 'run-end', time: new Date(now()).toISOString(), report });
      recap(report);
    },
  };
}
