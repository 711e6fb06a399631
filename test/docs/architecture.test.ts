/** docs/architecture.md's table of allowed dependencies is what `npm run lint` enforces: each
 * case lints a file as if it stood in src/ (ESLint's lintText, nothing is written there) with
 * the repository's own eslint.config.js. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error eslint.config.js is plain JavaScript without types.
import { ALLOWED, FOLDERS, readAllowedDependencies } from '../../eslint.config.js';

const ROOT = join(import.meta.dirname, '../..');
const BOUNDARY = 'import-x/no-restricted-paths';
const CYCLE = 'import-x/no-cycle';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
  return result.messages;
}
const lines = (messages: Linter.LintMessage[], rule: string) => messages.filter((m) => m.ruleId === rule).map((m) => m.line);

/** The table as a reader of the document sees it: folder → the cells of "may import". */
function tableOfDoc(): Record<string, string[]> {
  const md = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
  const section = md.slice(md.indexOf('## Allowed dependencies'));
  const rows: Record<string, string[]> = {};
  for (const m of section.matchAll(/^\| `(\w+)` \| (.+) \|$/gm)) {
    rows[m[1]] = m[2] === 'everything' ? ['*'] : m[2] === 'nothing' ? [] : m[2].split(', ').map((c) => c.replace(/`/g, ''));
  }
  return rows;
}

/** One real file of a folder, to import in the probes. */
function fileOf(folder: string): string {
  const names = readdirSync(join(ROOT, 'src', folder)).filter((n) => n.endsWith('.ts')).sort();
  return names.includes('index.ts') ? 'index.ts' : names[0];
}

// The first lint reads the import graph of src/ (no-cycle): slow on a busy machine.
describe('the folder rules of docs/architecture.md, enforced by npm run lint', { timeout: 180_000 }, () => {
  it('src/run importing src/report is an error, `import type` too', async () => {
    const code = "import { buildReport } from '../report/index.js';\nimport type { ReportFormat } from '../report/index.js';\nexport const f: [typeof buildReport, ReportFormat?] = [buildReport];\n";
    const messages = await lint('src/run/probe.ts', code);
    expect(lines(messages, BOUNDARY)).toEqual([1, 2]);
    expect(messages[0].message).toContain('src/run may import only: model, io, command, checks, load, plan, store (docs/architecture.md)');
  });

  it('src/model importing src/io is an error (model imports nothing)', async () => {
    const messages = await lint('src/model/probe.ts', "import { INPUT_LIMITS } from '../io/input-limits.js';\nexport const limits = INPUT_LIMITS;\n");
    expect(lines(messages, BOUNDARY)).toEqual([1]);
  });

  it('an allowed import (src/run → src/checks) is clean', async () => {
    const messages = await lint('src/run/probe.ts', "import { evaluateCheck } from '../checks/index.js';\nexport const judge = evaluateCheck;\n");
    expect(messages).toEqual([]);
  });

  it('re-exports and dynamic imports are imports too; an import the resolver cannot follow is an error', async () => {
    const code = "export { buildReport } from '../report/index.js';\nexport const later = () => import('../report/index.js');\nexport { nothing } from '../nowhere/index.js';\n";
    const messages = await lint('src/run/probe.ts', code);
    expect(lines(messages, BOUNDARY)).toEqual([1, 2]);
    expect(lines(messages, 'import-x/no-unresolved')).toEqual([3]);
  });

  it('a runtime import cycle is an error; a type-only one is not', async () => {
    // io/missing-file.ts imports package-files.ts at runtime: importing it back closes a cycle.
    const runtime = await lint('src/io/package-files.ts', "import { suggestPath } from './missing-file.js';\nexport const s = suggestPath;\n");
    expect(lines(runtime, CYCLE)).toEqual([1]);
    const typeOnly = await lint('src/io/package-files.ts', "import type { suggestPath } from './missing-file.js';\nexport type S = typeof suggestPath;\n");
    expect(lines(typeOnly, CYCLE)).toEqual([]);
  });

  it('the lint config reads exactly the table of docs/architecture.md, and it names every folder of src/', () => {
    const doc = tableOfDoc();
    expect(Object.keys(doc).sort()).toEqual(readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort());
    for (const [folder, cells] of Object.entries(doc)) {
      const expected = cells[0] === '*' ? FOLDERS.filter((f: string) => f !== folder) : cells;
      expect([...ALLOWED[folder]].sort(), folder).toEqual([...expected].sort());
    }
  });

  it('every folder importing every other: exactly the imports the table refuses are errors', async () => {
    const doc = tableOfDoc();
    const targets: string[] = FOLDERS.map((f: string) => `${f}/${fileOf(f)}`);
    targets.push('checks/parsers/index.ts', 'checks/check.ts');
    for (const folder of FOLDERS as string[]) {
      const imports = targets.filter((t) => !t.startsWith(`${folder}/`));
      const code = imports.map((t, i) => `import * as m${i} from '../${t.replace(/\.ts$/, '.js')}';`).join('\n') + `\nexport const all = [${imports.map((_, i) => `m${i}`).join(', ')}];\n`;
      const cells = doc[folder];
      const allowed = (t: string) => cells[0] === '*' || cells.some((c) => t === c || t.startsWith(`${c}/`));
      const refused = imports.flatMap((t, i) => (allowed(t) ? [] : [i + 1]));
      const messages = await lint(`src/${folder}/probe.ts`, code);
      expect(lines(messages, BOUNDARY), `src/${folder} importing ${imports.join(', ')}`).toEqual(refused);
      expect(lines(messages, 'import-x/no-unresolved')).toEqual([]);
    }
    // The partial entry: transport may read checks/parsers and nothing else of checks.
    expect(doc.transport).toContain('checks/parsers');
  });

  it('a table that misses a folder, or names one that does not exist, stops the lint', () => {
    const md = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    expect(() => readAllowedDependencies(md.replace('| `lab` | `model`, `io` |\n', ''), FOLDERS)).toThrow(/the table names .*; src\/ holds/);
    expect(() => readAllowedDependencies(md.replace('| `lab` | `model`, `io` |', '| `lab` | `model`, `iox` |'), FOLDERS)).toThrow(/lab may import 'iox'/);
    expect(() => readAllowedDependencies(md.replace('## Allowed dependencies', '## Dependencies'), FOLDERS)).toThrow(/no "## Allowed dependencies" section/);
  });
});
