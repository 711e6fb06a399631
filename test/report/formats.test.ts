import { describe, it, expect, afterEach } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { buildReport, renderHtml, renderJson, renderJunit, renderProm, renderMarkdown, renderMarkdownFull, escapePromLabel, markdownFence } from '../../src/report/index.js';
import { parseEventLog } from '../../src/store/index.js';
import type { RunReport } from '../../src/model/result.js';
import { requireProgram } from '../support/requires.js';
import { FIXTURES, hostileReport, loadSample, largeFleet, makeTempDir, partialEventLines } from './helpers.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema);

describe('report.json against schemas/report.schema.json', () => {
  it.each([
    ['the sample report', () => loadSample()],
    ['a report rebuilt from a partial event log', () => buildReport(parseEventLog(partialEventLines().join('\n')))],
    ['a report with hostile device output', () => hostileReport()],
  ])('%s validates', (_name, make) => {
    const json = JSON.parse(renderJson(make() as RunReport));
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a report with a wrong status or without schemaVersion', () => {
    const bad = loadSample() as unknown as { hosts: Array<{ checks: Array<{ status: string }> }>; schemaVersion?: number };
    bad.hosts[0].checks[0].status = 'passed';
    expect(validate(bad)).toBe(false);
    const noVersion = loadSample() as unknown as Record<string, unknown>;
    delete noVersion.schemaVersion;
    expect(validate(noVersion)).toBe(false);
  });

  it('a waived result must carry its waiver, an unreachable host its triage', () => {
    const r = loadSample();
    delete r.hosts[1].checks[2].waiver;
    expect(validate(r)).toBe(false);
    const r2 = loadSample();
    delete r2.hosts[3].triage;
    expect(validate(r2)).toBe(false);
  });
});

const XMLLINT = requireProgram('JUnit schema check', ['/usr/bin/xmllint'], 'apt-get install libxml2-utils');

function xmllint(xml: string): void {
  const { dir, cleanup } = makeTempDir('junit');
  cleanups.push(cleanup);
  const file = join(dir, 'junit.xml');
  writeFileSync(file, xml);
  // Throws (non-zero exit) when the file is not well-formed or does not match the schema.
  execFileSync(XMLLINT!, ['--noout', '--schema', join(FIXTURES, 'junit-10.xsd'), file], { stdio: 'pipe' });
}

describe('junit.xml', () => {
  it.each([
    ['sample', () => loadSample()],
    ['hostile output', () => hostileReport()],
    ['partial run', () => buildReport(parseEventLog(partialEventLines().join('\n')))],
  ])('validates with xmllint against junit-10.xsd (%s)', { skip: !XMLLINT }, (_n, make) => {
    expect(() => xmllint(renderJunit(make(), { lang: 'en' }))).not.toThrow();
  });

  it('one testsuite per host, testcase name = check id and classname = host, statuses mapped', () => {
    const xml = renderJunit(loadSample(), { lang: 'en' });
    expect(xml.match(/<testsuite /g)).toHaveLength(4);
    // Fixed by a verified remediation in this run: not a failure; before and after in system-out.
    expect(xml).toMatch(/<testcase name="dns-resolves" classname="ftd01"[^>]*>\s*<system-out>fixed by remediation set-dns-servers \(verified [^)]*\)\nobserved before: DNS resolution fails: curl exit 6, &quot;Couldn&apos;t resolve host&quot;\nverified after: ✓ http_status in \[200, 403\]<\/system-out>/);
    expect(xml).toMatch(/<testsuite name="ftd01" [^>]*failures="0" errors="0"/);
    expect(xml).toMatch(/<testcase name="eventing-session" classname="ftd02"[^>]*>\s*<failure message="Egress to eventing-ingest/);
    expect(xml).toMatch(/classname="ftd02"[^>]*>\s*<error message="expert mode is disabled/);
    expect(xml).toMatch(/classname="ftd02"[^>]*>\s*<skipped message="waived: Egress via new proxy/);
    expect(xml).toMatch(/classname="fmc01"[^>]*>\s*<skipped message="release 7.2.5/);
    // The unreachable host is a failing "connect" test, not an empty green suite.
    expect(xml).toMatch(/<testcase name="connect" classname="ftd03"[^>]*>\s*<error message="connect to 192.0.2.13:22 timed out after 10 s" type="connect-timeout">/);
    // Names never carry commands (they can hold arguments).
    for (const m of xml.matchAll(/<testcase name="([^"]*)"/g)) expect(m[1]).toMatch(/^[a-z0-9-]+$/);
  });

  it('a host that never ran is a skipped "run" test', () => {
    const xml = renderJunit(buildReport(parseEventLog(partialEventLines().join('\n'))), { lang: 'en' });
    expect(xml).toMatch(/<testcase name="run" classname="fmc01"[^>]*>\s*<skipped/);
    expect(xml).toMatch(/<testcase name="host" classname="ftd02"[^>]*>\s*<error [^>]*type="interrupted"/);
  });
});

describe('firebook.prom', () => {
  it('has HELP/TYPE for every metric and one series per status', () => {
    const prom = renderProm(loadSample());
    for (const m of ['firebook_check_status', 'firebook_host_reachable', 'firebook_run_duration_seconds', 'firebook_last_run_timestamp_seconds']) {
      expect(prom).toContain(`# HELP ${m} `);
      expect(prom).toContain(`# TYPE ${m} gauge`);
    }
    // The final state: fixed, not fail.
    expect(prom).toContain('firebook_check_status{host="ftd01",check="dns-resolves",status="fixed"} 1');
    expect(prom).toContain('firebook_check_status{host="ftd01",check="dns-resolves",status="fail"} 0');
    expect(prom).toContain('firebook_check_status{host="ftd02",check="eventing-session",status="fail"} 1');
    expect(prom).toContain('firebook_host_reachable{host="ftd03"} 0');
    expect(prom).toContain('firebook_run_duration_seconds 49.5');
    expect(prom).toContain(`firebook_last_run_timestamp_seconds ${Date.parse('2024-05-14T01:00:49.500Z') / 1000}`);
    expect(prom.endsWith('\n')).toBe(true);
    // Every sample line: name{labels} value
    for (const line of prom.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? (-?[0-9.e+]+|NaN)$/);
  });

  it('escapes label values', () => {
    expect(escapePromLabel('a"b\\c\nd')).toBe('a\\"b\\\\c d');
    expect(escapePromLabel('\x1b[31m')).toBe('␛[31m');
  });
});

describe('markdown helpers', () => {
  it('a fence is longer than any backtick run inside', () => {
    expect(markdownFence('a ```` b')).toBe('`````text\na ```` b\n`````');
    expect(markdownFence('plain')).toBe('```text\nplain\n```');
  });

  it('md-full stays bounded for a large fleet and points to the full report', () => {
    const r = largeFleet(3000);
    const md = renderMarkdownFull(r, { lang: 'en' });
    expect(md).toMatch(/more items are in report\.html \/ report\.json/);
    expect((md.match(/^#### ftd\d+/gm) ?? []).length).toBeLessThanOrEqual(200);
    expect(md.length).toBeLessThan(400_000);
  });

  it('md is ticket-sized: verdict first, root causes with hosts and next steps, a few dozen lines for any fleet', () => {
    const md = renderMarkdown(largeFleet(5000), { lang: 'en' });
    const lines = md.split('\n');
    expect(lines.length).toBeLessThan(80);
    expect(lines[2]).toMatch(/^\*\*NEEDS ATTENTION: 100 of 5000 hosts unreachable or errored/);
    expect(md).toContain('### `dns-resolves` api-sse.cisco.com resolves and answers on 443 — high');
    expect(md).toMatch(/Affected hosts \(500\): ftd00003, ftd00013, .* and 490 more/);
    expect(md).toMatch(/\| \(100\) ftd00049, ftd00099, .* and 90 more \(see report.json\) \| \*\*no answer to the SSH connection \(timeout\)\*\*/);
    expect(md).toContain('  - Next step: Check the DNS servers');
    expect(md).toContain('_Full detail: report.full.md (--format md-full), report.html, report.json._');
  });
});

describe('a playbook that extends the read-only list is said in the report', () => {
  it('meta.playbooks[].readonlyCommands is valid JSON and shown loud in the header', () => {
    const r = loadSample();
    r.meta.playbooks = [{ ...r.meta.playbooks[0], readonlyCommands: { shell: ['awk'] } }];
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(JSON.parse(renderJson(r))), JSON.stringify(validate.errors)).toBe(true);
    expect(renderMarkdownFull(r, { lang: 'en' })).toMatch(new RegExp(`\\*\\*Read-only list extended by the playbook\\*\\* \\| \\*\\*shell: awk \\(${r.meta.playbooks[0].name}\\)\\*\\*`));
    expect(renderMarkdown(r, { lang: 'en' })).toMatch(new RegExp(`Read-only list extended by the playbook: \\*\\*shell: awk \\(${r.meta.playbooks[0].name}\\)\\*\\*`));
    expect(renderMarkdown(loadSample(), { lang: 'en' })).not.toMatch(/Read-only list extended/);
  });
});

describe('a host whose device platform differs from the inventory', () => {
  it('is named in the header of every human report, with both platforms', () => {
    const r = loadSample();
    r.hosts[0].facts = { ...(r.hosts[0].facts ?? { platform: 'ftd' }), platform: 'ftd', inventoryPlatform: 'fmc' };
    const line = new RegExp(`${r.hosts[0].host}: inventory platform fmc, the device reports ftd \\(used for judging\\)`);
    expect(renderMarkdown(r, { lang: 'en' })).toMatch(line);
    expect(renderMarkdownFull(r, { lang: 'en' })).toMatch(line);
    expect(renderHtml(r, { lang: 'en' })).toMatch(/Platform differs from the inventory/);
    expect(renderMarkdown(loadSample(), { lang: 'en' })).not.toMatch(/Platform differs/);
  });
});
