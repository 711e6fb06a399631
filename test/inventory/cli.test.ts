import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/inventory.js';
import { REDACTED } from '../../src/model/redact.js';
import { issuesOf, writeTree } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';

const REPO = join(import.meta.dirname, '../..');


const SECRET_INV = 'all:\n  hosts:\n    fw1:\n      ansible_host: 192.0.2.1\n      ansible_password: S3cret-pw\n      ansible_ssh_common_args: "-o Foo=S3cret-pw"\n      ansible_ssh_private_key_file: /keys/fw1\n      creds:\n        api_token: tok-123\n';

describe('firebook inventory', () => {
  it('--list prints ansible-inventory JSON with 2-space indent', async () => {
    const m = memoryIo(REPO);
    expect(await command.run(['-i', 'inventory/example.yml', '--list'], m.io)).toBe(0);
    const doc = JSON.parse(m.out());
    expect(doc.all.children).toEqual(['ungrouped', 'ftd', 'fmc', 'dc1', 'lab']);
    expect(doc._meta.hostvars['ftd-lab-02']).toMatchObject({ ansible_port: 2222, ansible_user: 'labadmin', platform: 'ftd' });
    expect(m.out()).toMatch(/^\{\n {2}"_meta"/);
  });

  it('--list redacts secrets unless --show-secrets', async () => {
    const root = writeTree({ 'hosts.yml': SECRET_INV });
    const m = memoryIo(root);
    await command.run(['-i', 'hosts.yml', '--list'], m.io);
    const vars = JSON.parse(m.out())._meta.hostvars.fw1;
    expect(vars.ansible_password).toBe(REDACTED);
    expect(vars.creds.api_token).toBe(REDACTED);
    expect(vars.ansible_ssh_common_args).toBe(`-o Foo=${REDACTED}`);
    expect(vars.ansible_ssh_private_key_file).toBe('/keys/fw1');
    expect(m.out()).not.toContain('S3cret-pw');
    const shown = memoryIo(root);
    await command.run(['-i', 'hosts.yml', '--list', '--show-secrets'], shown.io);
    expect(JSON.parse(shown.out())._meta.hostvars.fw1.ansible_password).toBe('S3cret-pw');
  });

  it('--host prints one host, redacted', async () => {
    const root = writeTree({ 'hosts.yml': SECRET_INV });
    const m = memoryIo(root);
    await command.run(['-i', 'hosts.yml', '--host', 'fw1'], m.io);
    expect(JSON.parse(m.out())).toMatchObject({ ansible_host: '192.0.2.1', ansible_password: REDACTED });
  });

  it('--graph GROUP prints the subtree', async () => {
    const m = memoryIo(REPO);
    await command.run(['-i', 'inventory/example.ini', '--graph', 'lab'], m.io);
    expect(m.out()).toBe('@lab:\n  |--ftd-lab-01\n  |--ftd-lab-02\n');
  });

  it('--limit filters hosts; groups left empty disappear', async () => {
    const m = memoryIo(REPO);
    await command.run(['-i', 'inventory/example.yml', '--list', '--limit', 'ftd:&dc1'], m.io);
    const doc = JSON.parse(m.out());
    expect(Object.keys(doc._meta.hostvars)).toEqual(['ftd-dc1-01', 'ftd-dc1-02']);
    expect(doc.ftd.hosts).toEqual(['ftd-dc1-01', 'ftd-dc1-02']);
    expect(doc).not.toHaveProperty('lab');
  });

  it('warns on stderr when --limit matches nothing', async () => {
    const m = memoryIo(REPO);
    await command.run(['-i', 'inventory/example.yml', '--graph', '--limit', 'nope'], m.io);
    expect(m.err()).toMatch(/matches no host/);
  });

  it.each([
    [['--list'], 'cli-usage'],
    [['-i', 'inventory/example.yml'], 'cli-usage'],
    [['-i', 'inventory/example.yml', '--list', '--graph'], 'cli-usage'],
    [['-i', 'inventory/example.yml', '--bogus'], 'cli-usage'],
    [['-i', 'inventory/example.yml', '--host', 'nope'], 'inventory'],
    [['-i', 'inventory/example.yml', '--graph', 'nope'], 'inventory'],
    [['-i', 'missing.yml', '--list'], 'file-not-found'],
  ])('%j → %s', async (argv, code) => {
    const [issue] = await issuesOf(() => command.run(argv, memoryIo(REPO).io));
    expect(issue.code).toBe(code);
  });

  it('has usage text with examples', () => {
    expect(command.name).toBe('inventory');
    expect(command.usage).toMatch(/Examples:/);
    expect(command.usage).toMatch(/--limit/);
  });
});

describe('firebook inventory --host: the secret-name rule (issue 17)', () => {
  it('masks adminpassword, enable_pw, psk, tacacs_key, snmp_community, community; keeps key paths', async () => {
    const root = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    fw1:\n      adminpassword: c-1\n      password2: c-2\n      enable_pw: c-3\n      psk: c-4\n      tacacs_key: c-5\n      snmp_community: c-6\n      community: c-7\n      ssh_key_file: /keys/fw1\n' });
    const m = memoryIo(root);
    expect(await command.run(['-i', 'hosts.yml', '--host', 'fw1'], m.io)).toBe(0);
    const vars = JSON.parse(m.out());
    for (const k of ['adminpassword', 'password2', 'enable_pw', 'psk', 'tacacs_key', 'snmp_community', 'community']) expect(vars[k], k).toBe(REDACTED);
    expect(vars.ssh_key_file).toBe('/keys/fw1');
    expect(m.out()).not.toMatch(/c-\d/);
  });
});
