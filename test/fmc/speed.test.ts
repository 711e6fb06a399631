/** Speed of an FMC inventory read (issue 19 "Speed"): 5,000 devices in at most 8 requests (login,
 * 5 pages, HA pairs, groups) at the default pace, under the emulator's 120/min limit. The time
 * is printed for bench/results.md, never asserted. */
import { afterAll, expect, it } from 'vitest';
import { connectFmc } from '../../src/fmc/index.js';
import { startFmcEmulator, type FmcEmulator } from '../../src/lab/fmc-emulator.js';

const open: FmcEmulator[] = [];
afterAll(() => Promise.all(open.map((e) => e.close())));

it('reads 5,000 devices, their HA pairs and groups in 8 requests, within the rate limit', async () => {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const e = await startFmcEmulator({ devices: 5000 }); // FMC defaults: 120/min, 25-item default page
    open.push(e);
    const started = performance.now();
    const c = await connectFmc({ url: e.url, username: e.username, password: e.password, caFile: e.caFile }); // default pace 110/min
    const [devices, pairs, groups] = await Promise.all([c.getAll('/devices/devicerecords'), c.getAll('/devicehapairs/ftddevicehapairs'), c.getAll('/devicegroups/devicegrouprecords')]);
    times.push(performance.now() - started);
    expect(devices).toHaveLength(5000);
    expect(new Set(devices.map((d) => d.id)).size).toBe(5000);
    expect(pairs).toHaveLength(500);
    expect(groups).toHaveLength(5);
    expect(e.stats.requests).toBe(8);
    expect(c.stats.requests).toBe(8);
    expect(e.stats.answered429).toBe(0);
    expect(e.stats.maxInWindow).toBeLessThanOrEqual(120);
  }
  times.sort((a, b) => a - b);
  console.log(`FMC inventory read, 5000 devices: 8 requests, wall ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s (median ${(times[1] / 1000).toFixed(2)} s)`);
});
