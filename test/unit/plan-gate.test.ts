/** The command gate at plan time: bad values are invalid input (exit 4), said once. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan, type PlanOptions } from '../../src/plan/plan.js';
import { UserError, type UserIssue } from '../../src/model/errors.js';

const PLAYBOOK = join(import.meta.dirname, '../fixtures/plan/commands.yml');

/** An inventory of `n` FTDs sharing group vars. */
async function inventory(n: number, groupVars: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'fb-gate-'));
  const hosts = Array.from({ length: n }, (_, i) => `        fw${String(i + 1).padStart(2, '0')}: { ansible_host: 192.0.2.${i + 1} }`);
  writeFileSync(join(dir, 'hosts.yml'), ['all:', '  children:', '    ftd:', `      vars: ${JSON.stringify({ platform: 'ftd', ...groupVars })}`, '      hosts:', ...hosts].join('\n') + '\n');
  return loadInventory(join(dir, 'hosts.yml'));
}

async function issues(groupVars: Record<string, unknown>, opts: PlanOptions = {}): Promise<UserIssue[]> {
  const inv = await inventory(25, groupVars);
  try {
    buildPlan([loadPlaybook(PLAYBOOK)], inv, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).issues;
  }
  return [];
}

describe('values are gated before anything runs', () => {
  it('a valid plan has no issue', async () => {
    expect(await issues({ m: 'network' }, { extraVars: { servers: '192.0.2.53' } })).toEqual([]);
  });

  it('an invalid -e input is one issue naming the -e argument, not one per host', async () => {
    const found = await issues({ m: 'network' }, { extraVars: { servers: 'not-an-ip' }, extraVarOrigins: { servers: 'servers=not-an-ip' } });
    expect(found).toHaveLength(1);
    expect(found[0].code).toBe('invalid-variable');
    expect(found[0].location).toBeUndefined();
    expect(found[0].message).toMatch(/^-e servers=not-an-ip: input 'servers' must be ip-list: item 1: "not-an-ip" is not an IPv4 or IPv6 address$/);
  });

  it('the exploit value from -e JSON (an object key) is refused once', async () => {
    const arg = '{"m": {"a;reboot": 1}}';
    const found = await issues({}, { extraVars: { m: { 'a;reboot': 1 } }, extraVarOrigins: { m: arg } });
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe(`-e ${arg}: vars.m is a mapping; a command takes a single value or a list (in a cli command)`);
  });

  it('a hostile inventory value is refused at the hole, once for all hosts', async () => {
    const found = await issues({ m: 'network;reboot' });
    expect(found).toHaveLength(1);
    expect(found[0].message).toMatch(/^vars\.m contains characters the FTD CLI cannot take safely \(";"\).* for hosts fw01, fw02, fw03 and 22 more$/);
    expect(found[0].location).toMatchObject({ line: 12, col: 50 }); // the hole, inside the command
  });

  it('an empty value where a command needs one is invalid input', async () => {
    const found = await issues({ m: '' });
    expect(found.map((i) => i.message)).toEqual([expect.stringMatching(/^vars\.m is empty: this command needs a value here .*for hosts fw01/)]);
  });

  it('a declared path overridden with -e keeps its type', async () => {
    const found = await issues({ m: 'network' }, { extraVars: { log: '/tmp/a b' } });
    expect(found.map((i) => i.message)).toEqual(['-e log=/tmp/a b: log is not a file path (letters, digits and . _ / @ + = , : % ~ -) (the type of log in this command) (in a root command)']);
  });

  it('numbers pass the same gate', async () => {
    const found = await issues({ m: -1 });
    expect(found[0].message).toMatch(/vars\.m starts with '-'/);
  });
});

describe('-e values without an inventory (firebook validate PLAYBOOK -e …)', () => {
  it('are checked against the inputs and the command holes they fill', async () => {
    const { checkExtraVars } = await import('../../src/plan/plan.js');
    const pb = loadPlaybook(PLAYBOOK);
    expect(checkExtraVars([pb], { extraVars: { m: 'network', servers: '192.0.2.1' } })).toEqual([]);
    const found = checkExtraVars([pb], { extraVars: { m: { 'a;reboot': 1 }, servers: 'x' }, extraVarOrigins: { m: '{"m":…}', servers: 'servers=x' } });
    expect(found.map((i) => i.message)).toEqual([
      `-e servers=x: input 'servers' must be ip-list: item 1: "x" is not an IPv4 or IPv6 address`,
      '-e {"m":…}: vars.m is a mapping; a command takes a single value or a list (in a cli command)',
    ]);
  });
});
