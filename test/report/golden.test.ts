/** Golden files: each renderer's output for the sample report, reviewed and committed.
 * Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff; a missing
 * golden file fails (test/support/golden.ts). */
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { renderHtml, renderJson, renderJunit, renderMarkdown, renderMarkdownFull, renderProm, type RenderOptions } from '../../src/report/index.js';
import type { RunReport } from '../../src/model/result.js';
import { FIXTURES, loadSample } from './helpers.js';
import { expectGolden } from '../support/golden.js';

const GOLDEN = join(FIXTURES, 'golden');
const baseline = (): RunReport => {
  // The week before: ftd02's eventing session was fine, ftd01's endpoints and DNS failed (the
  // DNS failure was fixed by this run's remediation), ftd04 existed.
  const b = loadSample();
  b.meta.runId = '20240507T010000Z-11aa';
  b.meta.startedAt = '2024-05-07T01:00:00.000Z';
  b.hosts[1].checks[4] = { ...b.hosts[1].checks[4], status: 'pass', diagnosis: undefined };
  b.hosts[0].checks[2] = { ...b.hosts[0].checks[2], status: 'fail' };
  b.hosts[0].checks[1] = { ...b.hosts[0].checks[1], status: 'fail', fixed: undefined };
  b.hosts.push({ ...b.hosts[2], host: 'ftd04' });
  return b;
};

const cases: Array<[string, (r: RunReport, o: RenderOptions) => string, RenderOptions]> = [
  ['sample.json', renderJson, { lang: 'en' }],
  ['sample.html', renderHtml, { lang: 'en' }],
  ['sample.ja.html', renderHtml, { lang: 'ja' }],
  ['sample.md', renderMarkdown, { lang: 'en' }],
  ['sample.ja.md', renderMarkdown, { lang: 'ja' }],
  ['sample.full.md', renderMarkdownFull, { lang: 'en' }],
  ['sample.drift.md', renderMarkdownFull, { lang: 'en', baseline: baseline() }],
  ['sample.junit.xml', renderJunit, { lang: 'en' }],
  ['sample.prom', renderProm, { lang: 'en' }],
];

describe('golden reports for the sample run', () => {
  it.each(cases)('%s matches the reviewed golden file', (name, render, opts) => {
    const out = render(loadSample(), opts);
    expectGolden(join(GOLDEN, name), out);
  });

  it('renderers are pure: rendering twice gives the same bytes and leaves the report untouched', () => {
    const r = loadSample();
    const before = JSON.stringify(r);
    for (const [, render, opts] of cases) expect(render(r, opts)).toBe(render(r, opts));
    expect(JSON.stringify(r)).toBe(before);
  });

  it('the drift section lists new failures, fixes, persistent failures and removed hosts', () => {
    const md = renderMarkdownFull(loadSample(), { lang: 'en', baseline: baseline() });
    const drift = md.slice(md.indexOf('## Drift since baseline'));
    expect(drift).toMatch(/\| New failures \| Fixed \| Still failing \|\n\| --- \| --- \| --- \|\n\| 1 \| 2 \| 0 \|/);
    expect(drift).toContain('| ftd02 | `eventing-session` |');
    expect(drift).toContain('| ftd01 | `sse-endpoints` |');
    // Fixed by this run's remediation counts as fixed (the final state).
    expect(drift).toContain('| ftd01 | `dns-resolves` |');
    expect(drift).toContain('**Hosts removed:** ftd04');
  });
});
