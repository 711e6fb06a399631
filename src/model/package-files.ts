/** Files shipped with firebook (package.json, schemas/, playbooks/), found from src/ under
 * vitest and from dist/src/ once built. */

/** The tool's version, from package.json. */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached) return cached;
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      cached = (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
      return cached;
    } catch {
      /* try the next layout */
    }
  }
  return '0.0.0';
}

/** A file shipped with the package (playbooks/, schemas/), from src/ or dist/src/. */
export function packagePath(rel: string): string {
  for (const up of ['../../', '../../../']) {
    const u = new URL(up + rel, import.meta.url);
    try {
      readFileSync(new URL(up + 'package.json', import.meta.url));
      return u.pathname;
    } catch {
      /* try the next layout */
    }
  }
  return rel;
}
