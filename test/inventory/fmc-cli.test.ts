/** firebook.fmc through the CLI: key errors (exit 4, file:line:col), `inventory --list/--graph`
 * from a recorded FMC, `--flush-cache`, `init --fmc` (docs/fmc.md). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { command as inventoryCommand } from '../../src/cli/commands/inventory.js';
import { command as initCommand } from '../../src/cli/commands/init.js';
import { loadInventory, setFmcConnector } from '../../src/inventory/index.js';
import { fb } from '../cli/helpers.js';
import { CANARY_PASSWORD, FMC_YML, RecordedFmc } from './fmc-fixture.js';
import { writeTree } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';


afterEach(() => setFmcConnector(undefined));

describe('firebook inventory -i fmc.yml: key errors (built CLI, exit 4, nothing asked)', () => {
  it.each([
    ['a misspelt key', 'usrname: ro\n', 5, 1, /unknown key 'usrname'/, /did you mean 'username'/],
    ['http://', null, 2, 6, /must use https:\/\//, /HTTPS only/],
    ['a Jinja expression in compose', 'compose: { ansible_host: "{{ hostName | lower }}" }\n', 5, 26, /field path/, /never evaluates an expression/],
    ['a misspelt keyed_groups key', 'keyed_groups:\n  - { key: model, prefx: m }\n', 6, 19, /unknown key 'prefx'/, /did you mean 'prefix'/],
    ['rate_limit over the FMC\'s', 'rate_limit: 1000\n', 5, 13, /from 1 to 300/, /110/],
    ['validate_certs not a boolean', 'validate_certs: no-thanks\n', 5, 17, /true or false/, /validate_certs: false/],
    ['a missing ca_file', 'ca_file: fmc-ca.pem\n', 5, 10, /ca_file fmc-ca.pem does not exist/, /relative to/],
    ['an unknown plugin', null, 1, 1, /unknown inventory plugin "firebook.fcm"/, /did you mean 'firebook.fmc'/],
  ])('%s', (name, extra, line, col, message, hint) => {
    let text = FMC_YML(extra ?? '');
    if (name === 'http://') text = text.replace('https://', 'http://');
    if (name === 'an unknown plugin') text = text.replace('firebook.fmc', 'firebook.fcm');
    const root = writeTree({ 'fmc.yml': text });
    const r = fb(['inventory', '-i', 'fmc.yml', '--list'], root);
    expect(r.status).toBe(4);
    expect(r.stdout).toBe('');
    const [first, hintLine] = r.stderr.split('\n');
    expect(first).toMatch(new RegExp(`^${join(root, 'fmc.yml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:${col}: error\\[inventory\\]: `));
    expect(first).toMatch(message);
    expect(hintLine).toMatch(hint);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('firebook inventory -i fmc.yml from a recorded FMC', () => {
  const ENV = { FMC_PASSWORD: CANARY_PASSWORD };
  const setup = (extra = 'include_fmc: true\nkeyed_groups: [{ key: sw_version, prefix: v }]\n', files: Record<string, string> = {}) => {
    const root = writeTree({ 'fmc.yml': FMC_YML(extra), 'group_vars/all.yml': 'ansible_user: admin\n', ...files });
    const fmc = new RecordedFmc();
    setFmcConnector(fmc.connect);
    return { root, fmc, env: { ...ENV, XDG_CACHE_HOME: join(root, '.cache') } };
  };

  it('--list prints what ansible-inventory would: hosts, groups, ha_group, fmc_* variables', async () => {
    const { root, env } = setup();
    const m = memoryIo(root, env);
    expect(await inventoryCommand.run(['-i', 'fmc.yml', '--list'], m.io)).toBe(0);
    expect(m.err()).toBe('');
    const doc = JSON.parse(m.out());
    expect(doc.all.children).toEqual(['ungrouped', 'ftd', 'DC_1', 'Lab', 'Branch_offices', 'v_6_5_0', 'v_7_6_4', 'fmc']);
    expect(doc.ftd.hosts).toEqual(['Cat', 'ftd-dc1-01', 'ftd-dc1-02', 'ftd-br-7']);
    expect(doc.DC_1.hosts).toEqual(['ftd-dc1-01', 'ftd-dc1-02']);
    expect(doc.fmc.hosts).toEqual(['fmc.example.net']);
    expect(doc.v_7_6_4.hosts).toEqual(['ftd-dc1-01', 'ftd-dc1-02', 'ftd-br-7']);
    expect(doc._meta.hostvars['ftd-dc1-01']).toEqual({
      ansible_host: '192.0.2.11',
      ansible_user: 'admin',
      fmc_device_id: '11111111-aaaa-4bbb-8ccc-000000000001',
      fmc_domain: 'Global',
      fmc_ha_pair: 'ha-dc1',
      fmc_ha_role: 'primary',
      fmc_health_status: 'green',
      fmc_is_connected: true,
      fmc_model: 'Cisco Firepower 2130 Threat Defense',
      fmc_sw_version: '7.6.4',
      ha_group: 'ha-dc1',
      platform: 'ftd',
    });
    expect(doc._meta.hostvars['fmc.example.net']).toMatchObject({ platform: 'fmc', ansible_host: 'fmc.example.net', fmc_url: 'https://fmc.example.net' });
    expect(m.out()).not.toContain(CANARY_PASSWORD);
  });

  it('--graph draws the same tree', async () => {
    const { root, env } = setup('');
    const m = memoryIo(root, env);
    expect(await inventoryCommand.run(['-i', 'fmc.yml', '--graph'], m.io)).toBe(0);
    expect(m.out()).toBe(['@all:', '  |--@ungrouped:', '  |--@ftd:', '  |  |--Cat', '  |  |--ftd-dc1-01', '  |  |--ftd-dc1-02', '  |  |--ftd-br-7', '  |--@DC_1:', '  |  |--ftd-dc1-01', '  |  |--ftd-dc1-02', '  |--@Lab:', '  |  |--Cat', '  |--@Branch_offices:', '  |  |--ftd-br-7', ''].join('\n'));
  });

  it('--host with --show-secrets still never shows the FMC password (it is no host variable)', async () => {
    const { root, env } = setup();
    const m = memoryIo(root, env);
    expect(await inventoryCommand.run(['-i', 'fmc.yml', '--host', 'fmc.example.net', '--show-secrets'], m.io)).toBe(0);
    expect(m.out() + m.err()).not.toContain(CANARY_PASSWORD);
  });

  it('cache: true answers from the cache; --flush-cache asks the FMC again', async () => {
    const { root, fmc, env } = setup('cache: true\n');
    for (const args of [[], [], ['--flush-cache']]) expect(await inventoryCommand.run(['-i', 'fmc.yml', '--list', ...args], memoryIo(root, env).io)).toBe(0);
    expect(fmc.logins).toBe(2);
  });

  it('several -i merge in order: the FMC source and a static file, each with its own group_vars/', async () => {
    const { root, env } = setup('', { 'static/hosts.yml': 'all:\n  children:\n    linux:\n      hosts:\n        jump1: { ansible_host: 192.0.2.99, platform: linux }\n', 'static/group_vars/linux.yml': 'ansible_user: ops\n', 'static/host_vars/Cat.yml': 'ansible_host: 198.51.100.1\n' });
    const m = memoryIo(root, env);
    expect(await inventoryCommand.run(['-i', 'fmc.yml', '-i', 'static/hosts.yml', '--list'], m.io)).toBe(0);
    const doc = JSON.parse(m.out());
    expect(doc.linux.hosts).toEqual(['jump1']);
    expect(doc.ftd.hosts).toContain('Cat');
    expect(doc._meta.hostvars.jump1).toEqual({ ansible_host: '192.0.2.99', ansible_user: 'ops', platform: 'linux' });
    // group_vars/all.yml beside fmc.yml applies to every host; static/host_vars/ beats the FMC's hostName.
    expect(doc._meta.hostvars.Cat).toMatchObject({ ansible_user: 'admin', ansible_host: '198.51.100.1' });
  });

  it('validate_certs: false is warned on stderr', async () => {
    const { root, env } = setup('validate_certs: false\n');
    const m = memoryIo(root, env);
    expect(await inventoryCommand.run(['-i', 'fmc.yml', '--graph'], m.io)).toBe(0);
    expect(m.err()).toMatch(/^firebook: warning: .*fmc\.yml:5:1: validate_certs: false/);
  });
});

describe('firebook init --fmc', () => {
  it('scaffolds inventory/fmc.yml (password_env, ca_file, comments) that loads once its CA is there', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-fmc-'));
    const m = memoryIo(cwd, {});
    expect(await initCommand.run(['fw', '--fmc'], m.io)).toBe(0);
    expect(m.out()).toMatch(/created fw\/inventory\/fmc\.yml/);
    expect(m.out()).toMatch(/firebook inventory -i inventory\/fmc\.yml --graph/);
    const file = join(cwd, 'fw/inventory/fmc.yml');
    const fmc = new RecordedFmc();
    const opts = { fmc: { connect: fmc.connect, env: { FMC_PASSWORD: CANARY_PASSWORD, XDG_CACHE_HOME: join(cwd, 'cache') } } };
    // As scaffolded: the CA file is still to be put there, and the error says where.
    await expect(loadInventory(file, opts)).rejects.toThrow(/fmc\.yml:\d+:\d+: error\[inventory\]: ca_file fmc-ca\.pem does not exist/);
    writeFileSync(join(cwd, 'fw/inventory/fmc-ca.pem'), '-----BEGIN CERTIFICATE-----\n');
    const inv = await loadInventory(file, opts);
    expect(fmc.settings[0]).toMatchObject({ username: 'firebook-ro', caFile: join(cwd, 'fw/inventory/fmc-ca.pem'), validateCerts: true, rateLimit: 110 });
    // group_vars/ of the scaffold apply to the FMC's hosts.
    expect(inv.hosts.get('ftd-dc1-01')!.vars).toMatchObject({ ansible_user: 'admin', platform: 'ftd', dns_servers: ['192.0.2.53', '192.0.2.54'] });
    expect(inv.hosts.get('fmc.example.net')!.vars.platform).toBe('fmc');
    expect(inv.groups.has('v_7_6_4')).toBe(true);
  });

  it('without --fmc, no fmc.yml', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-fmc-'));
    const m = memoryIo(cwd, {});
    expect(await initCommand.run(['fw'], m.io)).toBe(0);
    expect(m.out()).not.toMatch(/inventory\/fmc\.yml/);
  });
});
