import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { UserError } from '../../src/model/errors.js';

const dir = join(import.meta.dirname, '../fixtures/plan');
const pb = () => loadPlaybook(join(dir, 'tagged.yml'));
const inv = () => loadInventory(join(dir, 'hosts.yml'));

describe('plan', () => {
  it('targets every host of the inventory in order', async () => {
    const plan = buildPlan([pb()], await inv());
    expect(plan.hosts.map((h) => h.name)).toEqual(['ftd01', 'ftd02', 'lab-ftd03', 'fmc01']);
    expect(plan.checks.map((c) => c.id)).toEqual(['gate', 'dns', 'conn']);
  });

  it.each([
    ['ftd', ['ftd01', 'ftd02', 'lab-ftd03']],
    ['ftd:!lab*', ['ftd01', 'ftd02']],
    ['ftd01,fmc01', ['ftd01', 'fmc01']],
  ])('--limit %s', async (limit, hosts) => {
    expect(buildPlan([pb()], await inv(), { limit }).hosts.map((h) => h.name)).toEqual(hosts);
  });

  it('a --limit that matches nothing is invalid input', async () => {
    const i = await inv();
    expect(() => buildPlan([pb()], i, { limit: 'nope' })).toThrow(/matches no host/);
  });

  it.each([
    [{ tags: ['dns'] }, ['gate', 'dns']],
    [{ skipTags: ['dns'] }, ['gate', 'conn']],
    [{ tags: ['network'], skipTags: ['conn'] }, ['gate', 'dns']],
    [{ skipTags: ['gate'] }, ['dns', 'conn']],
  ])('tags %j select %j (applicability checks always run unless skipped)', async (opts, ids) => {
    const plan = buildPlan([pb()], await inv(), opts);
    expect(plan.hosts[0].playbooks[0].checks.map((c) => c.id)).toEqual(ids);
  });

  it('variable precedence: all < group < host < playbook vars < platform_vars < -e', async () => {
    const i = await inv();
    const vars = (plan: ReturnType<typeof buildPlan>, host: string) => plan.hosts.find((h) => h.name === host)!.playbooks[0].vars;
    const plain = buildPlan([pb()], i);
    expect(vars(plain, 'ftd02').site).toBe('playbook-level');
    expect(vars(plain, 'fmc01').site).toBe('fmc-platform');
    expect(vars(buildPlan([pb()], i, { extraVars: { site: 'cli' } }), 'fmc01').site).toBe('cli');
  });

  it('coerces typed inputs and rejects bad values before anything runs', async () => {
    const i = await inv();
    const ok = buildPlan([pb()], i, { extraVars: { servers: '192.0.2.53, 192.0.2.54' } });
    expect(ok.hosts[0].playbooks[0].vars.servers).toEqual(['192.0.2.53', '192.0.2.54']);
    try {
      buildPlan([pb()], i, { extraVars: { servers: '192.0.2.53,not-an-ip;reboot' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      // Named by the -e argument (said once), not by the playbook's inputs once per host.
      expect((err as UserError).issues).toHaveLength(1);
      expect((err as UserError).issues[0].location).toBeUndefined();
      expect((err as UserError).issues[0]).toMatchObject({ code: 'invalid-variable', message: expect.stringMatching(/^-e servers=192\.0\.2\.53,not-an-ip;reboot: /) });
    }
  });

  it('collects the secrets to redact from connection variables', async () => {
    const plan = buildPlan([pb()], await inv());
    expect(plan.hosts[0].secrets).toContain('s3cr3t-canary');
  });

  it('a --tags typo is invalid input with a suggestion, not an empty green run', async () => {
    const i = await inv();
    try {
      buildPlan([pb()], i, { tags: ['netwrk'] });
      expect.unreachable();
    } catch (err) {
      expect((err as UserError).issues[0]).toMatchObject({ code: 'cli-usage', hint: "did you mean 'network'?" });
    }
  });

  it('a playbook whose hosts match nothing is invalid input', async () => {
    const p = pb();
    const broken = { ...p, spec: { ...p.spec, hosts: 'ftdd' } };
    const i = await inv();
    expect(() => buildPlan([broken], i)).toThrow(/hosts 'ftdd' matches no host/);
  });

  it('an empty list input counts as not set', async () => {
    const plan = buildPlan([pb()], await inv(), { extraVars: { servers: '' } });
    expect('servers' in plan.hosts[0].playbooks[0].vars).toBe(false);
  });

  it('a check selected by --tags brings the earlier checks it reads', async () => {
    const dep = loadPlaybook(join(dir, '../playbooks/runner/retry.yml'));
    const plan = buildPlan([dep], await inv(), { tags: ['uses-registered'] });
    expect(plan.hosts[0].playbooks[0].checks.map((c) => c.id)).toEqual(['cli-only', 'uses-registered']);
  });
});
