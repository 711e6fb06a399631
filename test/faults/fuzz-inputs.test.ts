/** Hostile input: seeded property-based fuzzing of the playbook loader, the inventory loaders
 * (YAML and INI) and `firebook validate`. Whatever the bytes, the answer is success or ONE
 * kind of answer: a UserError whose every issue has a stable code and a `file:line:col`
 * (exit 4) — never a crash (exit 1), a stack trace or a hang.
 *
 * Fixed seed, bounded runs: a failure reproduces with the same seed and the counterexample
 * fast-check prints. Row "hostile input" of docs/faults.md. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { UserError } from '../../src/model/errors.js';
import { INPUT_LIMITS } from '../../src/io/input-limits.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
/** Fixed in CI; `FUZZ_SEED=n FUZZ_RUNS=x10` explores further by hand. */
const SEED = Number(process.env.FUZZ_SEED ?? 20240509);
const SCALE = Number(process.env.FUZZ_RUNS?.replace(/^x/, '') ?? 1);
const dir = mkdtempSync(join(tmpdir(), 'fb-fuzz-'));
const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

const PLAYBOOKS = [read('playbooks/securex.yml'), read('test/fixtures/playbooks/runner/retry.yml')];
const YAML_INVENTORIES = [read('test/fixtures/inventory/atlanta-yaml/hosts.yml'), read('test/fixtures/inventory/network-yaml/hosts.yml'), read('test/fixtures/inventory/precedence-yaml/hosts.yml')];
const INI_INVENTORIES = [read('test/fixtures/inventory/atlanta-ini/hosts.ini'), read('test/fixtures/inventory/ranges-ini/hosts.ini'), read('test/fixtures/inventory/network-ini/hosts.ini')];

/** Characters that mean something to YAML, INI, Python literals, templates or terminals. */
const SPICY = [...':-?[]{},&*!|>\'"%@`#=\\\n\t \r', '{{', '}}', '&a', '*a', '<<', '!!', '---', '...', '\u0000', '\u001b', '\u00e9', '\ud83d\ude00', '\ufeff', ' #', 'ansible_', 'vars', 'children', 'hosts', 'checks', 'collect', '[0:9]'];
const fragment = fc.oneof(fc.constantFrom(...SPICY), fc.string({ maxLength: 8 }), fc.integer().map(String));

/** One edit of a real file: insert, delete, replace, duplicate or move lines. */
type Edit = { at: number; kind: 'insert' | 'delete' | 'replace' | 'dup-line' | 'drop-line' | 'indent'; text: string; len: number };
const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Edit['kind']>('insert', 'delete', 'replace', 'dup-line', 'drop-line', 'indent'),
  text: fc.array(fragment, { maxLength: 4 }).map((a) => a.join('')),
  len: fc.nat({ max: 40 }),
});

function applyEdit(src: string, e: Edit): string {
  const at = src.length === 0 ? 0 : e.at % src.length;
  const lineStart = src.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = (src.indexOf('\n', at) + 1 || src.length + 1) - 1;
  const line = src.slice(lineStart, lineEnd + 1);
  switch (e.kind) {
    case 'insert': return src.slice(0, at) + e.text + src.slice(at);
    case 'delete': return src.slice(0, at) + src.slice(at + e.len);
    case 'replace': return src.slice(0, at) + e.text + src.slice(at + e.text.length);
    case 'dup-line': return src.slice(0, lineStart) + line + line + src.slice(lineEnd + 1);
    case 'drop-line': return src.slice(0, lineStart) + src.slice(lineEnd + 1);
    case 'indent': return src.slice(0, lineStart) + ' '.repeat(1 + (e.len % 4)) + src.slice(lineStart);
  }
}

const mutated = (corpus: string[]) =>
  fc.tuple(fc.constantFrom(...corpus), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([src, edits]) => edits.reduce(applyEdit, src));

/** Shapes known to break parsers: alias bombs, deep nesting, huge keys, odd documents. */
const hostile = fc.oneof(
  fc.integer({ min: 3, max: 9 }).map((n) => {
    const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= n; i++) lines.push(`l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
    return `name: bomb\nchecks: []\nvars:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  }),
  fc.integer({ min: 50, max: 5000 }).map((n) => `name: deep\nchecks: ${'['.repeat(n)}${']'.repeat(n)}\n`),
  fc.integer({ min: 50, max: 3000 }).map((n) => `name: deep\nvars: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`),
  fc.integer({ min: 10, max: 200 }).map((n) => `name: deep\nvars:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`),
  fc.constantFrom('', '---\n---\n', '--- !!binary AAAA\n', '%YAML 9.9\n---\nname: x\n', 'name: !!python/object:os.system x\nchecks: []\n', '? [a, b]\n: c\n', '<<: *undefined\n', '\ufeffname: x\nchecks: []\n', 'name: x\nchecks:\n  - *a\n', `name: ${'x'.repeat(100_000)}\nchecks: []\n`),
  fc.string({ maxLength: 200 }),
);

/** Loads; returns 'ok' or the UserError. Anything else thrown fails the property. */
function outcome(load: () => unknown): 'ok' | UserError {
  try {
    load();
    return 'ok';
  } catch (err) {
    if (err instanceof UserError) return err;
    throw new Error(`not a user error: ${(err as Error)?.stack ?? String(err)}`);
  }
}

function expectCleanUserError(result: 'ok' | UserError): void {
  if (result === 'ok') return;
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.code).toMatch(/^[a-z-]+$/);
    // Known gap (inventory area): a host/group name clash is found after parsing, across files,
    // and names the file but not the line.
    if (issue.code === 'inventory' && /both a host and a group/.test(issue.message)) continue;
    expect(issue.location, `${issue.code}: ${issue.message} has no position`).toBeDefined();
    expect(issue.location!.line).toBeGreaterThanOrEqual(1);
    expect(issue.location!.col).toBeGreaterThanOrEqual(1);
    expect(issue.message).not.toMatch(/Maximum call stack|internal error|\n\s+at /);
  }
}

let n = 0;
const fileFor = (text: string, ext: string) => {
  const path = join(dir, `input-${n++}${ext}`);
  writeFileSync(path, text);
  return path;
};

const runs = (n: number) => Math.round(n * SCALE);
const PARAMS = { seed: SEED, numRuns: runs(120), endOnFailure: true } as const;

describe('fuzz: the playbook loader', () => {
  it('mutated real playbooks load or fail with positioned user errors', () => {
    fc.assert(fc.property(mutated(PLAYBOOKS), (text) => expectCleanUserError(outcome(() => loadPlaybook(fileFor(text, '.yml'), dir)))), { ...PARAMS, numRuns: runs(80) });
  }, 60_000);

  it('hostile shapes (alias bombs, deep nesting, odd documents) are limits, not crashes', () => {
    fc.assert(fc.property(hostile, (text) => expectCleanUserError(outcome(() => loadPlaybook(fileFor(text, '.yml'), dir)))), { ...PARAMS, numRuns: runs(60) });
  }, 60_000);

  it('the limits say what they are, where', () => {
    const bomb = outcome(() => loadPlaybook(fileFor(`name: b\nchecks: []\nvars:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e'].map((k, i) => `  ${k}: &${k} [${Array(9).fill(`*${'abcd'[i]}`).join(', ')}]\n`).join('')}`, '.yml'), dir)) as UserError;
    expect(bomb.issues[0]).toMatchObject({ code: 'limit', location: { line: 5, col: 10 } });
    expect(bomb.issues[0].message).toMatch(/aliases expand to too many nodes/);
    const deep = outcome(() => loadPlaybook(fileFor(`name: d\nchecks: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, '.yml'), dir)) as UserError;
    expect(deep.issues[0]).toMatchObject({ code: 'limit', location: { line: 2, col: 8 + INPUT_LIMITS.maxDepth } });
    expect(deep.issues[0].message).toBe(`the YAML is nested more than ${INPUT_LIMITS.maxDepth} levels deep`);
    const big = fileFor('', '.yml');
    writeFileSync(big, `# ${'x'.repeat(INPUT_LIMITS.maxFileBytes)}\n`);
    const huge = outcome(() => loadPlaybook(big, dir)) as UserError;
    expect(huge.issues[0]).toMatchObject({ code: 'limit', location: { line: 1, col: 1 } });
    expect(huge.issues[0].message).toMatch(/over the 16777216-byte limit/);
  });
});

describe('fuzz: the inventory loaders', () => {
  // loadInventory is async; run each case to completion before the next.
  const settle = async (text: string, ext: string) => {
    try {
      await loadInventory(fileFor(text, ext));
      return 'ok' as const;
    } catch (err) {
      if (err instanceof UserError) return err;
      throw new Error(`not a user error: ${(err as Error)?.stack ?? String(err)}`);
    }
  };

  it('mutated YAML inventories load or fail with positioned user errors', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(YAML_INVENTORIES), hostile), async (text) => expectCleanUserError(await settle(text, '.yml'))), PARAMS);
  }, 60_000);

  it('mutated INI inventories load or fail with positioned user errors', async () => {
    const iniHostile = fc.oneof(
      fc.integer({ min: 150, max: 20_000 }).map((d) => `[all]\nh1 x=${'['.repeat(d)}${']'.repeat(d)}\n`),
      fc.integer({ min: 150, max: 20_000 }).map((d) => `[all:vars]\nx=${'{1:'.repeat(d)}1${'}'.repeat(d)}\n[all]\nh1\n`),
      fc.constantFrom('[a:children]\na\n', '[a:children]\nb\n[b:children]\na\n', 'h[0:99999999]\n', 'h[z:a]\n', '[all]\nh ansible_port=x\n', '[[[\n', '[a]\n=\n'),
    );
    await fc.assert(fc.asyncProperty(fc.oneof(mutated(INI_INVENTORIES), iniHostile), async (text) => expectCleanUserError(await settle(text, '.ini'))), PARAMS);
  }, 60_000);
});

describe('fuzz: firebook validate end to end', () => {
  const sink = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
    return { stream, text: () => text };
  };

  it('exits 0 or 4 with file:line:col lines, never 1 and never a stack trace', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(PLAYBOOKS), hostile), fc.option(fc.oneof(mutated(YAML_INVENTORIES), mutated(INI_INVENTORIES)), { nil: undefined }), async (playbook, inventory) => {
        const out = sink();
        const err = sink();
        const argv = ['validate', fileFor(playbook, '.yml')];
        if (inventory !== undefined) argv.push('-i', fileFor(inventory, inventory.includes('[') && !inventory.includes('all:') ? '.ini' : '.yml'));
        const code = await main(argv, { stdout: out.stream, stderr: err.stream, cwd: dir, env: {} });
        expect([0, 4], err.text()).toContain(code);
        if (code === 4) {
          for (const line of err.text().trimEnd().split('\n').filter((l) => !l.startsWith('  hint:'))) expect(line).toMatch(/^[^\n]+:\d+:\d+: error\[[a-z-]+\]: /);
        }
        expect(err.text()).not.toMatch(/internal error|\n\s+at /);
      }),
      { ...PARAMS, numRuns: runs(100) },
    );
  }, 60_000);

  it('as a separate process too: exit 0 or 4 within the time limit (no crash, no hang)', () => {
    const samples = fc.sample(fc.oneof(mutated(PLAYBOOKS), hostile), { seed: SEED, numRuns: 3 });
    for (const text of samples) {
      const r = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'validate', fileFor(text, '.yml')], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      expect({ status: r.status, signal: r.signal, stderr: r.stderr.slice(0, 300) }).toMatchObject({ status: expect.toBeOneOf([0, 4]), signal: null });
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  }, 60_000);
});
