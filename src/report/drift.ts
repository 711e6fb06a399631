/** What changed since a baseline run: new failures, fixes, persistent failures, fleet changes. */
import type { RunReport } from '../model/result.js';
import { formatLabel, type Labels } from './labels.js';
import { toOneLine } from './sanitize.js';
import type { DriftView, ViewLimits } from './view-types.js';

/** Drift as data: `host\u0000checkId` pairs. A failure is status `fail` (an `error` is not a
 * verdict about the device, so it is neither a new failure nor a fix). */
export interface Drift {
  newFailures: Array<{ host: string; checkId: string }>;
  fixed: Array<{ host: string; checkId: string }>;
  stillFailing: Array<{ host: string; checkId: string }>;
  hostsAdded: string[];
  hostsRemoved: string[];
}

function statusMap(report: RunReport): Map<string, string> {
  const m = new Map<string, string>();
  for (const h of report.hosts) for (const c of h.checks) m.set(`${h.host}\u0000${c.checkId}`, c.status);
  return m;
}

function hostsOf(report: RunReport): Set<string> {
  return new Set([...report.hosts.map((h) => h.host), ...report.notRun]);
}

/** Compares a report with its baseline. */
export function computeDrift(current: RunReport, baseline: RunReport): Drift {
  const now = statusMap(current);
  const before = statusMap(baseline);
  const split = (k: string) => {
    const [host, checkId] = k.split('\u0000');
    return { host, checkId };
  };
  const drift: Drift = { newFailures: [], fixed: [], stillFailing: [], hostsAdded: [], hostsRemoved: [] };
  for (const [k, s] of now) {
    const b = before.get(k);
    if (s === 'fail' && b === 'fail') drift.stillFailing.push(split(k));
    else if (s === 'fail') drift.newFailures.push(split(k));
    else if ((s === 'pass' || s === 'fixed') && b === 'fail') drift.fixed.push(split(k));
  }
  const hNow = hostsOf(current);
  const hBefore = hostsOf(baseline);
  drift.hostsAdded = [...hNow].filter((h) => !hBefore.has(h));
  drift.hostsRemoved = [...hBefore].filter((h) => !hNow.has(h));
  return drift;
}

/** The drift section as printed. */
export function buildDriftView(current: RunReport, baseline: RunReport, l: Labels, limits: ViewLimits): DriftView {
  const d = computeDrift(current, baseline);
  const section = (title: string, items: Drift['newFailures'], cls: string) => ({
    title,
    count: items.length,
    cls,
    items: items.slice(0, limits.rows).map((i) => ({ host: toOneLine(i.host), checkId: toOneLine(i.checkId) })),
    more: items.length > limits.rows ? formatLabel(l.seeFullReport, { n: items.length - limits.rows }) : '',
  });
  const names = (list: string[]) => (list.length ? list.map(toOneLine).join(', ') : l.none);
  return {
    baselineRun: toOneLine(baseline.meta.runId),
    baselineStarted: toOneLine(baseline.meta.startedAt),
    sections: [section(l.newFailures, d.newFailures, 'fail'), section(l.fixed, d.fixed, 'pass'), section(l.stillFailing, d.stillFailing, 'error')],
    hostsAdded: names(d.hostsAdded),
    hostsRemoved: names(d.hostsRemoved),
  };
}
