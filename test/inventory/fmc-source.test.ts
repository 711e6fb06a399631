/** firebook.fmc: the source through loadInventory — vars files, cache, password, errors (docs/fmc.md). */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fmcCacheFile, fmcSourceOf, loadInventory, type FmcSourceOptions } from '../../src/inventory/index.js';
import { CANARY_PASSWORD, FMC_YML, RecordedFmc, TriagedError } from './fmc-fixture.js';
import { Vault } from '../../src/inventory/vault.js';
import { requireProgram } from '../support/requires.js';
import { issuesOf, writeTree } from './helpers.js';

const ANSIBLE_VAULT = requireProgram('firebook.fmc vaulted password', ['/usr/bin/ansible-vault', '/usr/local/bin/ansible-vault'], 'pip install ansible-core');

function setup(extra = '', files: Record<string, string> = {}) {
  const root = writeTree({ 'inv/fmc.yml': FMC_YML(extra), ...files });
  const fmc = new RecordedFmc();
  const warnings: string[] = [];
  const env = { FMC_PASSWORD: CANARY_PASSWORD, XDG_CACHE_HOME: join(root, 'cache') };
  let clock = Date.parse('2026-12-07T12:00:00Z');
  const opts = (over: FmcSourceOptions = {}): FmcSourceOptions => ({ connect: fmc.connect, env, now: () => clock, warn: (l) => warnings.push(l), ...over });
  const load = (over: FmcSourceOptions = {}) => loadInventory(join(root, 'inv/fmc.yml'), { fmc: opts(over) });
  return { root, fmc, warnings, env, load, tick: (s: number) => (clock += s * 1000) };
}

describe('firebook.fmc source', () => {
  it('reads the three collections of the logged-in domain once, with the settings of the file', async () => {
    const s = setup('domain: Global\nrate_limit: 60\n');
    const inv = await s.load();
    expect(s.fmc.logins).toBe(1);
    expect(s.fmc.gets).toEqual([
      '/api/fmc_config/v1/domain/e276abec-e0f2-11e3-8169-6d9ed49b625f/devices/devicerecords',
      '/api/fmc_config/v1/domain/e276abec-e0f2-11e3-8169-6d9ed49b625f/devicehapairs/ftddevicehapairs',
      '/api/fmc_config/v1/domain/e276abec-e0f2-11e3-8169-6d9ed49b625f/devicegroups/devicegrouprecords',
    ]);
    expect(s.fmc.settings).toEqual([{ url: 'https://fmc.example.net', username: 'firebook-ro', password: CANARY_PASSWORD, domain: 'Global', validateCerts: true, rateLimit: 60 }]);
    expect([...inv.hosts.keys()]).toEqual(['Cat', 'ftd-dc1-01', 'ftd-dc1-02', 'ftd-br-7']);
    expect(inv.hosts.get('ftd-dc1-02')!.vars).toMatchObject({ platform: 'ftd', ha_group: 'ha-dc1', fmc_ha_role: 'secondary' });
    // The password is a secret of the inventory: every output redacts it.
    expect(inv.secretValues).toContain(CANARY_PASSWORD);
    expect(fmcSourceOf(inv, 'Cat')?.url).toBe('https://fmc.example.net');
    expect(fmcSourceOf(inv, 'nope')).toBeUndefined();
  });

  it('group_vars/ and host_vars/ beside the file apply, with their precedence over the FMC values', async () => {
    const s = setup('include_fmc: true\n', {
      'inv/group_vars/all.yml': 'ansible_user: admin\n',
      'inv/group_vars/ftd.yml': 'ansible_port: 22\nplatform: ftd\n',
      'inv/group_vars/DC_1.yml': 'site: dc1\n',
      'inv/group_vars/fmc.yml': 'ansible_user: fmcadmin\n',
      'inv/host_vars/ftd-br-7.yml': 'ansible_host: 198.51.100.7\n',
    });
    const inv = await s.load();
    expect(inv.hosts.get('ftd-dc1-01')!.vars).toMatchObject({ ansible_user: 'admin', ansible_port: 22, site: 'dc1', ansible_host: '192.0.2.11' });
    expect(inv.hosts.get('ftd-br-7')!.vars.ansible_host).toBe('198.51.100.7');
    expect(inv.hosts.get('fmc.example.net')!.vars).toMatchObject({ platform: 'fmc', ansible_user: 'fmcadmin' });
    expect(inv.varSource?.('ftd-br-7', 'ansible_host')).toMatch(/host_vars\/ftd-br-7\.yml$/);
  });

  it('merges with static files of the same inventory folder', async () => {
    const s = setup('', { 'inv/static.yml': 'all:\n  children:\n    linux:\n      hosts:\n        jump1: { ansible_host: 192.0.2.99, platform: linux }\n' });
    const inv = await loadInventory(join(s.root, 'inv'), { fmc: { connect: s.fmc.connect, env: s.env } });
    expect([...inv.hosts.keys()].sort()).toEqual(['Cat', 'ftd-br-7', 'ftd-dc1-01', 'ftd-dc1-02', 'jump1']);
    expect(inv.groups.get('all')!.children).toEqual(expect.arrayContaining(['ftd', 'linux', 'DC_1']));
  });

  it('cache: written 0600 in the cache folder, no password inside, reused within cache_ttl, asked again after', async () => {
    const s = setup('cache: true\ncache_ttl: 600\n');
    const first = await s.load();
    const file = fmcCacheFile({ url: 'https://fmc.example.net', username: 'firebook-ro', domain: 'Global' }, s.env);
    expect(file.startsWith(join(s.root, 'cache', 'firebook') + '/')).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(s.root, 'cache', 'firebook')).mode & 0o777).toBe(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(CANARY_PASSWORD);
    expect(text).not.toMatch(/password|token/i);
    expect(readdirSync(join(s.root, 'cache', 'firebook'))).toEqual([file.split('/').pop()]); // no temp file left
    expect(s.fmc.logins).toBe(1);

    s.tick(599);
    const second = await s.load({ env: { XDG_CACHE_HOME: s.env.XDG_CACHE_HOME } }); // no password needed for a cache hit
    expect(s.fmc.logins).toBe(1);
    expect([...second.hosts.entries()]).toEqual([...first.hosts.entries()]);

    s.tick(2);
    await s.load();
    expect(s.fmc.logins).toBe(2);

    await s.load({ flushCache: true });
    expect(s.fmc.logins).toBe(3);
  });

  it('cache: other mapping settings in the file are a miss, not stale groups', async () => {
    const s = setup('cache: true\n');
    await s.load();
    writeFileSync(join(s.root, 'inv/fmc.yml'), FMC_YML('cache: true\nkeyed_groups: [{ key: sw_version, prefix: v }]\n'));
    const inv = await s.load();
    expect(s.fmc.logins).toBe(2);
    expect(inv.groups.has('v_6_5_0')).toBe(true);
  });

  it('no cache file without cache: true', async () => {
    const s = setup();
    await s.load();
    expect(existsSync(join(s.root, 'cache'))).toBe(false);
  });

  it('a missing password_env variable is an error at its line, the FMC never asked', async () => {
    const s = setup();
    const [issue] = await issuesOf(() => s.load({ env: {} }));
    expect(issue).toMatchObject({ code: 'inventory', location: { file: join(s.root, 'inv/fmc.yml'), line: 4, col: 1 } });
    expect(issue.message).toMatch(/FMC_PASSWORD \(password_env\) is not set/);
    expect(s.fmc.logins).toBe(0);
  });

  it('an API client error becomes one clear error with its triage and next step, the password redacted', async () => {
    const s = setup();
    const fmc = new RecordedFmc(undefined, new TriagedError(`login refused for firebook-ro:${CANARY_PASSWORD}`, 'auth', 'check the account'));
    const [issue] = await issuesOf(() => s.load({ connect: fmc.connect }));
    expect(issue.code).toBe('inventory');
    expect(issue.message).toMatch(/could not read the FMC at https:\/\/fmc\.example\.net \(auth\)/);
    expect(issue.message).not.toContain(CANARY_PASSWORD);
    expect(issue.hint).toBe('check the account');
    expect(issue.location).toMatchObject({ line: 2, col: 1 });
  });

  it('a bug in the client (an error without triage) is not dressed up as user error', async () => {
    const s = setup();
    const fmc = new RecordedFmc(undefined, new TypeError('x is undefined'));
    await expect(s.load({ connect: fmc.connect })).rejects.toThrow(TypeError);
  });

  it('validate_certs: false is accepted only when said, and warned about', async () => {
    const s = setup('validate_certs: false\n');
    await s.load();
    expect(s.fmc.settings[0].validateCerts).toBe(false);
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/fmc\.yml:5:1: validate_certs: false/);
    expect(s.warnings[0]).not.toContain(CANARY_PASSWORD);
  });

  it('ca_file is relative to the file', async () => {
    const s = setup('ca_file: certs/fmc-ca.pem\n', { 'inv/certs/fmc-ca.pem': '-----BEGIN CERTIFICATE-----\n' });
    await s.load();
    expect(s.fmc.settings[0].caFile).toBe(join(s.root, 'inv/certs/fmc-ca.pem'));
  });

  it.skipIf(!ANSIBLE_VAULT)('a `password: !vault |` value (made by the real ansible-vault) is decrypted and redacted like any vault value', async () => {
    const pwRoot = writeTree({ pw: 'vault-pass\n' });
    const vaulted = execFileSync(ANSIBLE_VAULT!, ['encrypt_string', '--vault-password-file', join(pwRoot, 'pw'), '--name', 'password', CANARY_PASSWORD], { encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    const s = setup('', { 'inv/fmc.yml': FMC_YML().replace('password_env: FMC_PASSWORD\n', vaulted.trim() + '\n') });
    const vault = new Vault([{ id: 'default', password: Buffer.from('vault-pass'), source: 'pw' }]);
    const inv = await loadInventory(join(s.root, 'inv/fmc.yml'), { vault, fmc: { connect: s.fmc.connect, env: {} } });
    expect(s.fmc.settings[0].password).toBe(CANARY_PASSWORD);
    expect(inv.secretValues).toContain(CANARY_PASSWORD);
    expect(readFileSync(join(s.root, 'inv/fmc.yml'), 'utf8')).not.toContain(CANARY_PASSWORD);
  });
});
