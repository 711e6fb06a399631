// The lint: typescript-eslint's recommended rules (two of them set to the code base's habits,
// below; none turned off) and the folder rules. The allowed dependencies between src/ folders are read from the table in
// docs/architecture.md, the one place they are written; each folder becomes one
// import-x/no-restricted-paths zone. Plus import-x/no-cycle: no runtime cycle between files.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import { createTypeScriptImportResolver, importX, tseslint } from 'firebook-lint';

const ROOT = dirname(fileURLToPath(import.meta.url));
export const ARCHITECTURE_DOC = 'docs/architecture.md';

/**
 * The table under "## Allowed dependencies" in docs/architecture.md, as
 * { folder: [allowed, ...] }. An allowed entry is a folder (`checks`) or a part of one
 * (`checks/parsers`); the cell `everything` allows every folder, `nothing` none.
 * Throws on a table that does not name exactly the folders under src/, so a slip in the
 * document cannot quietly loosen the rules.
 */
export function readAllowedDependencies(markdown, folders) {
  const section = markdown.split(/^## Allowed dependencies\s*$/m)[1];
  if (section === undefined) throw new Error(`${ARCHITECTURE_DOC}: no "## Allowed dependencies" section`);
  const table = {};
  for (const line of section.split('\n')) {
    if (line.startsWith('## ')) break;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    const folder = /^`([a-z]+)`$/.exec(cells[0] ?? '')?.[1];
    if (!folder) continue;
    const cell = cells.at(-1).replace(/`/g, '');
    const allowed = cell === 'everything' ? folders.filter((f) => f !== folder) : cell === 'nothing' ? [] : cell.split(/,\s*/);
    table[folder] = allowed;
  }
  const named = Object.keys(table).sort();
  if (named.join() !== [...folders].sort().join()) {
    throw new Error(`${ARCHITECTURE_DOC}: the table names ${named.join(', ')}; src/ holds ${[...folders].sort().join(', ')}`);
  }
  for (const [folder, allowed] of Object.entries(table)) {
    for (const entry of allowed) {
      if (entry.split('/')[0] === folder || !existsSync(join(ROOT, 'src', entry))) {
        throw new Error(`${ARCHITECTURE_DOC}: ${folder} may import '${entry}': not another folder (or part of one) under src/`);
      }
    }
  }
  return table;
}

export const FOLDERS = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
export const ALLOWED = readAllowedDependencies(readFileSync(join(ROOT, ARCHITECTURE_DOC), 'utf8'), FOLDERS);

/** The zones of import-x/no-restricted-paths: per folder, one for the folders it may not
 * import, and one per folder it may import only a part of (`checks/parsers`). */
export function boundaryZones(table) {
  const zones = [];
  for (const [folder, allowed] of Object.entries(table)) {
    const target = `./src/${folder}`;
    const message = `src/${folder} may import only: ${allowed.join(', ') || 'nothing'} (${ARCHITECTURE_DOC}).`;
    const others = FOLDERS.filter((f) => f !== folder && !allowed.includes(f));
    const forbidden = others.filter((f) => !allowed.some((a) => a.startsWith(`${f}/`)));
    if (forbidden.length > 0) zones.push({ target, from: forbidden.map((f) => `./src/${f}`), message });
    for (const f of others.filter((o) => !forbidden.includes(o))) {
      const except = allowed.filter((a) => a.startsWith(`${f}/`)).map((a) => `.${a.slice(f.length)}`);
      zones.push({ target, from: `./src/${f}`, except, message });
    }
  }
  return zones;
}

export default defineConfig(
  { ignores: ['dist/', 'reports/', '.tmp/', 'tools/lint/node_modules/', 'src/report/templates/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // The code base marks a deliberately unused name with a leading `_`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // `cond ? a() : b()` as a statement is used on purpose.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Files the cycle search reads; without '.ts' it would not follow a single import.
      'import-x/extensions': ['.ts'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: join(ROOT, 'tsconfig.json') })],
    },
    rules: {
      // An import the resolver cannot follow would slip past the two rules below.
      'import-x/no-unresolved': 'error',
      'import-x/no-restricted-paths': ['error', { basePath: ROOT, zones: boundaryZones(ALLOWED) }],
      // Runtime cycles only: `import type` is erased by the compiler.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
);
