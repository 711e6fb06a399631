/** Issue 18: the inventory's host-key options win over the flags, said once per option however many hosts. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionSpec, loadInventory } from '../../src/inventory/index.js';
import { hostKeyOverrides } from '../../src/cli/connection-options.js';
import type { RunPlan } from '../../src/plan/plan.js';
import type { Inventory } from '../../src/model/inventory.js';

async function fleet(text: string): Promise<{ inventory: Inventory; plan: RunPlan }> {
  const dir = mkdtempSync(join(tmpdir(), 'fb-hko-'));
  writeFileSync(join(dir, 'hosts.yml'), text);
  const inventory = await loadInventory(join(dir, 'hosts.yml'));
  const hosts = [...inventory.hosts.values()].map((h) => ({ name: h.name, connection: connectionSpec(h), platform: 'ftd' as const, playbooks: [], secrets: [] }));
  return { inventory, plan: { hosts, checks: [] } };
}

const FLEET = `all:
  children:
    fw_lab:
      vars:
        ansible_ssh_common_args: -o UserKnownHostsFile=/etc/fw_known_hosts -o StrictHostKeyChecking=yes
      hosts:
        fw[0000:4999]:
    dc:
      hosts:
        dc[01:05]:
`;

describe('hostKeyOverrides', () => {
  it('5,000 hosts of one group: one line per option, naming the group', async () => {
    const { inventory, plan } = await fleet(FLEET);
    expect(hostKeyOverrides({ hostKeyPolicy: 'accept-new', knownHostsFile: '/tmp/kh' }, plan, inventory)).toEqual([
      "the inventory's ansible_ssh_common_args sets UserKnownHostsFile for group fw_lab (5000 hosts); it overrides --known-hosts for those hosts, as ssh args do in Ansible",
      "the inventory's ansible_ssh_common_args sets StrictHostKeyChecking for group fw_lab (5000 hosts); it overrides --accept-new-host-keys for those hosts, as ssh args do in Ansible",
    ]);
  });

  it('without the inventory (or when no one group holds exactly them) the hosts are named, 3 then a count', async () => {
    const { plan } = await fleet(FLEET);
    expect(hostKeyOverrides({ hostKeyPolicy: 'off' }, plan)).toEqual([
      "the inventory's ssh args set StrictHostKeyChecking for 5000 hosts (fw0000, fw0001, fw0002, …); it overrides --insecure-no-host-key-check for those hosts, as ssh args do in Ansible",
    ]);
  });

  it('nothing to say when the flags agree with the inventory, or no flag was given', async () => {
    const { inventory, plan } = await fleet(FLEET);
    expect(hostKeyOverrides({ hostKeyPolicy: 'strict', knownHostsFile: '/etc/fw_known_hosts' }, plan, inventory)).toEqual([]);
    expect(hostKeyOverrides({ hostKeyPolicy: 'strict' }, plan, inventory)).toEqual([]);
  });
});
