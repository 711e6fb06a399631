/** Parser options are validated (issue 18): each built-in parser declares its options as a JSON
 * Schema (checks/parsers/index.ts PARSER_OPTIONS), the playbook schema applies the same schemas,
 * and `firebook validate` refuses an unknown or misspelt option at file:line:col, exit 4. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARSER_NAMES, PARSER_OPTIONS } from '../../src/checks/index.js';
import { fb, ROOT } from '../cli/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-parser-options-'));

/** A playbook whose one step parses with `parse` (written as given, on line 9). */
function playbook(name: string, parse: string): string {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    [
      `name: ${name}`,
      'checks:',
      '  - id: log',
      '    title: connector log',
      '    severity: low',
      '    collect:',
      '      - command: cat /ngfw/var/log/connector/connector.log',
      '        level: expert',
      `        parse: ${parse}`,
      '    expect:',
      '      - of: error_count',
      '        equals: 0',
      '',
    ].join('\n'),
  );
  return file;
}

describe('firebook validate refuses a parser option the parser does not declare', () => {
  it('a misspelt option (the issue: windw_minutes) → exit 4 at its key, with a did you mean', () => {
    const file = playbook('typo', '{ parser: connector-log, options: { windw_minutes: 60 } }');
    const r = fb(['validate', file]);
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `${file}:9:52: error[unknown-key]: unknown option 'windw_minutes' of parser 'connector-log' in checks[0].collect[0].parse.options\n` +
        "  hint: did you mean 'window_minutes'? allowed options: window_minutes\n",
    );
  });

  it('an option of a parser that takes none → exit 4, naming the parser', () => {
    const file = playbook('none', '{ parser: curl, options: { window_minutes: 60 } }');
    const r = fb(['validate', file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toBe(`${file}:9:43: error[unknown-key]: unknown option 'window_minutes' of parser 'curl' in checks[0].collect[0].parse.options\n  hint: parser 'curl' takes no options\n`);
  });

  it('a declared option with a wrong value → exit 4 at the value', () => {
    const file = playbook('zero', '{ parser: connector-log, options: { window_minutes: 0 } }');
    const r = fb(['validate', file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toBe(`${file}:9:68: error[schema]: checks[0].collect[0].parse.options.window_minutes must be > 0\n`);
  });

  it('a right option passes', () => {
    const r = fb(['validate', playbook('right', '{ parser: connector-log, options: { window_minutes: 60 } }')]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('error[');
    expect(r.stdout).toContain('ok: 1 playbook(s), 1 check(s)');
  });

  it('an unknown key beside parser: one error, not also the regex form\'s missing keys', () => {
    const file = playbook('bogus', '{ parser: curl, bogus: 1 }');
    const r = fb(['validate', file]);
    expect(r.status).toBe(4);
    expect(r.stderr).toBe(`${file}:9:32: error[unknown-key]: unknown key 'bogus' in checks[0].collect[0].parse\n  hint: allowed keys: parser, options\n`);
  });

  it('every built-in playbook still validates', () => {
    const files = readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yml')).map((f) => join('playbooks', f));
    const r = fb(['validate', ...files]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });
});

describe('the options each parser declares are the ones the playbook schema applies', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/playbook.schema.json'), 'utf8')) as {
    $defs: { parse: { oneOf: Array<{ allOf?: Array<{ if: { properties: { parser: { const?: string; enum?: string[] } } }; then: { properties: { options: { $ref: string } } } }> }> }; parserOptions: Record<string, object> };
  };
  const rules = schema.$defs.parse.oneOf[0].allOf ?? [];
  /** The options schema the playbook schema applies for `parser: name` (one rule must name it). */
  const applied = (name: string) => {
    const hits = rules.filter((r) => r.if.properties.parser.const === name || (r.if.properties.parser.enum ?? []).includes(name));
    expect(hits, `parser ${name}`).toHaveLength(1);
    return schema.$defs.parserOptions[hits[0].then.properties.options.$ref.replace('#/$defs/parserOptions/', '')];
  };
  it.each([...PARSER_NAMES])('%s', (name) => {
    expect(applied(name)).toEqual(PARSER_OPTIONS[name]);
  });
});
