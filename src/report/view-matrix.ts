/** The host × check matrix, grouped so the hosts that need attention come first. */
import type { CheckResult, HostResult, RunReport } from '../model/result.js';
import type { Labels } from './labels.js';
import { toOneLine } from './sanitize.js';
import { HISTORY_HTML_FROM_RUN, historyHostAnchor, hostVerdict, statusView, textOf } from './view-format.js';
import type { MatrixGroupView, MatrixRowView, ReportView, ViewLimits } from './view-types.js';

/** Every check id the report knows, planned order first (for reports whose plan list is empty). */
export function columnsOf(report: RunReport): Array<{ id: string; title: RunReport['checks'][number]['title'] }> {
  const cols = report.checks.map((c) => ({ id: c.id, title: c.title }));
  const seen = new Set(cols.map((c) => c.id));
  for (const h of report.hosts)
    for (const c of h.checks)
      if (!seen.has(c.checkId)) {
        seen.add(c.checkId);
        cols.push({ id: c.checkId, title: c.title });
      }
  return cols;
}

function badness(h: HostResult): number {
  return h.checks.reduce((n, c) => n + (c.status === 'fail' ? 1000 : c.status === 'error' ? 1 : 0), 0);
}

/** Builds the matrix groups: hosts with failures/errors (worst first), unreachable/errored
 * hosts, then hosts with no failures (rows up to `passingRows`, then names only). */
export function buildMatrix(report: RunReport, lang: 'en' | 'ja', l: Labels, limits: ViewLimits): ReportView['matrix'] {
  const cols = columnsOf(report);
  const row = (h: HostResult): MatrixRowView => {
    const byId = new Map<string, CheckResult>(h.checks.map((c) => [c.checkId, c]));
    return {
      host: toOneLine(h.host),
      historyHref: `${HISTORY_HTML_FROM_RUN}#${historyHostAnchor(h.host)}`,
      hostStatus: hostVerdict(h, l),
      cells: cols.map((c) => statusView(byId.get(c.id)?.status ?? 'none', l)),
    };
  };
  const attention: HostResult[] = [];
  const broken: HostResult[] = [];
  const passing: HostResult[] = [];
  const notApplicable: HostResult[] = [];
  for (const h of report.hosts) {
    if (h.status !== 'ok') broken.push(h);
    else if (h.checks.some((c) => c.status === 'fail' || c.status === 'error')) attention.push(h);
    // Every check skipped is "not applicable", not "no failures".
    else if (h.checks.length > 0 && h.checks.every((c) => c.status === 'skipped')) notApplicable.push(h);
    else passing.push(h);
  }
  attention.sort((a, b) => badness(b) - badness(a) || a.host.localeCompare(b.host));
  broken.sort((a, b) => a.host.localeCompare(b.host));
  passing.sort((a, b) => a.host.localeCompare(b.host));
  const groups: MatrixGroupView[] = [];
  const add = (title: string, hosts: HostResult[], cap: number) => {
    if (hosts.length === 0) return;
    const shown = hosts.slice(0, cap);
    const rest = hosts.slice(cap);
    groups.push({
      title,
      count: hosts.length,
      rows: shown.map(row),
      collapsedHosts: rest.map((h) => toOneLine(h.host)).join(', '),
      collapsedNote: rest.length ? `${rest.length} ${l.matrixCollapsed}` : '',
    });
  };
  // Hosts needing attention are never collapsed: they are what the reader came for.
  add(l.matrixGroupAttention, attention, Number.MAX_SAFE_INTEGER);
  add(l.matrixGroupUnreachable, broken, Number.MAX_SAFE_INTEGER);
  add(l.matrixGroupPassing, passing, limits.passingRows);
  add(l.matrixGroupNotApplicable, notApplicable.sort((a, b) => a.host.localeCompare(b.host)), limits.passingRows);
  return { columns: cols.map((c) => ({ id: toOneLine(c.id), title: toOneLine(textOf(c.title, lang)) })), groups };
}
