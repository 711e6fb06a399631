/** The plan knows every secret of a host before anything can print: one rule, any depth, -e wins. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { UserError } from '../../src/model/errors.js';

const dir = join(import.meta.dirname, '../fixtures/plan');
const pb = () => loadPlaybook(join(dir, 'tagged.yml'));
const inv = () => loadInventory(join(dir, 'hosts.yml'));

describe('plan: secrets and -e', () => {
  it('collects secrets nested in -e JSON, short ones too, and not names that merely contain "pass"', async () => {
    const plan = buildPlan([pb()], await inv(), { limit: 'ftd01', extraVars: { proxy: { auth: { password: 'pw' }, bypass_proxy: 'proxy.example.com' }, tokens: ['t-1'] } });
    const secrets = plan.hosts[0].secrets;
    expect(secrets).toEqual(expect.arrayContaining(['s3cr3t-canary', 'pw', 't-1']));
    expect(secrets).not.toContain('proxy.example.com');
  });

  it('-e connection variables win over the inventory and are secrets', async () => {
    const plan = buildPlan([pb()], await inv(), { limit: 'ftd01', extraVars: { ansible_password: 'from-e', ansible_user: 'ops', ansible_port: '2222', ansible_host: '192.0.2.99', ansible_become_password: 'root-pw', ansible_ssh_private_key_file: '/k' } });
    expect(plan.hosts[0].connection).toMatchObject({ password: 'from-e', user: 'ops', port: 2222, address: '192.0.2.99', becomePassword: 'root-pw', privateKeyFile: '/k' });
    expect(plan.hosts[0].secrets).toEqual(expect.arrayContaining(['from-e', 'root-pw']));
    // An alias given with -e beats the inventory's other spelling (ansible_password there).
    const alias = buildPlan([pb()], await inv(), { limit: 'ftd01', extraVars: { ansible_ssh_pass: 'alias-pw', ansible_become_pass: 'b' } });
    expect(alias.hosts[0].connection).toMatchObject({ password: 'alias-pw', becomePassword: 'b' });
  });

  it('values that are secret whatever their name (vaulted) are redacted, also from error messages', async () => {
    const plan = buildPlan([pb()], await inv(), { limit: 'ftd01', secretValues: ['vaulted-x'] });
    expect(plan.hosts[0].secrets).toContain('vaulted-x');
    try {
      buildPlan([pb()], await inv(), { limit: 'ftd01', extraVars: { servers: 'vaulted-x' }, secretValues: ['vaulted-x'] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).not.toContain('vaulted-x');
    }
  });
});
