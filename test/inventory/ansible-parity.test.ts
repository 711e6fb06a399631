import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, renderGraph, toAnsibleList } from '../../src/inventory/index.js';

// Each fixture holds one inventory plus the output of the real `ansible-inventory --list`
// and `--graph` (ansible-core 2.14), committed beside it.
const ROOT = join(import.meta.dirname, '../fixtures/inventory');
const fixtures = readdirSync(ROOT)
  .filter((d) => statSync(join(ROOT, d)).isDirectory())
  .filter((d) => readdirSync(join(ROOT, d)).includes('expected.ansible.json'))
  .map((d) => {
    const file = readdirSync(join(ROOT, d)).find((f) => !f.startsWith('expected.') && statSync(join(ROOT, d, f)).isFile());
    return { name: d, dir: join(ROOT, d), file: join(ROOT, d, file!) };
  });

describe('firebook resolves inventories exactly as ansible-inventory', () => {
  it('has the documented fixtures', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['webservers-ini', 'webservers-yaml', 'atlanta-ini', 'atlanta-yaml', 'network-yaml', 'network-ini']),
    );
  });

  it.each(fixtures)('$name: --list equals ansible-inventory --list', async ({ dir, file }) => {
    const expected = JSON.parse(readFileSync(join(dir, 'expected.ansible.json'), 'utf8'));
    const inv = await loadInventory(file);
    // toEqual ignores key order; list order (hosts, children) must match.
    expect(toAnsibleList(inv, { showSecrets: true })).toEqual(expected);
  });

  it.each(fixtures)('$name: --graph equals ansible-inventory --graph', async ({ dir, file }) => {
    const expected = readFileSync(join(dir, 'expected.ansible.graph'), 'utf8').trimEnd();
    const inv = await loadInventory(file);
    expect(renderGraph(inv)).toBe(expected);
  });

  it.each(['webservers', 'network'])('the YAML and INI versions of the %s example resolve identically', async (name) => {
    const ini = fixtures.find((f) => f.name === `${name}-ini`)!;
    const yml = fixtures.find((f) => f.name === `${name}-yaml`)!;
    const a = toAnsibleList(await loadInventory(ini.file), { showSecrets: true });
    const b = toAnsibleList(await loadInventory(yml.file), { showSecrets: true });
    expect(a).toEqual(b);
  });
});
