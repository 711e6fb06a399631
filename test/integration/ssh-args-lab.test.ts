/** `firebook lab`'s inventory runs as printed; host-key options in inventories are honoured. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';


describe('host-key options in the inventory, against the lab', () => {
  let lab: Lab;
  let tmp: string;
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'ftd01', platform: 'ftd', scenario: 'healthy' }, { name: 'ftd02', platform: 'ftd', scenario: 'dns-broken' }] });
    tmp = mkdtempSync(join(tmpdir(), 'fb-sshargs-'));
  });
  afterAll(() => lab?.stop());

  const run = async (inventory: string, extra: string[] = []) => {
    const out = mkdtempSync(join(tmp, 'out-'));
    const m = memoryIo(ROOT, { HOME: tmp });
    const code = await main(['run', 'playbooks/securex.yml', '-i', inventory, '--out', out, '--format', 'json', '-q', '--tags', 'version-in-scope', ...extra], m.io);
    return { code, err: m.err(), report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) };
  };

  it("the lab's printed inventory just works: `firebook run playbooks/securex.yml -i <it>` verifies the lab's keys", async () => {
    expect(readFileSync(lab.inventoryPath, 'utf8')).toContain(`ansible_ssh_common_args: -o UserKnownHostsFile=${lab.knownHostsPath}`);
    const r = await run(lab.inventoryPath);
    expect(r.code, r.err).toBe(0);
    expect(r.report.hosts.map((h: { status: string }) => h.status)).toEqual(['ok', 'ok']);
    expect(r.report.meta.hostKeyChecking).toBe('strict');
  });

  it('UserKnownHostsFile may list several files: a key found in any of them is accepted', async () => {
    const empty = join(tmp, 'empty_known_hosts');
    writeFileSync(empty, '');
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_ssh_common_args: `-o "UserKnownHostsFile=${empty} ${lab.knownHostsPath}"` }])));
    const r = await run(inv);
    expect(r.code, r.err).toBe(0);
  });

  it('StrictHostKeyChecking=accept-new records unknown keys in the first UserKnownHostsFile', async () => {
    const kh = join(tmp, 'accept_known_hosts');
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), { ftd01: { ansible_ssh_extra_args: `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${kh}` } });
    // ftd02 has no options: strict against the run's (empty) --known-hosts.
    const empty = join(tmp, 'nothing_known');
    writeFileSync(empty, '');
    const r = await run(inv, ['--known-hosts', empty]);
    expect(r.report.hosts.find((h: { host: string }) => h.host === 'ftd01').status).toBe('ok');
    expect(r.report.hosts.find((h: { host: string }) => h.host === 'ftd02')).toMatchObject({ status: 'unreachable', triage: { class: 'host-key-unknown' } });
    expect(readFileSync(kh, 'utf8')).toContain(`[127.0.0.1]:${lab.hosts[0].port} ssh-ed25519 `);
  });

  it('StrictHostKeyChecking=no works like --insecure-no-host-key-check: loud on stderr and recorded in the report', async () => {
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), { ftd01: { ansible_ssh_common_args: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' } });
    const r = await run(inv, ['--known-hosts', lab.knownHostsPath]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/WARNING: StrictHostKeyChecking=no in the inventory's ssh args: host keys are NOT verified for 1 host\(s\) \(ftd01\)/);
    expect(r.report.meta.hostKeyChecking).toBe('off');
  });

  it('StrictHostKeyChecking=yes in the inventory is not weakened by --accept-new-host-keys', async () => {
    const kh = join(tmp, 'strict_known_hosts');
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_ssh_common_args: `-o StrictHostKeyChecking=yes -o UserKnownHostsFile=${kh}` }])));
    const r = await run(inv, ['--accept-new-host-keys']);
    expect(r.report.hosts.map((h: { triage?: { class: string } }) => h.triage?.class)).toEqual(['host-key-unknown', 'host-key-unknown']);
  });
});
