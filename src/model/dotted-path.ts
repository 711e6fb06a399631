/** Reading a dotted path (`vars.dns_servers`, `captured.before.x`) inside plain data: one pure
 * helper shared by the command gate (command/), judging (checks/) and planning. */

/** Resolves a dotted path inside a plain object; `undefined` when any segment is missing.
 * Only own properties are read (never `__proto__`, `constructor`, …). */
export function getPath(root: unknown, path: string[]): unknown {
  let cur: unknown = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
