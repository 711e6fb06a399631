/** Dotted numeric version comparison (`6.5.0`, `7.1.0.3`, `v7.0.2 (build 88)`). */

/** Numeric components of the first dotted version in the text, or undefined when there is none. */
export function parseVersion(text: string | number): number[] | undefined {
  const m = /(\d+(?:\.\d+)*)/.exec(String(text));
  return m ? m[1].split('.').map(Number) : undefined;
}

/**
 * Compares two versions: -1, 0 or 1. With `components`, only the first N components count
 * (missing ones are 0), so `compareVersions('7.1.0.3', '7.1', 2) === 0`. Without it, all
 * components count. Throws when either side holds no version.
 */
export function compareVersions(a: string | number, b: string | number, components?: number): -1 | 0 | 1 {
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (!pa || !pb) throw new Error(`not a version: ${JSON.stringify(pa ? b : a)}`);
  const n = components ?? Math.max(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const x = pa[i] ?? 0;
    const y = pb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
