/** `report merge` and `report render` read a host at a time (docs/scale.md "Reading a report
 * back"): shards whose report.json is each larger than the whole heap still merge, in a child
 * process whose heap is capped. Reading any one file whole (the old way) runs out of memory. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/io/atomic-file.js';
import type { HostResult, RunReport } from '../../src/model/result.js';
import { computeExitCode, computeSummary } from '../../src/model/outcome.js';
import { renderJsonChunks } from '../../src/report/render-json.js';
import { summaryOf } from '../../src/store/result-store.js';
import { CLI } from '../cli/helpers.js';
import { loadSample } from '../report/helpers.js';

/** The child's heap (MiB): each shard's report.json is bigger than this. */
const HEAP_MIB = 16;
const SHARDS = 2;
const HOSTS_PER_SHARD = 85;
/** Evidence per host: 85 hosts × 200 KiB = 17 MiB per shard. */
const OUTPUT = 'x'.repeat(200 * 1024 - 1) + '\n';

const dir = mkdtempSync(join(tmpdir(), 'fb-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Host `name`: the sample's first host, its failing check carrying OUTPUT as evidence. */
function bigHost(template: HostResult, name: string): HostResult {
  const evidence = loadSample().hosts.flatMap((h) => h.checks.flatMap((c) => c.evidence))[0]!;
  const checks = template.checks.map((c, i) => (i === 0 ? { ...c, status: 'fail' as const, evidence: [{ ...evidence, output: `${name}\n${OUTPUT}` }] } : { ...c, evidence: [] }));
  return { ...template, host: name, checks };
}

/** Writes shard `index` of SHARDS: its report.json a host at a time (never whole in this process either). */
function writeShard(index: number): string {
  const sample = loadSample();
  const template = sample.hosts[0]!;
  const names = Array.from({ length: HOSTS_PER_SHARD }, (_, i) => `fw-${index}-${String(i).padStart(4, '0')}`);
  const summaries = names.map((n) => summaryOf(bigHost(template, n)));
  const report: RunReport = {
    ...sample,
    meta: { ...sample.meta, runId: `shard-${index}`, shard: { index, count: SHARDS } },
    incomplete: false,
    hosts: summaries,
    notRun: [],
    summary: computeSummary(summaries, []),
    exitCode: computeExitCode(summaries, { interrupted: false }),
  };
  delete report.changes;
  const out = join(dir, `shard-${index}`);
  mkdirSync(out);
  writeFileAtomic(join(out, 'report.json'), renderJsonChunks(report, { results: { read: (h) => bigHost(template, h) } }));
  expect(statSync(join(out, 'report.json')).size).toBeGreaterThan(HEAP_MIB * 1024 * 1024);
  return out;
}

const fbCapped = (args: string[]) => spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });

describe('report merge and render under a capped heap', () => {
  it(`merges ${SHARDS} shards of ${HOSTS_PER_SHARD} hosts, each report.json larger than a ${HEAP_MIB} MiB heap, then renders the result`, { timeout: 180_000 }, () => {
    const shards = Array.from({ length: SHARDS }, (_, i) => writeShard(i + 1));
    const merged = join(dir, 'merged');
    // Recorded below by its own capped process (history import): the merge's heap is its own.
    const m = fbCapped(['report', 'merge', ...shards, '--out', merged, '--format', 'json,junit,html', '--no-db']);
    expect(m.stderr).toContain(`${SHARDS} shards, ${SHARDS * HOSTS_PER_SHARD} hosts`);
    expect(m.status).toBe(2); // every host has a failing check
    // Every host's evidence is in the merged report.json, in host order (checked a piece at a time).
    const json = readFileSync(join(merged, 'report.json'), 'utf8');
    expect(json.length).toBeGreaterThan(SHARDS * HEAP_MIB * 1024 * 1024);
    const hostLines = [...json.matchAll(/"output": "(fw-\d-\d{4})\\n/g)].map((x) => x[1]);
    expect(hostLines).toEqual(Array.from({ length: SHARDS }, (_, s) => Array.from({ length: HOSTS_PER_SHARD }, (_, i) => `fw-${s + 1}-${String(i).padStart(4, '0')}`)).flat());
    expect(readFileSync(join(merged, 'junit.xml'), 'utf8')).toContain('fw-2-0084\n');
    // The merged report.json is twice the heap: render reads it back a host at a time too.
    const rendered = join(dir, 'rendered');
    const r = fbCapped(['report', 'render', join(merged, 'report.json'), '--out', rendered, '--format', 'json,prom,md']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(rendered, 'report.json'), 'utf8') === json).toBe(true);
    // Recording reads it back a host at a time as well (docs/history.md "Recording").
    const h = fbCapped(['history', 'import', merged, '--db', join(dir, 'history.db')]);
    expect(h.stderr).toBe('');
    expect(h.stdout).toMatch(/^1 recorded, 0 already recorded in /);
  });
});
