/** Value helpers for conditions: loose equality between YAML literals and parsed fields, display. */

/** Number for a number or a decimal string, else undefined. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && !Number.isNaN(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

/**
 * Equality between a field value and a literal from YAML. Numbers compare numerically with
 * numeric strings (`connector_port` is the string `"8989"` in a properties file, `8989` in YAML);
 * booleans compare with `"true"`/`"false"`; strings honour `ignoreCase`.
 */
export function looseEquals(actual: unknown, expected: unknown, ignoreCase = false): boolean {
  if (actual === null || actual === undefined || expected === null || expected === undefined) return actual === expected;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    const a = typeof actual === 'boolean' ? actual : String(actual).toLowerCase();
    const e = typeof expected === 'boolean' ? expected : String(expected).toLowerCase();
    return String(a) === String(e);
  }
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = asNumber(actual);
    const e = asNumber(expected);
    if (a !== undefined && e !== undefined) return a === e;
  }
  const a = String(actual);
  const e = String(expected);
  return ignoreCase ? a.toLowerCase() === e.toLowerCase() : a === e;
}

/** Display form of a value for descriptions and `actual`: strings quoted, lists bracketed. */
export function formatValue(v: unknown, maxChars = 200): string {
  let s: string;
  if (v === undefined) s = '(missing)';
  else if (Array.isArray(v)) s = `[${v.map((x) => formatValue(x, maxChars)).join(', ')}]`;
  else if (typeof v === 'string') s = JSON.stringify(v);
  else if (v !== null && typeof v === 'object') s = JSON.stringify(v);
  else s = String(v);
  return s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s;
}
