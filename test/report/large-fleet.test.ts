/** A 5,000-host fleet renders in every format, failing hosts first, evidence capped. */
import { describe, it, expect } from 'vitest';
import { renderHtml, renderJson, renderJunit, renderMarkdown, renderProm } from '../../src/report/index.js';
import { largeFleet } from './helpers.js';

describe('5,000-host fleet', () => {
  it('renders every format; the HTML groups the matrix, failing hosts first, evidence capped', () => {
    const report = largeFleet(5000);
    const times: string[] = [];
    const outputs: Record<string, string> = {};
    for (const [name, render] of Object.entries({ html: renderHtml, md: renderMarkdown, junit: renderJunit, prom: renderProm, json: renderJson })) {
      const t0 = performance.now();
      outputs[name] = render(report, { lang: 'en' });
      times.push(`${name} ${(performance.now() - t0).toFixed(0)} ms, ${(outputs[name].length / 1e6).toFixed(1)} MB`);
    }
    console.log(`5,000 hosts: ${times.join(' · ')}`);
    const html = outputs.html;
    const attention = html.indexOf('Hosts with failures or errors (500)');
    const unreachable = html.indexOf('Unreachable or errored hosts (100)');
    const passing = html.indexOf('Hosts with no failures (4400)');
    expect(attention).toBeGreaterThan(0);
    expect(unreachable).toBeGreaterThan(attention);
    expect(passing).toBeGreaterThan(unreachable);
    expect(html).toContain('4200 hosts with no failures are listed by name only');
    expect(html).toContain('Evidence shown for the first 10 hosts');
    expect(html.match(/<details class="evidence">/g)?.length).toBeLessThanOrEqual(30);
    expect(outputs.junit.match(/<testsuite /g)).toHaveLength(5000);
  });

  it('the HTML and Markdown grow with the failures, not with the evidence of passing checks', () => {
    const report = largeFleet(2000);
    // Every passing check printed 100 times more.
    const verbose = {
      ...report,
      hosts: report.hosts.map((h) => ({
        ...h,
        checks: h.checks.map((c) => (c.status === 'pass' ? { ...c, evidence: c.evidence.map((e) => ({ ...e, output: e.output.repeat(100) })) } : c)),
      })),
    };
    expect(renderJson(verbose).length).toBeGreaterThan(renderJson(report).length * 2);
    expect(renderHtml(verbose, { lang: 'en' })).toBe(renderHtml(report, { lang: 'en' }));
    expect(renderMarkdown(verbose, { lang: 'en' })).toBe(renderMarkdown(report, { lang: 'en' }));
  });
});
