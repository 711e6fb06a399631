import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/inventory/precedence-yaml/hosts.yml');

describe('variable precedence (all < parent < child < host)', () => {
  it.each([
    ['fw1', 'level', 'dc1'], // child group beats parent and all
    ['fw2', 'level', 'host_vars'], // host_vars/ beats the inline host var
    ['fw1', 'only_all', 'from-all'],
    ['fw1', 'dc_only', 1],
    ['fw1', 'file_vs_inline', 'file-all'], // group_vars/all beats inline vars of deeper groups
    ['fw1', 'tie', 'alpha'], // same depth: higher ansible_group_priority wins
    ['fw2', 'tie2', 'zeta'], // same depth and priority: later name wins
    ['fw1', 'from_dc_file', true],
  ])('%s.%s = %j', async (host, key, value) => {
    const inv = await loadInventory(FIXTURE);
    expect(inv.hosts.get(host)!.vars[key]).toEqual(value);
  });

  it('keeps ansible_group_priority out of host vars but on the group', async () => {
    const inv = await loadInventory(FIXTURE);
    expect(inv.hosts.get('fw1')!.vars).not.toHaveProperty('ansible_group_priority');
    expect(inv.groups.get('alpha')!.vars.ansible_group_priority).toBe(10);
  });

  it('lists a host\'s groups by depth, priority, name, starting with all', async () => {
    const inv = await loadInventory(FIXTURE);
    expect(inv.hosts.get('fw1')!.groups).toEqual(['all', 'beta', 'dc', 'alpha', 'dc1']);
  });

  it('merges a group_vars/<name>/ folder in file-name order, skipping other extensions', async () => {
    const root = writeTree({
      'hosts.ini': '[fw]\nfw1\n',
      'group_vars/fw/10-base.yml': 'a: base\nb: base\n',
      'group_vars/fw/20-site.yaml': 'b: site\n',
      'group_vars/fw/README.md': 'c: never\n',
      'group_vars/fw/.hidden.yml': 'c: hidden\n',
      'host_vars/fw1': 'd: no-extension\n',
    });
    const inv = await loadInventory(join(root, 'hosts.ini'));
    expect(inv.hosts.get('fw1')!.vars).toEqual({ a: 'base', b: 'site', d: 'no-extension' });
  });

  it('prefers group_vars/<name> (no extension) over <name>.yml, like Ansible', async () => {
    const root = writeTree({ 'hosts.ini': '[fw]\nfw1\n', 'group_vars/fw': 'src: bare\n', 'group_vars/fw.yml': 'src: yml\n' });
    const inv = await loadInventory(join(root, 'hosts.ini'));
    expect(inv.hosts.get('fw1')!.vars.src).toBe('bare');
  });

  it('reads a folder of inventory files and the vars folders inside it', async () => {
    const root = writeTree({
      '01-ftd.ini': '[ftd]\nftd1\n',
      '02-fmc.yml': 'fmc:\n  hosts:\n    fmc1:\n',
      'notes.md': 'not an inventory',
      'group_vars/ftd.yml': 'platform: ftd\n',
    });
    const inv = await loadInventory(root);
    expect([...inv.hosts.keys()]).toEqual(['ftd1', 'fmc1']);
    expect(inv.hosts.get('ftd1')!.vars.platform).toBe('ftd');
  });

  it('puts hosts listed only under all into ungrouped', async () => {
    const root = writeTree({ 'hosts.yml': 'all:\n  hosts:\n    lonely:\n  children:\n    g:\n      hosts:\n        member:\n' });
    const inv = await loadInventory(join(root, 'hosts.yml'));
    expect(inv.groups.get('ungrouped')!.hosts).toEqual(['lonely']);
    expect(inv.hosts.get('member')!.groups).toEqual(['all', 'g']);
  });
});
