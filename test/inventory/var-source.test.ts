/** Issue 18: the file a host's value comes from, for messages (`input 'x' in host_vars/fw3.yml`). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { writeTree } from './helpers.js';

const DIR = join(import.meta.dirname, '../fixtures/inventory/precedence-yaml');

describe('varSource: the file the winning value comes from', () => {
  it.each([
    ['fw1', 'level', 'hosts.yml'], // a child group's inline vars
    ['fw2', 'level', 'host_vars/fw2.yml'], // host_vars/ beats the inline host var
    ['fw1', 'file_vs_inline', 'group_vars/all.yml'], // group_vars/all beats deeper groups' inline vars
    ['fw1', 'from_dc_file', 'group_vars/dc.yml'],
  ])('%s.%s from %s', async (host, key, file) => {
    const inv = await loadInventory(join(DIR, 'hosts.yml'));
    expect(inv.varSource!(host, key)).toMatch(new RegExp(`(^|/)precedence-yaml/${file.replace('.', '\\.')}$`));
  });

  it('names the file of a folder that sets it last, the inline host var, and nothing for an unset variable', async () => {
    const root = writeTree({
      'hosts.ini': '[fw]\nfw1 region=eu\nfw2\n',
      'group_vars/fw/10-base.yml': 'a: base\nb: base\n',
      'group_vars/fw/20-site.yaml': 'b: site\n',
      'host_vars/fw2/main.yml': 'a: mine\n',
    });
    const inv = await loadInventory(join(root, 'hosts.ini'));
    expect(inv.varSource!('fw1', 'a')).toBe(join(root, 'group_vars/fw/10-base.yml'));
    expect(inv.varSource!('fw1', 'b')).toBe(join(root, 'group_vars/fw/20-site.yaml'));
    expect(inv.varSource!('fw1', 'region')).toBe(join(root, 'hosts.ini'));
    expect(inv.varSource!('fw2', 'a')).toBe(join(root, 'host_vars/fw2/main.yml'));
    expect(inv.varSource!('fw2', 'region')).toBeUndefined();
    expect(inv.varSource!('nope', 'a')).toBeUndefined();
  });
});
