/** firebook.prom: metrics for node_exporter's textfile collector. */
import { CHECK_STATUSES, type RunReport } from '../model/result.js';
import { toOneLine } from './sanitize.js';
import type { RenderOptions } from './view-types.js';

/** Escapes a label value per the exposition format: backslash, double quote, newline. */
export function escapePromLabel(value: string): string {
  return toOneLine(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'NaN';
}

/** The textfile-collector metrics, in pieces (one host's series at a time: 5,000 hosts × 10
 * checks × 6 statuses is 300,000 lines). Every status of every check is a series (1 for the
 * current one, 0 otherwise), so alerts on `== 1` never see a series vanish when it changes. */
export function* renderPromChunks(report: RunReport, _opts?: Partial<RenderOptions>): Generator<string> {
  const metric = (name: string, help: string) => `# HELP ${name} ${help}\n# TYPE ${name} gauge\n`;
  yield metric('firebook_check_status', 'Result of a firebook check on a host: 1 for the current status, 0 for the others (the final state: fixed = failed, then remediated and verified in this run).');
  for (const h of report.hosts) {
    const host = escapePromLabel(h.host);
    let lines = '';
    for (const c of h.checks) {
      const check = escapePromLabel(c.checkId);
      for (const s of CHECK_STATUSES) lines += `firebook_check_status{host="${host}",check="${check}",status="${s}"} ${c.status === s ? 1 : 0}\n`;
    }
    yield lines;
  }
  yield metric('firebook_host_reachable', '1 when firebook could connect to the host, 0 when it was unreachable.');
  for (const h of report.hosts) yield `firebook_host_reachable{host="${escapePromLabel(h.host)}"} ${h.status === 'unreachable' ? 0 : 1}\n`;
  const m = report.meta;
  yield metric('firebook_run_duration_seconds', 'Duration of the last firebook run (NaN when the run did not finish).');
  yield `firebook_run_duration_seconds ${m.durationMs === undefined ? 'NaN' : num(m.durationMs / 1000)}\n`;
  yield metric('firebook_last_run_timestamp_seconds', 'When the last firebook run ended (or started, when it did not finish), Unix time.');
  yield `firebook_last_run_timestamp_seconds ${num(Date.parse(m.endedAt ?? m.startedAt) / 1000)}\n`;
  yield metric('firebook_run_exit_code', 'Exit code of the last firebook run (0 ok, 2 check failed, 3 host failed, 130 interrupted).');
  yield `firebook_run_exit_code ${report.exitCode}\n`;
  yield metric('firebook_run_incomplete', '1 when the last firebook run was interrupted.');
  yield `firebook_run_incomplete ${report.incomplete ? 1 : 0}\n`;
}

/** Renders the textfile-collector metrics as one string. */
export function renderProm(report: RunReport, opts?: Partial<RenderOptions>): string {
  return [...renderPromChunks(report, opts)].join('');
}
