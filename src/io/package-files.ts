/** Files shipped with firebook (package.json, schemas/, playbooks/, templates/), found from
 * src/ under vitest and from dist/src/ once built — in a checkout or an installed package, so
 * `firebook explain` works from any directory. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The folder holding firebook's package.json (the checkout or the installed package). */
export function packageRoot(): string {
  if (root) return root;
  // src/io/ → ../../ ; dist/src/io/ → ../../../ (dist/ has no package.json).
  for (const up of ['../../', '../../../']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(join(dir, 'package.json'))) return (root = dir.replace(/\/$/, ''));
  }
  return (root = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, ''));
}

/** The tool's version, from package.json. */
export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** The absolute path of a file shipped with the package (`playbooks/securex.yml`, `schemas/…`). */
export function packagePath(rel: string): string {
  return join(packageRoot(), rel);
}
