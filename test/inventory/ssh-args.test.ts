import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { connectionSpec } from '../../src/inventory/index.js';
import { sshHostKeyOptions } from '../../src/inventory/ssh-args.js';

describe('host-key options from ansible_ssh_common_args / ansible_ssh_extra_args', () => {
  it.each([
    ['-o StrictHostKeyChecking=no', { hostKeyPolicy: 'off' }],
    ['-oStrictHostKeyChecking=accept-new', { hostKeyPolicy: 'accept-new' }],
    ["-o 'StrictHostKeyChecking yes'", { hostKeyPolicy: 'strict' }],
    ['-o stricthostkeychecking=ask', { hostKeyPolicy: 'strict' }],
    ['-o ProxyCommand="ssh -W %h:%p jump" -o UserKnownHostsFile=/etc/fw_known_hosts', { knownHostsFiles: ['/etc/fw_known_hosts'] }],
    ['-o "UserKnownHostsFile=/a/one /a/two"', { knownHostsFiles: ['/a/one', '/a/two'] }],
    ['-o UserKnownHostsFile=~/.ssh/fw', { knownHostsFiles: [`${homedir()}/.ssh/fw`] }],
    ['-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no', { knownHostsFiles: ['/dev/null'], hostKeyPolicy: 'off' }],
    ['-C -o ServerAliveInterval=30', {}],
  ])('%s', (args, expected) => expect(sshHostKeyOptions(args, undefined)).toEqual(expected));

  it('common args come before extra args, and as in ssh the first value wins', () => {
    expect(sshHostKeyOptions('-o StrictHostKeyChecking=yes', '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/x')).toEqual({ hostKeyPolicy: 'strict', knownHostsFiles: ['/x'] });
  });

  it('bad values are inventory errors naming the host', () => {
    const host = (vars: Record<string, unknown>) => ({ name: 'fw1', groups: ['all'], vars });
    expect(() => connectionSpec(host({ ansible_ssh_common_args: '-o StrictHostKeyChecking=maybe' }))).toThrow(/host 'fw1': StrictHostKeyChecking=maybe is not one of yes, accept-new, no, ask, off/);
    expect(() => connectionSpec(host({ ansible_ssh_extra_args: "-o 'UserKnownHostsFile=/x" }))).toThrow(/host 'fw1': ansible_ssh_extra_args: no closing quotation/);
    expect(connectionSpec(host({ ansible_ssh_extra_args: '-o UserKnownHostsFile=/kh -o StrictHostKeyChecking=accept-new' }))).toMatchObject({ knownHostsFiles: ['/kh'], hostKeyPolicy: 'accept-new' });
    expect(connectionSpec(host({}))).not.toHaveProperty('hostKeyPolicy');
  });
});
