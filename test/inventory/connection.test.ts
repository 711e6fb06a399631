import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InventoryHost } from '../../src/model/inventory.js';
import { connectionSpec } from '../../src/inventory/index.js';
import { issuesOf } from './helpers.js';

const host = (vars: Record<string, unknown>, name = 'ftd1'): InventoryHost => ({ name, groups: ['all'], vars });

describe('connectionSpec', () => {
  it('fills the documented defaults', () => {
    expect(connectionSpec(host({}))).toEqual({
      name: 'ftd1',
      address: 'ftd1',
      port: 22,
      user: 'admin',
      platform: 'ftd',
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 60_000,
      hostTimeoutMs: 900_000,
    });
  });

  it('reads every ansible_* and firebook_* variable', () => {
    const spec = connectionSpec(
      host({
        ansible_host: '192.0.2.11',
        ansible_port: 2222,
        ansible_user: 'operator',
        ansible_password: 'Cisco123!',
        ansible_ssh_private_key_file: '~/.ssh/id_ed25519',
        ansible_ssh_private_key_passphrase: 'keypass',
        ansible_become_password: 'sudo-pass',
        platform: 'fmc',
        firebook_connect_timeout: 5,
        firebook_command_timeout: '30',
        firebook_host_timeout: 1.5,
      }),
    );
    expect(spec).toEqual({
      name: 'ftd1',
      address: '192.0.2.11',
      port: 2222,
      user: 'operator',
      password: 'Cisco123!',
      privateKeyFile: join(homedir(), '.ssh/id_ed25519'), // `~` expanded, as Ansible does
      passphrase: 'keypass',
      becomePassword: 'sudo-pass',
      platform: 'fmc',
      connectTimeoutMs: 5000,
      commandTimeoutMs: 30_000,
      hostTimeoutMs: 1500,
    });
  });

  it.each([
    [{ ansible_ssh_pass: 'old-style' }, { password: 'old-style', becomePassword: 'old-style' }],
    [{ ansible_password: 'pw', ansible_become_pass: 'bp' }, { password: 'pw', becomePassword: 'bp' }],
    [{ firebook_private_key_passphrase: 'pp' }, { passphrase: 'pp' }],
    // INI typing makes `ansible_password=123456` a number; it is still a password.
    [{ ansible_password: 123456 }, { password: '123456', becomePassword: '123456' }],
    [{ ansible_port: '2022' }, { port: 2022 }],
  ])('aliases and coercions: %j', (vars, expected) => {
    expect(connectionSpec(host(vars))).toMatchObject(expected);
  });

  it('applies caller defaults under the host variables', () => {
    const defaults = { user: 'cli-user', port: 8022, commandTimeoutMs: 5000, password: 'cli-pw' };
    expect(connectionSpec(host({}), defaults)).toMatchObject({ user: 'cli-user', port: 8022, commandTimeoutMs: 5000, password: 'cli-pw', becomePassword: 'cli-pw' });
    expect(connectionSpec(host({ ansible_user: 'inv-user', ansible_port: 22 }), defaults)).toMatchObject({ user: 'inv-user', port: 22 });
  });

  it.each([
    [{ platform: 'asa' }, /platform/],
    [{ ansible_port: 0 }, /ansible_port/],
    [{ ansible_port: 70000 }, /ansible_port/],
    [{ ansible_port: 'ssh' }, /ansible_port/],
    [{ ansible_port: 22.5 }, /ansible_port/],
    [{ firebook_command_timeout: -1 }, /firebook_command_timeout/],
    [{ firebook_connect_timeout: 'soon' }, /firebook_connect_timeout/],
    [{ ansible_user: ['a'] }, /ansible_user/],
    [{ ansible_user: '' }, /ansible_user/],
    [{ ansible_host: 'two words' }, /ansible_host/],
  ])('rejects %j with an inventory error', async (vars, message) => {
    const [issue] = await issuesOf(() => connectionSpec(host(vars)));
    expect(issue.code).toBe('inventory');
    expect(issue.message).toMatch(message);
    expect(issue.message).toContain("host 'ftd1'");
  });
});
