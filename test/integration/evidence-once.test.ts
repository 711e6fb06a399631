/** A real run through the CLI: each piece of evidence is written once to events.jsonl (by
 * host-end), report.json holds it all, the result store leaves nothing behind. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { RunEvent } from '../../src/model/events.js';
import type { HostResult, RunReport } from '../../src/model/result.js';
import { parseEventLog } from '../../src/store/index.js';
import { fbAsync } from '../cli/helpers.js';
import { writeInventory } from './helpers.js';

const evidenceCount = (hosts: HostResult[]) => hosts.reduce((n, h) => n + h.checks.reduce((m, c) => m + c.evidence.length, 0), 0);

describe('evidence is written once', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 6, scenarios: ['healthy', 'dns-broken'] });
  });
  afterAll(() => lab?.stop());

  it('events.jsonl carries evidence in host-end only; report.json and the HTML have it; no store file is left', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fb-once-'));
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', out, '--format', 'json,html,junit', '--quiet']);
    expect(r.status, r.stderr).toBe(2);
    const events = parseEventLog<RunEvent>(readFileSync(join(out, 'events.jsonl'), 'utf8'));
    const checkEnds = events.filter((e) => e.type === 'check-end');
    const hostEnds = events.flatMap((e) => (e.type === 'host-end' ? [e.result] : []));
    const runEnd = events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end')!;
    expect(checkEnds.length).toBeGreaterThan(30);
    expect(checkEnds.every((e) => e.result.evidence.length === 0)).toBe(true);
    expect(runEnd.report.hosts).toEqual([]);
    expect(hostEnds).toHaveLength(6);
    expect(evidenceCount(hostEnds)).toBeGreaterThan(50);

    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const byName = new Map(hostEnds.map((h) => [h.host, h]));
    for (const h of report.hosts) expect(h).toEqual(byName.get(h.host));
    expect(report.summary).toEqual(runEnd.report.summary);

    // The HTML shows a failing check's evidence, read back from the store.
    const failing = report.hosts.flatMap((h) => h.checks.filter((c) => c.status === 'fail'))[0];
    expect(failing?.evidence.length).toBeGreaterThan(0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<details class="evidence"');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('<failure ');

    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).not.toMatch(/results\.jsonl/);
  });
});
