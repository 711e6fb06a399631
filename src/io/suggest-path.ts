/** "Did you mean" for file paths: the nearest existing path, read from the file system with the
 * one nearest-name rule of model/suggest.ts. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, isAbsolute, join, parse, relative, resolve } from 'node:path';
import { suggest } from '../model/suggest.js';
import { packagePath } from './package-files.js';

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
