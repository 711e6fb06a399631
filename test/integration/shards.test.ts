/** `--shard I/N` + `firebook report merge`: four shard processes against the lab, merged, equal
 * one process running every host (same hosts, statuses, diagnoses, exit code). */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SCENARIOS } from '../../src/lab/types.js';
import type { RunReport } from '../../src/model/result.js';
import { writeInventory } from './helpers.js';
import { fbAsync } from '../cli/helpers.js';

const fb = (args: string[]) => fbAsync(args);
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
/** What must be equal between the merged and the single-process report. */
const essence = (r: RunReport) => ({
  exitCode: r.exitCode,
  summary: r.summary,
  hosts: [...r.hosts]
    .sort((a, b) => a.host.localeCompare(b.host))
    .map((h) => ({ host: h.host, status: h.status, checks: h.checks.map((c) => ({ id: c.checkId, status: c.status, diagnosis: c.diagnosis ?? null })) })),
});

describe('shards on an existing scheduler', () => {
  let lab: Lab;
  let inventory: string;
  let dir: string;
  const common = () => ['playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '--format', 'json', '-q'];

  beforeAll(async () => {
    lab = await startLab({ hosts: 12, scenarios: [...SCENARIOS] });
    inventory = writeInventory(lab);
    dir = mkdtempSync(join(tmpdir(), 'fb-shards-'));
  });
  afterAll(() => lab?.stop());

  it('4 shards merged equal one single-process run', async () => {
    const single = await fb(['run', ...common(), '--out', join(dir, 'single')]);
    const shards = await Promise.all([1, 2, 3, 4].map((i) => fb(['run', ...common(), '--shard', `${i}/4`, '--out', join(dir, `shard-${i}`)])));
    const merged = await fb(['report', 'merge', ...[1, 2, 3, 4].map((i) => join(dir, `shard-${i}`)), '--out', join(dir, 'merged'), '--format', 'json']);
    const one = readReport(join(dir, 'single'));
    const all = readReport(join(dir, 'merged'));
    expect(one.hosts.length).toBe(12);
    expect(one.exitCode).not.toBe(0); // the lab has broken devices: a real verdict to compare
    expect(essence(all)).toEqual(essence(one));
    expect(merged.status).toBe(one.exitCode);
    expect(single.status).toBe(one.exitCode);
    // every shard ran a disjoint, non-overlapping slice
    const slices = [1, 2, 3, 4].map((i) => readReport(join(dir, `shard-${i}`)).hosts.map((h) => h.host));
    expect(slices.flat().sort()).toEqual(one.hosts.map((h) => h.host).sort());
    expect(shards.every((s) => s.status !== 4)).toBe(true);
    expect(all.meta.mergedFrom).toHaveLength(4);
    expect(all.meta.shard).toBeUndefined();
  });

  it('refuses missing, duplicated and mismatched shards (exit 4)', async () => {
    const shardDir = (i: number) => join(dir, `shard-${i}`);
    const missing = await fb(['report', 'merge', shardDir(1), shardDir(2), shardDir(3), '--out', join(dir, 'm1')]);
    expect(missing.status).toBe(4);
    expect(missing.stderr).toMatch(/shard 4\/4 missing/);
    expect(existsSync(join(dir, 'm1'))).toBe(false); // a refused merge writes nothing
    const dup = await fb(['report', 'merge', shardDir(1), shardDir(2), shardDir(3), shardDir(3), '--out', join(dir, 'm2')]);
    expect(dup.status).toBe(4);
    expect(dup.stderr).toMatch(/both shard 3\/4/);
    const notShard = await fb(['report', 'merge', shardDir(1), join(dir, 'single'), '--out', join(dir, 'm3')]);
    expect(notShard.status).toBe(4);
    expect(notShard.stderr).toMatch(/not a shard's report/);
    await fb(['run', ...common(), '--shard', '1/3', '--out', join(dir, 'other-n')]);
    const otherN = await fb(['report', 'merge', join(dir, 'other-n'), shardDir(2), shardDir(3), shardDir(4), '--out', join(dir, 'm4')]);
    expect(otherN.status).toBe(4);
    expect(otherN.stderr).toMatch(/one of 3/);
    await fb(['run', ...common(), '--tags', 'dns', '--shard', '4/4', '--out', join(dir, 'other-sel')]);
    const otherSel = await fb(['report', 'merge', shardDir(1), shardDir(2), shardDir(3), join(dir, 'other-sel'), '--out', join(dir, 'm5')]);
    expect(otherSel.status).toBe(4);
    expect(otherSel.stderr).toMatch(/differ from/);
    for (const r of [missing, dup, notShard, otherN, otherSel]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('an empty slice is a clean no-op (exit 0) that still writes its run folder', async () => {
    const tiny = await startLab({ hosts: 1 });
    try {
      const inv = writeInventory(tiny);
      const codes = await Promise.all([1, 2, 3].map((i) => fb(['run', 'playbooks/securex.yml', '-i', inv, '--known-hosts', tiny.knownHostsPath, '--format', 'json', '-q', '--shard', `${i}/3`, '--out', join(dir, `tiny-${i}`)])));
      const hostsPer = [1, 2, 3].map((i) => readReport(join(dir, `tiny-${i}`)).hosts.length);
      expect(hostsPer.sort()).toEqual([0, 0, 1]);
      codes.forEach((c, i) => {
        if (hostsPer[i] === 0) expect(c.status).toBe(0);
      });
    } finally {
      await tiny.stop();
    }
  });
});
