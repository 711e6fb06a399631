/** An input's `choices` may declare aliases (issue 18): `sse_region` accepts `apjc` (the name
 * Cisco's documents use) as `apj`, commands and reports see `apj`, and a value that is neither a
 * choice nor an alias is refused with the accepted values and a "did you mean" for a near miss. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalChoice, validateVarValue } from '../../src/command/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { DEMO_FLEET } from '../../src/cli/commands/demo.js';
import type { VarDeclaration } from '../../src/model/playbook.js';
import type { RunReport } from '../../src/model/result.js';
import { fb } from '../cli/helpers.js';
import { runOn, SECUREX, writeInventory } from '../integration/helpers.js';

const REGION: VarDeclaration = { type: 'string', choices: ['us', 'eu', 'apj'], aliases: { apjc: 'apj' } };

describe('the checking function (validateVarValue) and the alias reading (canonicalChoice)', () => {
  it('accepts a choice and an alias; an alias means its choice', () => {
    expect(validateVarValue(REGION, 'apj')).toBeUndefined();
    expect(validateVarValue(REGION, 'apjc')).toBeUndefined();
    expect(canonicalChoice(REGION, 'apjc')).toBe('apj');
    expect(canonicalChoice(REGION, 'eu')).toBe('eu');
    expect(canonicalChoice({ type: 'string' }, 'apjc')).toBe('apjc');
  });

  it('a near miss: the accepted values and the nearest', () => {
    expect(validateVarValue(REGION, 'apjx')).toBe(`"apjx" is not one of us, eu, apj (or apjc for apj); did you mean 'apj'?`);
    expect(validateVarValue(REGION, 'APJC')).toBe(`"APJC" is not one of us, eu, apj (or apjc for apj); did you mean 'apjc'?`);
    expect(validateVarValue({ ...REGION, aliases: { ...REGION.aliases, europe: 'eu' } }, 'eruope')).toBe(
      `"eruope" is not one of us, eu, apj (or apjc for apj, europe for eu); did you mean 'europe'?`,
    );
  });

  it('far from every name: the accepted values only; a secret value is neither echoed nor guessed', () => {
    expect(validateVarValue(REGION, 'antarctica')).toBe('"antarctica" is not one of us, eu, apj (or apjc for apj)');
    expect(validateVarValue({ ...REGION, secret: true }, 'apjx')).toBe('the value is not one of us, eu, apj (or apjc for apj)');
    expect(validateVarValue({ type: 'string', choices: ['a', 'b'] }, 5)).toBe('5 is not one of a, b');
  });
});

describe('firebook validate with sse_region', () => {
  it('-e sse_region=apjc is valid', () => {
    const r = fb(['validate', 'playbooks/securex.yml', '-e', 'sse_region=apjc']);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('-e sse_region=apjx: exit 4, one line with the accepted values and a did you mean', () => {
    const r = fb(['validate', 'playbooks/securex.yml', '-e', 'sse_region=apjx']);
    expect(r.status).toBe(4);
    expect(r.stderr).toBe(`error[invalid-variable]: -e sse_region=apjx: input 'sse_region' must be string: "apjx" is not one of us, eu, apj (or apjc for apj); did you mean 'apj'?\n`);
  });
});

describe('aliases are checked when the playbook is validated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-aliases-'));
  const playbook = (name: string, input: string) => {
    const file = join(dir, `${name}.yml`);
    writeFileSync(file, ['name: aliases', 'inputs:', `  region: ${input}`, 'checks:', '  - id: c', '    title: c', '    severity: low', '    collect:', '      - command: show version', '        level: cli', '    expect:', '      - of: exit', '        equals: 0', ''].join('\n'));
    return file;
  };

  it.each([
    ['an alias of no choice', '{ type: string, choices: [us, eu], aliases: { europe: euu } }', "3:65: error[unknown-reference]: input 'region': alias 'europe' means 'euu', which is not one of its choices (us, eu)\n  hint: did you mean 'eu'?"],
    ['an alias that is a choice', '{ type: string, choices: [us, eu], aliases: { eu: us } }', "3:57: error[schema]: input 'region': alias 'eu' is also a choice"],
    ['aliases without choices', '{ type: string, aliases: { apjc: apj } }', "3:27: error[schema]: input 'region': aliases need choices"],
    ['an alias default', '{ type: string, choices: [us, apj], aliases: { apjc: apj }, default: apjx }', "3:80: error[invalid-variable]: default of input 'region': \"apjx\" is not one of us, apj (or apjc for apj); did you mean 'apj'?"],
  ])('%s → exit 4 at file:line:col', (name, input, expected) => {
    const file = playbook(name.replace(/\W+/g, '-'), input);
    const r = fb(['validate', file]);
    expect(r.status).toBe(4);
    expect(r.stderr.startsWith(`${file}:${expected}`)).toBe(true);
  });

  it('an alias given as default passes and is read as its choice', () => {
    const r = fb(['validate', playbook('alias-default', '{ type: string, choices: [us, apj], aliases: { apjc: apj }, default: apjc }')]);
    expect(r.status).toBe(0);
  });
});

describe('a host with sse_region: apjc runs against the APJ endpoints (lab over SSH)', () => {
  let lab: Lab;
  let report: RunReport;
  beforeAll(async () => {
    lab = await startLab({ hosts: DEMO_FLEET.filter((h) => h.name === 'ftd-apjc') });
    ({ report } = await runOn(writeInventory(lab, [], undefined, { 'ftd-apjc': { sse_region: 'apjc' } }), lab, { playbooks: [SECUREX] }));
  }, 120_000);
  afterAll(() => lab?.stop());

  it('every check passes (the FMC API ones are skipped), the report records apj, and the commands name only APJ hosts', () => {
    const host = report.hosts[0];
    expect(host.selections).toEqual({ sse_region: 'apj' });
    // the FMC API checks (issue 19) are not applicable on a host without a firebook.fmc source
    expect(host.checks.map((c) => c.status)).toEqual(host.checks.map((c) => (c.checkId.startsWith('fmc-') ? 'skipped' : 'pass')));
    const commands = host.checks.flatMap((c) => c.evidence.map((e) => e.command)).join('\n');
    expect(commands).toContain('api.apj.sse.itd.cisco.com');
    expect(commands).not.toMatch(/apjc|api-sse\.cisco\.com/);
  });
});
