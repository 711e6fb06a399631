/** Huge inventories (docs/faults.md "Denial of service"): building is linear in hosts per group,
 * and the host count has a cap with a clear error (exit 4, file:line, the cap). The issue's
 * reproductions: 40 × `fw[00000:99999]` (924 bytes of INI) still loading after 180 s; one
 * 200,000-host group, 195 s. Timings are compared with each other (a ratio between two sizes
 * on this machine), never with a wall-clock bound. */
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { DEFAULT_MAX_HOSTS } from '../../src/inventory/builder.js';
import { issuesOf, writeTree } from './helpers.js';

const CLI = join(import.meta.dirname, '../../dist/src/cli/main.js');

/** One group of `n` hosts from two range entries (each entry stays under its own range limit). */
const bigGroup = (n: number) => `[big]\nfw[000000:${String(n / 2 - 1).padStart(6, '0')}]\nfx[000000:${String(n / 2 - 1).padStart(6, '0')}]\n`;

async function withCap<T>(cap: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env.FIREBOOK_MAX_HOSTS;
  if (cap === undefined) delete process.env.FIREBOOK_MAX_HOSTS;
  else process.env.FIREBOOK_MAX_HOSTS = cap;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.FIREBOOK_MAX_HOSTS;
    else process.env.FIREBOOK_MAX_HOSTS = before;
  }
}

/** Milliseconds to load `file`, best of two. */
async function loadMs(file: string): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t = performance.now();
    await loadInventory(file);
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('huge inventories', () => {
  it('a 200,000-host group hits the default cap: file:line, the cap, exit 4 from the CLI', async () => {
    const dir = writeTree({ 'hosts.ini': bigGroup(200_000) });
    const issues = await withCap(undefined, () => issuesOf(() => loadInventory(join(dir, 'hosts.ini'))));
    expect(issues).toMatchObject([{ code: 'inventory', location: { file: join(dir, 'hosts.ini'), line: 3, col: 1 } }]);
    expect(issues[0].message).toBe(`the inventory has more than ${DEFAULT_MAX_HOSTS} hosts, the cap (FIREBOOK_MAX_HOSTS raises it; docs/faults.md "Denial of service")`);
    const env = { ...process.env };
    delete env.FIREBOOK_MAX_HOSTS;
    const cli = spawnSync(process.execPath, [CLI, 'inventory', '-i', join(dir, 'hosts.ini'), '--graph'], { encoding: 'utf8', env });
    expect(cli.status).toBe(4);
    expect(cli.stderr).toContain(`hosts.ini:3:1: error[inventory]: the inventory has more than ${DEFAULT_MAX_HOSTS} hosts`);
  }, 60_000);

  it('with FIREBOOK_MAX_HOSTS=200000 the 200,000-host group loads', async () => {
    const dir = writeTree({ 'hosts.ini': bigGroup(200_000) });
    const inv = await withCap('200000', () => loadInventory(join(dir, 'hosts.ini')));
    expect(inv.hosts.size).toBe(200_000);
    expect(inv.groups.get('big')!.hosts.length).toBe(200_000);
    expect(inv.hosts.get('fx099999')!.groups).toEqual(['all', 'big']);
  }, 60_000);

  it('40 × fw[00000:99999] (the issue) ends at the membership cap with its line, not in minutes', async () => {
    const text = Array.from({ length: 40 }, (_, i) => `[g${i}]\nfw[00000:99999]\n`).join('');
    const dir = writeTree({ 'hosts.ini': text });
    const issues = await withCap(undefined, () => issuesOf(() => loadInventory(join(dir, 'hosts.ini'))));
    expect(issues).toMatchObject([{ code: 'inventory', location: { line: 22, col: 1 } }]);
    expect(issues[0].message).toMatch(/puts hosts in groups more than 1000000 times, the cap/);
  }, 60_000);

  it('a bad FIREBOOK_MAX_HOSTS is a usage error', async () => {
    const dir = writeTree({ 'hosts.ini': '[a]\nfw1\n' });
    const issues = await withCap('lots', () => issuesOf(() => loadInventory(join(dir, 'hosts.ini'))));
    expect(issues).toMatchObject([{ code: 'cli-usage', message: 'FIREBOOK_MAX_HOSTS="lots" is not a positive whole number' }]);
  });

  it('loading grows linearly: 4× the hosts in one group takes at most 8× as long (20,000 vs 80,000)', async () => {
    const dir = writeTree({ 'small.ini': bigGroup(20_000), 'large.ini': bigGroup(80_000) });
    await loadMs(join(dir, 'small.ini')); // warm-up
    const small = await loadMs(join(dir, 'small.ini'));
    const large = await loadMs(join(dir, 'large.ini'));
    expect(large / small).toBeLessThanOrEqual(8);
  }, 120_000);

  it('and so does membership: 10 groups of the same 8,000 hosts vs of 2,000', async () => {
    const groups = (n: number) => Array.from({ length: 10 }, (_, i) => `[g${i}]\nfw[0000:${String(n - 1).padStart(4, '0')}]\n`).join('');
    const dir = writeTree({ 'small.ini': groups(2_000), 'large.ini': groups(8_000) });
    await loadMs(join(dir, 'small.ini'));
    const small = await loadMs(join(dir, 'small.ini'));
    const large = await loadMs(join(dir, 'large.ini'));
    expect(large / small).toBeLessThanOrEqual(8);
  }, 120_000);
});
