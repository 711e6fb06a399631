/**
 * `pmtool status` (root): one line per managed process, `NAME (TYPE) - STATE [PID]`, e.g.
 * ` SSEConnector (system) - Running 20697`, ` EventHandler (normal) - Running 17453`,
 * ` CloudAgent (system) - Waiting`, `User Disabled` (docs/devices.md, "Processes"). Some releases
 * print detail lines (`Command: …`, `PID File: …`, `Enable File: …`) under each process: those are
 * understood and skipped. Scheduled entries, `NAME - Period N - Next run …`, are listed in
 * `scheduled`. States are also grouped: `down` (`Down`), `waiting`, `user_disabled`
 * (docs/health.md "processes-running"). Any other line is reported in `unrecognised_lines`.
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unique, unrecognised } from './common.js';

// The state is the rest of the line, trimmed (never `(.+?)\s*$`: quadratic on spaces).
const PROCESS_LINE = /^\s*([A-Za-z0-9][\w.-]*)\s+\(([\w,]+)\)\s+-\s/;
const RUNNING = /^Running(?:\s+(\d+))?$/i;
// `Command: /ngfw/usr/local/sf/bin/sftunnel -d -f /etc/sf/sftunnel.conf`, `Next start: …`.
const DETAIL_LINE = /^\s*[A-Z][A-Za-z ]{1,30}:(?:\s|$)/;
// `RUAScheduledDownload - Period 3600 - Next run Sun May  2 11:00:00 2021`.
const SCHEDULED_LINE = /^\s*([A-Za-z][\w.-]*) - Period \d+ - /;

/** Parses `pmtool status`: processes[], running[], not_running[], states[] (`NAME: STATE`),
 * pids[] (`NAME: PID` of running ones), process_count, unrecognised_count, unrecognised_lines[]. */
export function parsePmtoolStatus(output: string, exitCode: number | null): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const processes: string[] = [];
  const running: string[] = [];
  const notRunning: string[] = [];
  const states: string[] = [];
  const pids: string[] = [];
  const strange: string[] = [];
  const scheduled: string[] = [];
  const byState: Record<'down' | 'waiting' | 'user disabled', string[]> = { down: [], waiting: [], 'user disabled': [] };
  for (const line of lines) {
    const m = PROCESS_LINE.exec(line);
    const state = m ? line.slice(m[0].length).trim() : '';
    if (m && state !== '') {
      const name = m[1];
      processes.push(name);
      states.push(`${name}: ${state}`);
      const run = RUNNING.exec(state);
      if (run) {
        running.push(name);
        if (run[1]) pids.push(`${name}: ${run[1]}`);
      } else notRunning.push(name);
      byState[state.toLowerCase() as keyof typeof byState]?.push(name);
      continue;
    }
    const sched = SCHEDULED_LINE.exec(line);
    if (sched) {
      scheduled.push(sched[1]);
      continue;
    }
    if (DETAIL_LINE.test(line) && processes.length > 0) continue;
    strange.push(line.trim().slice(0, 160));
  }
  if (processes.length === 0) {
    // `pmtool: command not found`, a permission error, or text we do not know: undecidable.
    const known = detectShellError(output);
    if (known || lines.length > 0 || (exitCode !== null && exitCode !== 0)) return { fields: {}, error: known ?? unrecognised('pmtool-status', lines) };
    return { fields: {}, error: 'pmtool-status: empty output, nothing to parse' };
  }
  return {
    fields: {
      processes: unique(processes),
      running: unique(running),
      not_running: unique(notRunning),
      states,
      pids,
      process_count: unique(processes).length,
      down: unique(byState.down),
      waiting: unique(byState.waiting),
      user_disabled: unique(byState['user disabled']),
      scheduled: unique(scheduled),
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}
