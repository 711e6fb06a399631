/** report.html in a real headless Chromium: hostile output stays text, nothing is fetched from
 * the network, and the page renders (screenshot) and prints (PDF). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { renderHtml } from '../../src/report/index.js';
import { renderPlanHtml } from '../../src/report/render-plan.js';
import type { PlanDocument } from '../../src/model/change.js';
import type { CheckResult, RunReport } from '../../src/model/result.js';
import { requireProgram } from '../support/requires.js';
import { FIXTURES, hostileReport, loadSample, makeTempDir } from './helpers.js';

/** The one link a run report has: each host to its history (../history/history.html#host-…). */
const HISTORY_LINK = / href="\.\.\/history\/history\.html#host-[A-Za-z0-9._-]+"/.source;
const CHROMIUM = requireProgram('browser suite', ['/usr/bin/chromium'], 'apt-get install chromium') ?? '';
let tmp: ReturnType<typeof makeTempDir>;
let proxy: Server;
let proxied: string[] = [];
let proxyPort = 0;

/** Chromium's own background calls (clock sync, component updater, sign-in), made whatever the
 * page is; they end at our proxy, never on the network. Anything else came from the page. */
const BROWSER_INTERNAL = /^(GET|POST|CONNECT) (http:\/\/)?(clients2\.google\.com|update\.googleapis\.com|accounts\.google\.com)[:/]/;
const pageRequests = () => proxied.filter((r) => !BROWSER_INTERNAL.test(r));

beforeAll(async () => {
  tmp = makeTempDir('browser');
  // Every request the browser makes to a non-loopback host goes through this proxy, so an
  // empty log means the page fetched nothing.
  proxy = createServer((req, res) => {
    proxied.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  proxy.on('connect', (req, socket) => {
    proxied.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  tmp.cleanup();
});

/** Runs Chromium asynchronously (the proxy lives in this process, so a blocking spawn would
 * deadlock it); execFile's timeout kills this one child if it hangs. */
function chromium(args: string[], profile: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${join(tmp.dir, profile)}`,
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
      '--virtual-time-budget=3000',
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(err) : resolve({ stdout, stderr })),
    );
  });
}

/** A measuring page: the report, unchanged (no script, its CSP intact), in an iframe exactly
 * `width` px wide; the page's script writes the report's widths, the tallest table cell, clipped
 * counters, the order of the finding cards and the first sections into <pre id="measure">,
 * read back from --dump-dom. (Headless Chromium will not make a window narrower than 500 px.) */
function withMeasure(html: string, width: number): string {
  const srcdoc = html.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="width:${width}px;height:844px;border:0" srcdoc="${srcdoc}"></iframe>
<script>document.getElementById('f').addEventListener('load', () => {
  const w = document.getElementById('f').contentWindow;
  const doc = w.document;
  const tall = [...doc.querySelectorAll('td')].reduce((m, td) => Math.max(m, td.getBoundingClientRect().height), 0);
  const clipped = [...doc.querySelectorAll('.tile, .verdict-line, h1, h2')].filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent);
  const cards = [...doc.querySelectorAll('article.finding')].map((a) => a.id);
  const firstSections = [...doc.querySelectorAll('header > section, main > section')].slice(0, 3).map((s) => s.className || s.getAttribute('aria-labelledby'));
  const out = document.createElement('pre');
  out.id = 'measure';
  out.textContent = JSON.stringify({ innerWidth: w.innerWidth, scrollWidth: doc.documentElement.scrollWidth, tallestCellPx: tall, clipped, cards, firstSections });
  document.body.appendChild(out);
});</script></body></html>`;
}

interface Measure { innerWidth: number; scrollWidth: number; tallestCellPx: number; clipped: string[]; cards: string[]; firstSections: string[] }

async function measure(html: string, width: number, profile: string): Promise<Measure> {
  const file = join(tmp.dir, `${profile}.html`);
  writeFileSync(file, withMeasure(html, width));
  const { stdout } = await chromium(['--window-size=1400,900', '--dump-dom', `file://${file}`], profile);
  const m = /<pre id="measure">([^<]*)<\/pre>/.exec(stdout);
  if (!m) throw new Error(`no measurement in the dumped DOM:\n${stdout.slice(-2000)}`);
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) as Measure;
}

/** The sample, with a cause and its symptom on ftd02: DNS fails (severity medium) and the
 * eventing session (high) fails with a diagnosis that says "See dns-resolves". By severity alone
 * the symptom would come first. */
function causeAndSymptom(): RunReport {
  const r = loadSample();
  const ftd02 = r.hosts[1];
  const dns = ftd02.checks.find((c) => c.checkId === 'dns-resolves') as CheckResult;
  Object.assign(dns, { status: 'fail', severity: 'medium', diagnosis: { id: 'dns-servers-wrong', cause: 'DNS resolution fails: curl exit 6', next: 'Fix the DNS servers (configure network dns servers ...)' } });
  const ev = ftd02.checks.find((c) => c.checkId === 'eventing-session') as CheckResult;
  ev.diagnosis = { id: 'no-session', cause: 'The connector holds no session to the cloud', next: 'See dns-resolves; fix the DNS servers first.' };
  r.exitCode = 3;
  return r;
}

describe.skipIf(!CHROMIUM)('report.html in headless Chromium', () => {
  it('at phone width (390 px) nothing scrolls sideways, no counter is clipped, no cell is 350 px tall', async () => {
    for (const [lang, report] of [['en', causeAndSymptom()], ['ja', causeAndSymptom()], ['en', hostileReport()]] as const) {
      const m = await measure(renderHtml(report, { lang }), 390, `w390-${lang}`);
      expect(m.innerWidth).toBe(390);
      expect(m.scrollWidth, JSON.stringify(m)).toBeLessThanOrEqual(390);
      expect(m.clipped).toEqual([]);
      expect(m.tallestCellPx).toBeLessThan(350);
    }
    // The control: the same page before the fix (no viewport rules) did scroll sideways.
    const wide = await measure(renderHtml(causeAndSymptom(), { lang: 'en' }).replace(/@media \(max-width: 700px\)/, '@media (max-width: 1px)'), 390, 'w390-control');
    expect(wide.scrollWidth).toBeGreaterThan(390);
  });

  it('root cause first: the cause card comes before its symptom, the verdict before the metadata', async () => {
    const m = await measure(renderHtml(causeAndSymptom(), { lang: 'en' }), 1280, 'w1280-order');
    expect(m.cards.indexOf('finding-dns-resolves')).toBeGreaterThanOrEqual(0);
    expect(m.cards.indexOf('finding-dns-resolves')).toBeLessThan(m.cards.indexOf('finding-eventing-session'));
    // Apply mode: verdict, then the changes made, then the run's metadata.
    expect(m.firstSections).toEqual(['verdict-box st-error', 'sec-changes', 'run-header']);
  });
});

/** plan.html of a real plan, with one more step whose commands are long (a long interface
 * list, a token without spaces): what squeezed a column to one character per line. */
function planPage(): string {
  const text = readFileSync(`${FIXTURES}change/plan.json`, 'utf8');
  const doc = JSON.parse(text) as PlanDocument;
  const step = doc.hosts[0]!.steps[0]!;
  const long = { ...step, stepId: `${step.stepId}-long`, apply: [{ level: 'cli' as const, command: `configure network dns servers ${Array.from({ length: 12 }, (_, i) => `192.0.2.${i + 10}`).join(',')}` }, { level: 'expert' as const, command: `sudo /usr/local/sf/bin/${'very-long-tool-name-'.repeat(6)}sync --apply --no-restart` }] };
  doc.hosts[0]!.steps.push(long);
  return renderPlanHtml(doc, createHash('sha256').update(text).digest('hex'));
}

const changeReport = (name: string) => JSON.parse(readFileSync(`${FIXTURES}change/${name}`, 'utf8')) as RunReport;

describe.skipIf(!CHROMIUM)('plan.html and the change reports in headless Chromium', () => {
  const pages = (): Array<[string, string]> => [
    ['plan', planPage()],
    ['apply', renderHtml(changeReport('apply-report.json'), { lang: 'en' })],
    ['rollback', renderHtml(changeReport('rollback-report.json'), { lang: 'en' })],
    ['stopped', renderHtml(changeReport('stopped-report.json'), { lang: 'ja' })],
  ];
  for (const width of [390, 1280]) {
    it(`at ${width} px: nothing scrolls sideways, nothing is clipped, no cell is squeezed tall`, async () => {
      for (const [name, html] of pages()) {
        const m = await measure(html, width, `chg-${name}-${width}`);
        expect(m.innerWidth).toBe(width);
        expect(m.scrollWidth, `${name}: ${JSON.stringify(m)}`).toBeLessThanOrEqual(width);
        expect(m.clipped, name).toEqual([]);
        expect(m.tallestCellPx, name).toBeLessThan(350);
      }
    });
  }

  it('the control: plan.html without its narrow-screen rules squeezes its columns at 390 px', async () => {
    const m = await measure(planPage().replace('@media (max-width:700px)', '@media (max-width:1px)'), 390, 'chg-plan-control');
    expect(m.scrollWidth > 390 || m.tallestCellPx >= 350, JSON.stringify(m)).toBe(true);
  });
});

describe.skipIf(!CHROMIUM)('report.html in headless Chromium: safety and printing', () => {
  it('the network detector works: a page with a remote image is seen by the proxy', async () => {
    proxied = [];
    const control = join(tmp.dir, 'control.html');
    writeFileSync(control, '<!DOCTYPE html><html><body><img src="http://assets.example.test/logo.png"></body></html>');
    await chromium(['--dump-dom', `file://${control}`], 'p0');
    expect(pageRequests().join('\n')).toContain('assets.example.test');
  });

  it('hostile device output is text, no script element exists, nothing is fetched', async () => {
    proxied = [];
    const file = join(tmp.dir, 'report.html');
    const html = renderHtml(hostileReport(), { lang: 'en' });
    // Statically, too: no URL-bearing attribute or CSS but the hosts' links to the history
    // (a fixed relative file, docs/history.md), and a CSP that forbids fetching.
    expect(html).toMatch(new RegExp(HISTORY_LINK));
    expect(html.replace(new RegExp(HISTORY_LINK, 'g'), '')).not.toMatch(/\b(src|href|action)=|url\(|@import/i);
    expect(html).toContain(`content="default-src 'none';`);
    writeFileSync(file, html);
    const { stdout: dom } = await chromium(['--dump-dom', `file://${file}`], 'p1');
    expect(dom).toContain('<h1>firebook run report — securex-integration</h1>');
    expect(dom).not.toMatch(/<script/i);
    expect(dom).not.toMatch(/<img/i);
    expect(dom).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(dom).toContain('{{x}} {{{y}}}');
    expect(dom).toContain('␛[31mRED␛[0m');
    expect(dom).toContain('日本語の出力：接続できません');
    expect(pageRequests(), proxied.join("\n")).toEqual([]);
  });

  it('renders a screenshot and prints to PDF', async () => {
    const file = join(tmp.dir, 'report.html');
    writeFileSync(file, renderHtml(hostileReport(), { lang: 'en' }));
    const png = join(tmp.dir, 'report.png');
    await chromium(['--window-size=1300,2600', '--hide-scrollbars', `--screenshot=${png}`, `file://${file}`], 'p2');
    const bytes = readFileSync(png);
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.length).toBeGreaterThan(50_000); // a blank page is a few KB
    const pdf = join(tmp.dir, 'report.pdf');
    await chromium(['--no-pdf-header-footer', `--print-to-pdf=${pdf}`, `file://${file}`], 'p3');
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    // To look at them: FIREBOOK_KEEP_SCREENSHOT=/some/dir npx vitest run test/report/browser.test.ts
    const keep = process.env.FIREBOOK_KEEP_SCREENSHOT;
    if (keep && existsSync(keep)) {
      copyFileSync(png, join(keep, 'report.png'));
      copyFileSync(pdf, join(keep, 'report.pdf'));
      console.log(`screenshot: ${join(keep, 'report.png')}`);
    }
    expect(pageRequests(), proxied.join("\n")).toEqual([]);
  });
});
