/** The result store keeps full results on disk and summaries in memory; the reports written
 * from it (one host at a time) equal the reports of the whole report held in memory. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileResultStore, lazyFileResultStore, memoryResultStore, summaryOf } from '../../src/store/result-store.js';
import { maskArgv, renderHtml, renderJson, renderJunit, renderMarkdownFull, writeReports } from '../../src/report/index.js';
import { largeFleet, loadSample } from '../report/helpers.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fb-store-'));
  dirs.push(d);
  return d;
};

describe('result store', () => {
  it('keeps the full result on disk, returns the summary, and removes its file on close', () => {
    const sample = loadSample();
    const path = join(tempDir(), 'results.jsonl.tmp-1');
    const store = fileResultStore(path);
    const summaries = sample.hosts.map((h) => store.add(h));
    expect(sample.hosts.some((h) => h.checks.some((c) => c.evidence.length > 0))).toBe(true);
    expect(summaries.every((h) => h.checks.every((c) => c.evidence.length === 0))).toBe(true);
    expect(summaries).toEqual(sample.hosts.map(summaryOf));
    for (const h of sample.hosts) expect(store.read(h.host)).toEqual(h);
    expect(store.read('no-such-host')).toBeUndefined();
    expect(existsSync(path)).toBe(true);
    store.close();
    expect(existsSync(path)).toBe(false);
    expect(store.read(sample.hosts[0].host)).toBeUndefined();
  });

  it('a memory store keeps results whole (runs without a run folder)', () => {
    const sample = loadSample();
    const store = memoryResultStore();
    expect(store.add(sample.hosts[0])).toBe(sample.hosts[0]);
    expect(store.read(sample.hosts[0].host)).toBe(sample.hosts[0]);
  });

  it('reports written from summaries + the store equal the reports of the whole report', () => {
    for (const report of [loadSample(), largeFleet(300)]) {
      const store = fileResultStore(join(tempDir(), 'r.tmp-1'));
      const light = { ...report, hosts: report.hosts.map((h) => store.add(h)) };
      const opts = { lang: 'en' as const, results: store };
      const whole = JSON.stringify({ ...report, meta: { ...report.meta, argv: maskArgv(report.meta.argv) } }, null, 2) + '\n';
      expect(renderJson(light, opts)).toBe(whole);
      expect(renderJunit(light, opts)).toBe(renderJunit(report, { lang: 'en' }));
      expect(renderHtml(light, opts)).toBe(renderHtml(report, { lang: 'en' }));
      expect(renderMarkdownFull(light, opts)).toBe(renderMarkdownFull(report, { lang: 'en' }));
      // Without the store the summaries alone show no evidence: the store is what the reports read.
      expect(renderJson(light, { lang: 'en' })).not.toBe(renderJson(report, { lang: 'en' }));
      const dir = tempDir();
      writeReports(light, dir, ['json', 'junit'], opts);
      expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(whole);
      store.close();
    }
  });
});

describe('lazy result store (report render and merge)', () => {
  it('creates its folder at the first add, and removes the folders it made when nothing else was written', () => {
    const base = tempDir();
    const sample = loadSample();
    const untouched = lazyFileResultStore(join(base, 'a', 'b', 'results.jsonl.tmp-1'));
    expect(untouched.read(sample.hosts[0].host)).toBeUndefined();
    untouched.close();
    expect(existsSync(join(base, 'a'))).toBe(false);
    // A refused merge: hosts were read, no report written.
    const refused = lazyFileResultStore(join(base, 'a', 'b', 'results.jsonl.tmp-1'));
    refused.add(sample.hosts[0]);
    expect(existsSync(join(base, 'a', 'b', 'results.jsonl.tmp-1'))).toBe(true);
    refused.close();
    expect(existsSync(join(base, 'a'))).toBe(false);
    // Reports written: the folder stays, the store file goes.
    const used = lazyFileResultStore(join(base, 'out', 'results.jsonl.tmp-1'));
    used.add(sample.hosts[0]);
    writeFileSync(join(base, 'out', 'report.json'), '{}');
    used.close();
    expect(readdirSync(join(base, 'out'))).toEqual(['report.json']);
  });
});
