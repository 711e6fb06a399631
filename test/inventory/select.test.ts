import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/model/inventory.js';
import { globToRegExp, loadInventory, selectHosts, splitHostPattern } from '../../src/inventory/index.js';

const EXAMPLE = join(import.meta.dirname, '../../inventory/example.yml');
let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory(EXAMPLE);
});

// Expected results come from the real `ansible -i inventory/example.yml PATTERN --list-hosts`.
const CASES: [string, string[]][] = [
  ['all', ['ftd-dc1-01', 'ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02', 'fmc-dc1-01']],
  ['*', ['ftd-dc1-01', 'ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02', 'fmc-dc1-01']],
  ['ftd', ['ftd-dc1-01', 'ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02']],
  ['ftd:&dc1', ['ftd-dc1-01', 'ftd-dc1-02']],
  ['ftd:!lab', ['ftd-dc1-01', 'ftd-dc1-02']],
  ['lab*', ['ftd-lab-01', 'ftd-lab-02']],
  ['ftd-lab-0?', ['ftd-lab-01', 'ftd-lab-02']],
  ['~ftd-(dc1|lab)-01', ['ftd-dc1-01', 'ftd-lab-01']],
  ['dc1,lab', ['ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01', 'ftd-lab-01', 'ftd-lab-02']],
  ['dc1:lab', ['ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01', 'ftd-lab-01', 'ftd-lab-02']],
  ['lab:dc1', ['ftd-lab-01', 'ftd-lab-02', 'ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01']],
  ['!lab', ['ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01']],
  ['&dc1', ['ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01']],
  ['fmc-dc1-01,ftd', ['fmc-dc1-01', 'ftd-dc1-01', 'ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02']],
  // Intersections apply after every union, wherever they are written.
  ['ftd:&dc1:fmc', ['ftd-dc1-01', 'ftd-dc1-02', 'fmc-dc1-01']],
  ['*lab*:&ftd:!ftd-lab-02', ['ftd-lab-01']],
  ['*-01', ['ftd-dc1-01', 'ftd-lab-01', 'fmc-dc1-01']],
  ['ftd[0]', ['ftd-dc1-01']],
  ['ftd[1:2]', ['ftd-dc1-02', 'ftd-lab-01']],
  ['ftd[-1]', ['ftd-lab-02']],
  ['ftd[1:]', ['ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02']],
  [' ftd , fmc ', ['ftd-dc1-01', 'ftd-dc1-02', 'ftd-lab-01', 'ftd-lab-02', 'fmc-dc1-01']],
  ['nothing', []],
  ['ungrouped', []],
  ['ftd:&fmc', []],
];

describe('selectHosts', () => {
  it.each(CASES)('%s', (pattern, expected) => {
    expect(selectHosts(inv, pattern)).toEqual(expected);
  });

  it('rejects an invalid regex with an inventory error', () => {
    expect(() => selectHosts(inv, '~ftd(')).toThrowError(expect.objectContaining({ issues: [expect.objectContaining({ code: 'inventory' })] }));
  });
});

describe('splitHostPattern', () => {
  it.each([
    ['a,b:c', ['a', 'b:c']],
    ['a:b:&c:!d', ['a', 'b', '&c', '!d']],
    ['web[1:3]:db', ['web[1:3]', 'db']],
    ['2001:db8::1', ['2001:db8::1']],
    ['', []],
  ])('%s', (pattern, expected) => {
    expect(splitHostPattern(pattern)).toEqual(expected);
  });
});

describe('globToRegExp (Python fnmatch)', () => {
  it.each([
    ['ftd0?', 'ftd01', true],
    ['ftd0?', 'ftd011', false],
    ['fw[12]', 'fw2', true],
    ['fw[!12]', 'fw2', false],
    ['fw[!12]', 'fw3', true],
    ['a.b', 'axb', false],
    ['*', '', true],
  ])('%s ~ %s', (glob, name, ok) => {
    expect(globToRegExp(glob).test(name)).toBe(ok);
  });
});
