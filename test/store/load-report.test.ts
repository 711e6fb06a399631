/** store/load-report.ts reads a run's record a host at a time: report.json (each host checked
 * against the schema alone) or events.jsonl (a line at a time). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/model/errors.js';
import type { RunEvent } from '../../src/model/events.js';
import type { HostResult } from '../../src/model/result.js';
import { readRunInput } from '../../src/store/load-report.js';
import { summaryOf } from '../../src/store/result-store.js';
import { loadSample } from '../report/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-load-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `input-${n++}`);
  writeFileSync(p, text);
  return p;
};
const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err.issues.map((i) => i.message);
    throw err;
  }
  throw new Error('no error');
};

describe('readRunInput', () => {
  it('reads report.json pretty or on one line, each host through keep, in order, the rest as written', () => {
    const sample = loadSample();
    for (const text of [JSON.stringify(sample, null, 2), JSON.stringify(sample)]) {
      const seen: string[] = [];
      const input = readRunInput(file(text), (h: HostResult) => {
        seen.push(h.host);
        return summaryOf(h);
      });
      expect(seen).toEqual(sample.hosts.map((h) => h.host));
      expect(input).toEqual({ kind: 'report', report: { ...sample, hosts: sample.hosts.map(summaryOf) } });
      if (input.kind === 'report') expect(Object.keys(input.report)).toEqual(Object.keys(sample));
    }
  });

  it('a host that breaks the schema is named by its place in the file, before later hosts are read', () => {
    const sample = loadSample();
    const bad = structuredClone(sample);
    (bad.hosts[2] as unknown as Record<string, unknown>).status = 'sideways';
    const seen: string[] = [];
    const issues = issuesOf(() => readRunInput(file(JSON.stringify(bad, null, 2)), (h) => (seen.push(h.host), h)));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((m) => m.includes(': /hosts/2/status '))).toBe(true);
    expect(seen).toEqual(sample.hosts.slice(0, 2).map((h) => h.host));
    // The rest of the report is checked too, once every host is read.
    const noSummary = structuredClone(sample) as unknown as Record<string, unknown>;
    delete noSummary.summary;
    expect(issuesOf(() => readRunInput(file(JSON.stringify(noSummary)))).join('\n')).toMatch(/: \/ must have required property 'summary'/);
    expect(issuesOf(() => readRunInput(file(JSON.stringify({ ...sample, hosts: 'none' }))))[0]).toMatch(/: \/hosts must be array/);
  });

  it('reads an events.jsonl a line at a time, host-end results through keep; a cut last line is ignored', () => {
    const sample = loadSample();
    const events: RunEvent[] = [
      { type: 'run-begin', time: sample.meta.startedAt, meta: sample.meta, hosts: sample.hosts.map((h) => h.host), checks: sample.checks },
      ...sample.hosts.map((h) => ({ type: 'host-end' as const, time: h.startedAt, result: h })),
    ];
    const text = events.map((e) => JSON.stringify(e)).join('\n') + '\n{"type":"run-e';
    const input = readRunInput(file(text), summaryOf);
    expect(input.kind).toBe('events');
    if (input.kind === 'events') {
      expect(input.events.length).toBe(events.length);
      expect(input.events.flatMap((e) => (e.type === 'host-end' ? [e.result] : []))).toEqual(sample.hosts.map(summaryOf));
    }
    // A bad line that is not the last is an error with its line number.
    expect(issuesOf(() => readRunInput(file(`${JSON.stringify(events[0])}\nnot json\n${JSON.stringify(events[1])}\n`)))[0]).toMatch(/^line 2 is not valid JSON/);
  });

  it('refuses what is neither, and a missing file, with one clear line', () => {
    for (const text of ['', '[]', 'hello', '{"neither": 1}', '{"schemaVersion": 1,']) {
      expect(issuesOf(() => readRunInput(file(text)))[0]).toMatch(/is neither a firebook report\.json nor an events\.jsonl|is not valid JSON/);
    }
    expect(issuesOf(() => readRunInput(join(dir, 'missing.json')))[0]).toMatch(/^cannot read .*missing\.json: ENOENT$/);
  });
});
