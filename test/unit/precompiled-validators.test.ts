/** The validators the build precompiles (scripts/build-validators.mjs) judge exactly like a
 * run-time compile of the same schema, and a stale one is never used. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as fromSource from '../../src/validate/schema.js';

const ROOT = join(import.meta.dirname, '../..');
// pretest builds dist/; the built schema.js finds the precompiled validators beside it.
const built = (await import(join(ROOT, 'dist/src/validate/schema.js'))) as typeof fromSource;

const schemaText = (name: string) => readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8');
const yamlIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.yml')).map((f) => join(dir, f));

/** The YAML's value; undefined for the broken playbooks that are not YAML at all. */
function yamlDocument(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const playbooks = ['broken', 'faults', 'runner', 'warn'].flatMap((d) => yamlIn(join(ROOT, 'test/fixtures/playbooks', d)));
const report = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/reports/sample-report.json'), 'utf8')) as Record<string, unknown>;
const cases: Array<{ name: string; what: string; doc: unknown }> = [
  ...[...playbooks, ...yamlIn(join(ROOT, 'playbooks'))].flatMap((file) => {
    const doc = yamlDocument(file);
    return doc === undefined ? [] : [{ name: 'playbook', what: file.slice(ROOT.length + 1), doc }];
  }),
  { name: 'report', what: 'sample-report.json', doc: report },
  { name: 'report', what: 'sample-report.json without hosts, with an unknown key', doc: { ...report, hosts: undefined, extra: 1 } },
  { name: 'waivers', what: 'a waiver with a wrong type and an unknown key', doc: { waivers: [{ check: 3, until: 'x', color: 'red' }] } },
  { name: 'plan', what: 'an empty plan', doc: {} },
];

describe('precompiled schema validators', () => {
  it.each(['playbook', 'waivers', 'report', 'plan'])('%s: built from the current schema', (name) => {
    expect(built.precompiledValidator(name, schemaText(name))).toBeTypeOf('function');
    // Under vitest src/ has no compiled folder: the run-time compile is what the tests use.
    expect(fromSource.precompiledValidator(name, schemaText(name))).toBeUndefined();
  });

  it('a validator built from other schema text is not used', () => {
    expect(built.precompiledValidator('playbook', schemaText('playbook') + '\n')).toBeUndefined();
  });

  it.each(cases)('$name: $what → the same verdict and errors as a run-time compile', ({ name, doc }) => {
    const precompiled = built.schemaValidator(name);
    const compiled = fromSource.createAjv().compile(JSON.parse(schemaText(name)));
    expect(precompiled(doc)).toBe(compiled(doc));
    expect(JSON.stringify(precompiled.errors)).toBe(JSON.stringify(compiled.errors));
  });

  it('the corpus has invalid documents of every schema', () => {
    const invalid = new Set(cases.filter(({ name, doc }) => !built.schemaValidator(name)(doc)).map((c) => c.name));
    expect([...invalid].sort()).toEqual(['plan', 'playbook', 'report', 'waivers']);
  });
});
