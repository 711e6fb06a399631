/** Ansible Vault: data encrypted by the real ansible-vault, decrypted by firebook. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseExtraVars } from '../../src/cli/options.js';
import { loadInventory } from '../../src/inventory/index.js';
import { decryptVaultText, Vault, type VaultSecret } from '../../src/inventory/vault.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { REDACTED } from '../../src/model/redact.js';
import { requireProgram } from '../support/requires.js';
import { issuesOf } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';

const ANSIBLE_VAULT = requireProgram('Ansible Vault interop', ['/usr/bin/ansible-vault', '/usr/local/bin/ansible-vault'], 'apt-get install ansible-core');
const ROOT = join(import.meta.dirname, '../..');


const secret = (password: string, id = 'default'): VaultSecret => ({ id, password: Buffer.from(password), source: 'test' });

describe.skipIf(!ANSIBLE_VAULT)('Ansible Vault', () => {
  let dir: string;
  let inlineDefault: string; // `ansible_password: !vault |` (1.1, default id)
  let inlineProd: string; // `api_key: !vault |` (1.2;AES256;prod)
  const vault = (...args: string[]) => execFileSync(ANSIBLE_VAULT!, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fb-vault-'));
    writeFileSync(join(dir, 'pw-default'), 'default-vault-pw\n');
    writeFileSync(join(dir, 'pw-prod'), 'prod-vault-pw\n');
    inlineDefault = vault('encrypt_string', '--vault-password-file', 'pw-default', '--name', 'ansible_password', 'S3cret-login');
    inlineProd = vault('encrypt_string', '--vault-id', 'prod@pw-prod', '--name', 'api_key', 'k-123');
    // group_vars/all.yml: a whole file encrypted with a vault id.
    writeFileSync(join(dir, 'all.yml'), 'ansible_user: fwadmin\nsnmp_community: c0mmunity-x\n');
    vault('encrypt', '--vault-id', 'prod@pw-prod', 'all.yml');
  });

  it('decrypts ansible-vault output (1.1 and 1.2 with a vault id); a wrong password fails the HMAC check', () => {
    const text = (yaml: string) => yaml.split('\n').slice(1).map((l) => l.trim()).filter(Boolean).join('\n');
    expect(decryptVaultText(text(inlineDefault), [secret('default-vault-pw')])).toEqual({ plaintext: 'S3cret-login', vaultId: 'default' });
    expect(text(inlineProd)).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    // The secret whose id matches the header is tried first; others are still tried.
    expect(decryptVaultText(text(inlineProd), [secret('default-vault-pw'), secret('prod-vault-pw', 'prod')])).toEqual({ plaintext: 'k-123', vaultId: 'prod' });
    expect(decryptVaultText(text(inlineProd), [secret('wrong')])).toEqual({ reason: 'no-match', triedIds: ['default'] });
    const tampered = text(inlineDefault).replace(/\n(.)/, (_m, c: string) => `\n${c === '3' ? '4' : '3'}`);
    expect(decryptVaultText(tampered, [secret('default-vault-pw')])).toMatchObject({ reason: expect.stringMatching(/no-match|format/) });
  });

  function writeInventoryTree(): string {
    const root = mkdtempSync(join(dir, 'inv-'));
    const indent = (s: string) => s.trimEnd().split('\n').map((l) => `      ${l}`).join('\n');
    writeFileSync(join(root, 'hosts.yml'), `all:\n  hosts:\n    fw1:\n      ansible_host: 192.0.2.1\n${indent(inlineDefault)}\n${indent(inlineProd)}\n`);
    execFileSync('mkdir', ['-p', join(root, 'group_vars')]);
    writeFileSync(join(root, 'group_vars/all.yml'), readFileSync(join(dir, 'all.yml')));
    return root;
  }

  it('loads inline !vault values and vault-encrypted group_vars; every decrypted value is a secret', async () => {
    const root = writeInventoryTree();
    const inv = await loadInventory(join(root, 'hosts.yml'), { vault: new Vault([secret('default-vault-pw'), secret('prod-vault-pw', 'prod')]) });
    expect(inv.hosts.get('fw1')!.vars).toMatchObject({ ansible_password: 'S3cret-login', api_key: 'k-123', ansible_user: 'fwadmin', snmp_community: 'c0mmunity-x' });
    expect([...(inv.secretValues ?? [])].sort()).toEqual(['S3cret-login', 'c0mmunity-x', 'fwadmin', 'k-123']);
  });

  it('without a vault password: one error with file:line:col and the flag to use', async () => {
    const root = writeInventoryTree();
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.yml')));
    expect(issue).toMatchObject({ code: 'vault', location: { file: join(root, 'hosts.yml'), line: 5 } });
    expect(issue.message).toMatch(/!vault value of 'ansible_password' is encrypted with Ansible Vault and no vault password was given/);
    expect(issue.hint).toMatch(/--vault-password-file FILE or --vault-id/);
    const m = memoryIo(root);
    expect(await main(['inventory', '-i', 'hosts.yml', '--list'], m.io)).toBe(4);
    expect(m.err().trim().split('\n')[0]).toMatch(/^.*hosts\.yml:5:\d+: error\[vault\]: /);
    expect(m.err()).not.toMatch(/\n\s+at /);
  });

  it('with a wrong vault password: one clear error, exit 4', async () => {
    const root = writeInventoryTree();
    writeFileSync(join(root, 'wrong'), 'not-it\n');
    const m = memoryIo(root);
    expect(await main(['inventory', '-i', 'hosts.yml', '--list', '--vault-password-file', 'wrong'], m.io)).toBe(4);
    expect(m.err()).toMatch(/error\[vault\]: the !vault value of 'ansible_password' is encrypted with Ansible Vault and none of the vault passwords given decrypts it \(vault ids tried: default\)/);
  });

  it('firebook inventory: --vault-id and --vault-password-file (a file, a script, a -client script, the env variable); values shown redacted', async () => {
    const root = writeInventoryTree();
    writeFileSync(join(root, 'pw.sh'), '#!/bin/sh\necho default-vault-pw\n');
    writeFileSync(join(root, 'vault-client'), '#!/bin/sh\n[ "$1" = --vault-id ] && [ "$2" = prod ] && echo prod-vault-pw && exit 0\nexit 2\n');
    chmodSync(join(root, 'pw.sh'), 0o700);
    chmodSync(join(root, 'vault-client'), 0o700);
    for (const [flags, env] of [
      [['--vault-password-file', join(dir, 'pw-default'), '--vault-id', `prod@${join(dir, 'pw-prod')}`], {}],
      [['--vault-password-file', 'pw.sh', '--vault-id', 'prod@vault-client'], {}],
      [['--vault-id', 'prod@vault-client'], { ANSIBLE_VAULT_PASSWORD_FILE: join(dir, 'pw-default') }],
    ] as const) {
      const m = memoryIo(root, env);
      expect(await main(['inventory', '-i', 'hosts.yml', '--list', ...flags], m.io), m.err()).toBe(0);
      const vars = JSON.parse(m.out())._meta.hostvars.fw1;
      expect(vars).toMatchObject({ ansible_password: REDACTED, api_key: REDACTED, snmp_community: REDACTED, ansible_user: REDACTED, ansible_host: '192.0.2.1' });
      for (const plain of ['S3cret-login', 'k-123', 'c0mmunity-x']) expect(m.out().includes(plain)).toBe(false);
    }
    const shown = memoryIo(root);
    await main(['inventory', '-i', 'hosts.yml', '--host', 'fw1', '--show-secrets', '--vault-password-file', 'pw.sh', '--vault-id', 'prod@vault-client'], shown.io);
    expect(JSON.parse(shown.out())).toMatchObject({ ansible_password: 'S3cret-login', snmp_community: 'c0mmunity-x' });
  });

  it('-e @file: a vault-encrypted extra-vars file and inline !vault values in it', () => {
    const file = join(dir, 'extra.yml');
    writeFileSync(file, 'dns_servers: 192.0.2.53\n');
    vault('encrypt', '--vault-password-file', 'pw-default', 'extra.yml');
    const inline = join(dir, 'extra-inline.yml');
    writeFileSync(inline, inlineDefault);
    const v = new Vault([secret('default-vault-pw')]);
    expect(parseExtraVars('run', [`@${file}`, `@${inline}`], v)).toEqual({ dns_servers: '192.0.2.53', ansible_password: 'S3cret-login' });
    expect([...v.revealed].sort()).toEqual(['192.0.2.53', 'S3cret-login']);
    expect(() => parseExtraVars('run', [`@${file}`])).toThrow(/no vault password was given/);
  });

  it('validate and run take the same flags; a missing password file or prompting is an input error', async () => {
    const m = memoryIo(ROOT);
    expect(await main(['validate', 'playbooks/securex.yml', '--vault-password-file', '/nonexistent/pw'], m.io)).toBe(4);
    expect(m.err()).toMatch(/error\[file-not-found\]: --vault-password-file \/nonexistent\/pw: vault password file \/nonexistent\/pw does not exist/);
    const p = memoryIo(ROOT);
    expect(await main(['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--vault-id', 'prod@prompt'], p.io)).toBe(4);
    expect(p.err()).toMatch(/prompting for a vault password is not supported/);
  });

  describe('against the lab', () => {
    let lab: Lab;
    beforeAll(async () => {
      lab = await startLab({ hosts: [{ name: 'fw1', platform: 'ftd', scenario: 'healthy' }] });
    });
    afterAll(() => lab?.stop());

    it('a vaulted ansible_password logs in; the password and vaulted values appear nowhere in the reports', async () => {
      const pw = vault('encrypt_string', '--vault-password-file', 'pw-default', '--name', 'ansible_password', lab.password);
      const root = mkdtempSync(join(dir, 'lab-'));
      const h = lab.hosts[0];
      writeFileSync(join(root, 'hosts.yml'), `all:\n  vars:\n${pw.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')}\n  hosts:\n    fw1: { ansible_host: 127.0.0.1, ansible_port: ${h.port}, ansible_user: admin }\n`);
      const out = join(root, 'out');
      const m = memoryIo(ROOT);
      const code = await main(['run', 'playbooks/securex.yml', '-i', join(root, 'hosts.yml'), '--known-hosts', lab.knownHostsPath, '--vault-password-file', join(dir, 'pw-default'), '--out', out, '--format', 'json,md', '-q'], m.io);
      expect(code, m.err()).toBe(0);
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
      expect(report.hosts[0].status).toBe('ok');
      for (const f of ['report.json', 'events.jsonl', 'report.md']) expect(readFileSync(join(out, f), 'utf8').includes(lab.password)).toBe(false);
      expect(m.out().includes(lab.password)).toBe(false);
    });
  });
});

describe('a !vault value where firebook cannot use one', () => {
  it('a playbook holding a !vault value is refused with its position (never used as its ciphertext)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-vault-pb-'));
    writeFileSync(join(dir, 'pb.yml'), 'name: x\nvars:\n  api_password: !vault |\n    $ANSIBLE_VAULT;1.1;AES256\n    6162\nchecks: []\n');
    const m = memoryIo(dir);
    expect(await main(['validate', 'pb.yml'], m.io)).toBe(4);
    expect(m.err()).toMatch(/pb\.yml:3:\d+: error\[vault\]: an Ansible Vault value cannot be used here/);
  });
});
