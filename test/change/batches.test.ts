/** Batching for change windows: a pure function from hosts to batches. */
import { describe, expect, it } from 'vitest';
import { batchSize, exceedsMaxFail, parseSerial, planBatches } from '../../src/plan/batches.js';

const hosts = (...names: string[]) => names.map((name) => ({ name }));

describe('--serial', () => {
  it.each([
    ['1', { count: 1 }],
    ['25%', { percent: 25 }],
    [' 3 ', { count: 3 }],
    ['0', undefined],
    ['0%', undefined],
    ['101%', undefined],
    ['-1', undefined],
    ['two', undefined],
  ])('parses %j', (text, want) => expect(parseSerial(text)).toEqual(want));

  it('a percentage of the hosts, rounded down, at least one (as Ansible)', () => {
    expect(batchSize(10, { percent: 25 })).toBe(2);
    expect(batchSize(3, { percent: 10 })).toBe(1);
    expect(batchSize(7, undefined)).toBe(7);
  });

  it('cuts hosts into batches in order', () => {
    expect(planBatches(hosts('h1', 'h2', 'h3', 'h4', 'h5'), { count: 2 })).toEqual([['h1', 'h2'], ['h3', 'h4'], ['h5']]);
    expect(planBatches(hosts('h1', 'h2', 'h3'))).toEqual([['h1', 'h2', 'h3']]);
    expect(planBatches([])).toEqual([]);
  });
});

describe('ha_group: members of a pair or cluster never share a batch', () => {
  const fleet = [
    { name: 'fw1a', haGroup: 'dc1' },
    { name: 'fw1b', haGroup: 'dc1' },
    { name: 'fw2a', haGroup: 'dc2' },
    { name: 'fw2b', haGroup: 'dc2' },
    { name: 'solo' },
    { name: 'c1', haGroup: 'cluster' },
    { name: 'c2', haGroup: 'cluster' },
    { name: 'c3', haGroup: 'cluster' },
  ];
  const noGroupTwice = (batches: string[][]) => batches.every((b) => {
    const groups = b.map((n) => fleet.find((h) => h.name === n)!.haGroup).filter(Boolean);
    return new Set(groups).size === groups.length;
  });

  it.each([undefined, { count: 1 }, { count: 2 }, { count: 3 }, { count: 100 }, { percent: 50 }])('serial %j', (serial) => {
    const batches = planBatches(fleet, serial);
    expect(noGroupTwice(batches)).toBe(true);
    expect(batches.flat().sort()).toEqual(fleet.map((h) => h.name).sort());
    expect(batches.every((b) => b.length > 0 && b.length <= batchSize(fleet.length, serial))).toBe(true);
  });

  it('without --serial the fleet splits into as many batches as the largest group', () => {
    expect(planBatches(fleet)).toEqual([['fw1a', 'fw2a', 'solo', 'c1'], ['fw1b', 'fw2b', 'c2'], ['c3']]);
  });

  it('a later host fills an earlier batch when its group allows', () => {
    expect(planBatches(fleet, { count: 2 })).toEqual([['fw1a', 'fw2a'], ['fw1b', 'fw2b'], ['solo', 'c1'], ['c2'], ['c3']]);
  });
});

describe('--max-fail-percentage (Ansible: abort when the failed share EXCEEDS P)', () => {
  it.each([
    [1, 4, 25, false],
    [2, 4, 25, true],
    [1, 1, 0, true],
    [0, 3, 0, false],
    [3, 3, 100, false],
    [1, 3, 33, true],
    // Without the flag, as Ansible with serial: only a batch that failed entirely stops the run.
    [2, 3, undefined, false],
    [3, 3, undefined, true],
  ])('%i failed of %i with P=%s → stop %s', (failed, total, p, stop) => expect(exceedsMaxFail(failed, total, p)).toBe(stop));
});
