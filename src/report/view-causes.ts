/** Root cause first, for the reports: the failing checks of a host and their roots (the rule
 * is model/causes.ts; the dependencies come from RunReport.checks[].dependsOn and diagnoses). */
import { rootsOf } from '../model/causes.js';
import type { CheckResult, HostResult, RunReport } from '../model/result.js';

/** The failing/undecided checks the report lists for a host: an unreachable or errored host is
 * one entry of its own, so its `error` checks (not run: the session was lost) are left out. */
export function findingsOf(h: HostResult): CheckResult[] {
  return h.checks.filter((c) => c.status === 'fail' || (c.status === 'error' && h.status === 'ok'));
}

/** Each failing check's root on one host (itself when it is a cause). */
export type RootMap = Map<string, string>;

/** Roots of one host's findings. */
export function rootsOfHost(h: HostResult, report: RunReport): RootMap {
  return rootsOf(findingsOf(h), report.checks.map((c) => c.id), new Map(report.checks.map((c) => [c.id, c.dependsOn ?? []])));
}

/** Root maps of every host, by host name. */
export function rootsOfReport(report: RunReport): Map<string, RootMap> {
  return new Map(report.hosts.map((h) => [h.host, rootsOfHost(h, report)]));
}
