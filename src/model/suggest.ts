/** "Did you mean": the one nearest-name rule for every error hint (names, flags, paths). */
import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, parse, relative, resolve } from 'node:path';
import { packagePath } from '../io/package-files.js';

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a small edit distance, if any. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * For a path that does not exist: the nearest existing one, each missing part replaced by
 * the closest name in its folder (`playbook/securx.yml` → `playbooks/securex.yml`), written
 * the way `path` was (relative to `cwd` or absolute). Undefined when a part has no close name.
 */
export function suggestPath(path: string, cwd: string = process.cwd()): string | undefined {
  const abs = resolve(cwd, path);
  const { root } = parse(abs);
  let current = root;
  let changed = false;
  for (const part of abs.slice(root.length).split(/[\\/]/).filter(Boolean)) {
    const next = join(current, part);
    if (existsSync(next)) {
      current = next;
      continue;
    }
    let entries: string[];
    try {
      entries = readdirSync(current);
    } catch {
      return undefined;
    }
    const guess = suggest(part, entries);
    if (guess === undefined) return undefined;
    current = join(current, guess);
    changed = true;
  }
  if (!changed) return undefined;
  return isAbsolute(path) ? current : relative(cwd, current);
}

/** The hint for a file that does not exist: "did you mean" a close path, or the playbook of
 * that name shipped with firebook (`playbooks/securex.yml` run outside the checkout), or `fallback`. */
export function missingFileHint(path: string, fallback: string, cwd: string = process.cwd()): string {
  let guess = suggestPath(path, cwd);
  if (guess === undefined && /(^|[\\/])playbooks[\\/][^\\/]+$/.test(path)) {
    const shipped = packagePath(join('playbooks', basename(path)));
    if (existsSync(shipped)) guess = shipped;
  }
  if (guess === undefined) return fallback;
  const rel = relative(cwd, guess);
  return `did you mean '${isAbsolute(guess) && rel && !rel.startsWith('..') ? rel : guess}'?`;
}
