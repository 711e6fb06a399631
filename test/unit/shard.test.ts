import { describe, expect, it } from 'vitest';
import { applyShard, parseShard, shardOf } from '../../src/plan/shard.js';
import { UserError } from '../../src/model/errors.js';
import type { RunPlan } from '../../src/plan/plan.js';

const names = (n: number, prefix = 'fw') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
const planOf = (hosts: string[]) => ({ hosts: hosts.map((name) => ({ name })), checks: [] }) as unknown as RunPlan;

describe('--shard I/N', () => {
  it('parses I/N and refuses malformed values with the flag named', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/3', '1/4/2']) {
      expect(() => parseShard(bad), bad).toThrow(UserError);
      expect(() => parseShard(bad)).toThrow(/--shard/);
    }
  });

  it('puts every host in exactly one shard', () => {
    const hosts = names(1000);
    const slices = [1, 2, 3, 4].map((i) => applyShard(planOf(hosts), { index: i, count: 4 }).hosts.map((h) => h.name));
    expect(slices.flat().sort()).toEqual([...hosts].sort());
    expect(new Set(slices.flat()).size).toBe(hosts.length);
  });

  it('is balanced: each of 4 shards of 10,000 hosts holds 2,500 ± 150', () => {
    const counts = [0, 0, 0, 0];
    for (const h of names(10_000)) counts[shardOf(h, 4) - 1]! += 1;
    for (const c of counts) expect(Math.abs(c - 2500)).toBeLessThan(150);
  });

  it('is stable when hosts are added: no existing host moves', () => {
    const before = new Map(names(500).map((h) => [h, shardOf(h, 8)]));
    const grown = [...names(500), ...names(300, 'new')];
    for (const h of grown) if (before.has(h)) expect(shardOf(h, 8)).toBe(before.get(h));
  });

  it('an empty slice is a plan with no hosts (a clean no-op)', () => {
    const hosts = ['only-one'];
    const empty = [1, 2, 3].map((i) => applyShard(planOf(hosts), { index: i, count: 3 }).hosts.length);
    expect(empty.sort()).toEqual([0, 0, 1]);
  });
});
