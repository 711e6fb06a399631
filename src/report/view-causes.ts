/** Root cause first: which failing check on a host is the cause and which are its symptoms.
 *
 * The dependencies are the ones the playbook already declares: a check that reads
 * `checks.<id>` (RunReport.checks[].dependsOn), and a diagnosis that names another check
 * ("See dns-resolves-sse", "Check DNS (dns-resolves-sse)"). A failing check whose declared
 * cause also fails (or is undecided) on the same host is a symptom of that cause. */
import type { CheckResult, HostResult, RunReport } from '../model/result.js';

/** The failing/undecided checks the report lists for a host: an unreachable or errored host is
 * one entry of its own, so its `error` checks (not run: the session was lost) are left out. */
export function findingsOf(h: HostResult): CheckResult[] {
  return h.checks.filter((c) => c.status === 'fail' || (c.status === 'error' && h.status === 'ok'));
}

/** Each failing check's root on one host (itself when it is a cause). */
export type RootMap = Map<string, string>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Check ids named in a result's diagnosis text (any language), in order of appearance. */
function namedChecks(c: CheckResult, ids: readonly string[]): string[] {
  const d = c.diagnosis;
  if (!d) return [];
  const text = [d.cause, d.next].flatMap((t) => (t === undefined ? [] : typeof t === 'string' ? [t] : Object.values(t))).join('\n');
  return ids
    .map((id) => ({ id, at: text.search(new RegExp(`(?<![\\w.-])${escapeRe(id)}(?![\\w-])`)) }))
    .filter((x) => x.at >= 0 && x.id !== c.checkId)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.id);
}

/** Roots of one host's findings. In a cycle (a names b, b names a) the one planned first is the root. */
export function rootsOfHost(h: HostResult, report: RunReport): RootMap {
  const ids = report.checks.map((c) => c.id);
  const failing = new Map(findingsOf(h).map((c) => [c.checkId, c]));
  const declared = new Map(report.checks.map((c) => [c.id, c.dependsOn ?? []]));
  const causeOf = (c: CheckResult): string | undefined =>
    [...(declared.get(c.checkId) ?? []), ...namedChecks(c, ids)].find((id) => id !== c.checkId && failing.has(id));
  const roots: RootMap = new Map();
  for (const c of failing.values()) {
    const path = [c.checkId];
    let next = causeOf(c);
    while (next !== undefined && !path.includes(next)) {
      path.push(next);
      next = causeOf(failing.get(next)!);
    }
    const cycle = next === undefined ? [] : path.slice(path.indexOf(next));
    const root = cycle.length ? cycle.reduce((a, b) => (ids.indexOf(b) < ids.indexOf(a) ? b : a)) : path[path.length - 1];
    roots.set(c.checkId, root);
  }
  return roots;
}

/** Root maps of every host, by host name. */
export function rootsOfReport(report: RunReport): Map<string, RootMap> {
  return new Map(report.hosts.map((h) => [h.host, rootsOfHost(h, report)]));
}
