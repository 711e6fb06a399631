/** Issue 9 §2 end to end: nothing reaches a device that the playbook author did not write. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';
import { fbAsync } from '../cli/helpers.js';

const fb = (args: string[]) => fbAsync(args);

const dir = mkdtempSync(join(tmpdir(), 'fb-gate-'));
function playbook(name: string, command: string): string {
  const path = join(dir, name);
  writeFileSync(path, ['name: gate', 'checks:', '  - id: a', '    title: A', '    severity: low', '    collect:', '      - level: root', `        command: ${JSON.stringify(command)}`, '    expect:', '      - { of: exit, equals: 0 }', ''].join('\n'));
  return path;
}

describe('the block-parameter exploit is closed', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 2 });
  });
  afterAll(() => lab?.stop());

  const sentNothing = () => {
    for (const h of lab.hosts) expect(lab.commandLog(h.name)).toEqual([]);
  };

  it('validate refuses the template with its file:line:col, exit 4', async () => {
    const pb = playbook('exploit.yml', 'nslookup x {{#each vars.m as |v k|}}{{k}}{{/each}}');
    const r = await fb(['validate', pb]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/exploit\.yml:8:30: error\[template\]: block helper '\{\{#each' is not allowed in a command/);
  });

  it('validate without an inventory checks -e values against the holes they fill', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['validate', pb, '-e', '{"m": {"a;reboot": 1}}']);
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`error[invalid-variable]: -e {"m": {"a;reboot": 1}}: m is a mapping; a command takes a single value or a list (in a root command)`]);
  });

  it('run refuses it too, and the devices receive nothing', async () => {
    const pb = playbook('exploit.yml', 'nslookup x {{#each vars.m as |v k|}}{{k}}{{/each}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', '{"m": {"a;reboot": 1}}', '--out', join(dir, 'out1')]);
    expect(r.status).toBe(4);
    sentNothing();
  });

  it('the same key through a plain hole is refused before any host is touched', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', '{"m": {"a;reboot": 1}}', '--out', join(dir, 'out2')]);
    expect(r.status).toBe(4);
    expect(r.stderr.trim().split('\n')).toEqual([`error[invalid-variable]: -e {"m": {"a;reboot": 1}}: m is a mapping; a command takes a single value or a list (in a root command)`]);
    sentNothing();
  });

  it('a read-only violation is refused before any host is touched', async () => {
    const pb = playbook('sudo.yml', 'sudo rm -rf /ngfw/var/log');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(dir, 'out3')]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/sudo\.yml:8:19: error\[read-only\]: 'sudo' runs another program/);
    sentNothing();
  });

  it('control: the same playbook with a plain value reaches the device (the log above could fail)', async () => {
    const pb = playbook('hole.yml', 'nslookup {{m}}');
    const r = await fb(['run', pb, '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '-e', 'm=api-sse.cisco.com', '--out', join(dir, 'out5')]);
    expect(r.stderr).toBe('');
    expect(lab.commandLog(lab.hosts[0].name).map((e) => e.line).join('\n')).toMatch(/'nslookup'\\'' '\\''api-sse\.cisco\.com'/);
  });
});

describe('a user error is said once', () => {
  const inventory = join(dir, 'fleet.yml');
  const hosts = Array.from({ length: 25 }, (_, i) => `        fw${i + 1}: { ansible_host: 192.0.2.${i + 1} }`);
  writeFileSync(inventory, ['all:', '  children:', '    ftd:', '      vars: { platform: ftd, ansible_user: admin, ansible_password: x }', '      hosts:', ...hosts].join('\n') + '\n');

  it.each(['validate', 'run'])('%s -e dns_servers=not-an-ip on 25 hosts: one line naming the -e argument, exit 4', async (command) => {
    const r = await fb([command, 'playbooks/securex.yml', '-i', inventory, '-e', 'dns_servers=not-an-ip', ...(command === 'run' ? ['--out', join(dir, 'out4')] : [])]);
    expect(r.status).toBe(4);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`error[invalid-variable]: -e dns_servers=not-an-ip: input 'dns_servers' must be ip-list: item 1: "not-an-ip" is not an IPv4 or IPv6 address`);
  });
});
