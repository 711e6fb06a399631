import { describe, expect, it } from 'vitest';
import { createLoginPacer } from '../../src/run/pacing.js';

describe('login pacing (--connect-rate)', () => {
  it('spaces logins 1/N s apart even when many hosts start at once', async () => {
    const slept: number[] = [];
    let t = 1_000;
    const pace = createLoginPacer(4, undefined, { now: () => t, sleep: async (ms) => void slept.push(ms) });
    await Promise.all([pace(), pace(), pace(), pace()]);
    expect(slept).toEqual([250, 500, 750]);
    t = 10_000; // long after: no wait
    await pace();
    expect(slept).toEqual([250, 500, 750]);
  });

  it('does nothing without a rate', async () => {
    const slept: number[] = [];
    const pace = createLoginPacer(undefined, undefined, { now: () => 0, sleep: async (ms) => void slept.push(ms) });
    await Promise.all([pace(), pace()]);
    expect(slept).toEqual([]);
  });
});
