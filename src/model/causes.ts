/** Which failing check is the cause and which are its symptoms, on one host. Pure; used by the
 * reports (root cause first) and by the runner (after a verified fix, its symptoms are checked
 * again). The dependencies are the ones the playbook declares: a check that reads `checks.<id>`
 * (`dependsOn`), and a diagnosis that names another check ("See dns-resolves-sse"). */
import type { CheckResult } from './result.js';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Check ids named in a result's diagnosis text (any language), in order of appearance. A name
 * counts only as a whole id: `dns` is not named by `dnsmasq` or `dns-servers`. */
export function namedChecks(c: CheckResult, ids: readonly string[]): string[] {
  const d = c.diagnosis;
  if (!d) return [];
  const text = [d.cause, d.next].flatMap((t) => (t === undefined ? [] : typeof t === 'string' ? [t] : Object.values(t))).join('\n');
  return ids
    .map((id) => ({ id, at: text.search(new RegExp(`(?<![\\w.-])${escapeRe(id)}(?![\\w-])`)) }))
    .filter((x) => x.at >= 0 && x.id !== c.checkId)
    .sort((a, b) => a.at - b.at)
    .map((x) => x.id);
}

/**
 * The root of each of one host's `failing` results (itself when it is a cause): its first
 * declared or named dependency that is also failing, followed to the end. In a cycle (a names b,
 * b names a) the one planned first (`ids` order) is the root.
 */
export function rootsOf(failing: readonly CheckResult[], ids: readonly string[], dependsOn: ReadonlyMap<string, readonly string[]>): Map<string, string> {
  const byId = new Map(failing.map((c) => [c.checkId, c]));
  const causeOf = (c: CheckResult): string | undefined =>
    [...(dependsOn.get(c.checkId) ?? []), ...namedChecks(c, ids)].find((id) => id !== c.checkId && byId.has(id));
  const roots = new Map<string, string>();
  for (const c of failing) {
    const path = [c.checkId];
    let next = causeOf(c);
    while (next !== undefined && !path.includes(next)) {
      path.push(next);
      next = causeOf(byId.get(next)!);
    }
    const cycle = next === undefined ? [] : path.slice(path.indexOf(next));
    const root = cycle.length ? cycle.reduce((a, b) => (ids.indexOf(b) < ids.indexOf(a) ? b : a)) : path[path.length - 1];
    roots.set(c.checkId, root);
  }
  return roots;
}
