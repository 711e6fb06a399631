/** history.html in a real headless Chromium at 390 px (a phone) and 1280 px: the page never
 * scrolls sideways (tables scroll in their own box), the trend chart is drawn and visible, and
 * every host's anchor exists and a link to it scrolls it into view. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/history/db.js';
import { renderHistoryHtml } from '../../src/history/render-html.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { buildHistoryView } from '../../src/history/view.js';
import { historyHostAnchor } from '../../src/report/view-format.js';
import { requireProgram } from '../support/requires.js';
import { fillKnownHistory, HOSTILE, RANGE } from './known-history.js';

const CHROMIUM = requireProgram('history browser suite', ['/usr/bin/chromium'], 'apt-get install chromium') ?? '';
const dir = mkdtempSync(join(tmpdir(), 'fb-hist-browser-'));
let html = '';

beforeAll(async () => {
  const db = openSqlite(join(dir, 'known.db'));
  await migrate(db);
  await fillKnownHistory(db);
  const view = await buildHistoryView(db, {
    range: RANGE, by: 'day', filter: {}, host: 'fw-b', expiring: { text: '365d', ms: 365 * 86_400_000 }, database: 'reports/firebook.db', generatedAt: RANGE.until,
  });
  await db.close();
  html = renderHistoryHtml(view);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function chromium(args: string[], profile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      CHROMIUM,
      [
        '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        // Nothing may be fetched: every request would go to a closed local port.
        '--proxy-server=http://127.0.0.1:9', `--user-data-dir=${join(dir, profile)}`, '--virtual-time-budget=3000', ...args,
      ],
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

interface Measure {
  innerWidth: number;
  scrollWidth: number;
  chart: { width: number; height: number; left: number; right: number; points: number };
  anchors: Record<string, boolean>;
  /** Every in-page link names an element that exists. */
  links: boolean[];
  /** Opened at #host-fw-b: where that row's top is (0 = the top of the view). */
  jumpTop: number;
  scrollY: number;
  maxScrollY: number;
}

/** Opened at the anchor, the page scrolled to it: the row at the top, or (near the page's end)
 * the page scrolled as far as it goes with the row in view. */
function scrolledTo(m: Measure): void {
  expect(m.scrollY, JSON.stringify(m)).toBeGreaterThan(0);
  expect(Math.abs(m.jumpTop) < 2 || (m.scrollY >= m.maxScrollY - 1 && m.jumpTop >= 0 && m.jumpTop < 680), JSON.stringify(m)).toBe(true);
}

/** The page unchanged (no script of its own, CSP intact), opened at `history.html#host-fw-b`
 * (the run report's link) in an iframe `width` px wide (headless Chromium will not make a window
 * narrower than 500 px); the outer page measures it (file pages may read each other with
 * --allow-file-access-from-files). */
async function measure(page: string, width: number, profile: string): Promise<Measure> {
  const target = historyHostAnchor('fw-b');
  writeFileSync(join(dir, `${profile}-history.html`), page);
  const anchors = JSON.stringify(['fw-a', 'fw-b', 'fw-c', HOSTILE].map(historyHostAnchor));
  const file = join(dir, `${profile}.html`);
  writeFileSync(file, `<!DOCTYPE html><html><body style="margin:0"><iframe id="f" style="width:${width}px;height:700px;border:0" src="${profile}-history.html#${target}"></iframe>
<script>document.getElementById('f').addEventListener('load', () => setTimeout(() => {
  const out = document.createElement('pre');
  out.id = 'measure';
  try {
    const w = document.getElementById('f').contentWindow;
    const doc = w.document;
    const svg = doc.getElementById('trend-chart');
    const r = svg ? svg.getBoundingClientRect() : { width: 0, height: 0, left: 0, right: 0 };
    out.textContent = JSON.stringify({
      innerWidth: w.innerWidth,
      scrollWidth: doc.documentElement.scrollWidth,
      chart: { width: r.width, height: r.height, left: r.left, right: r.right, points: svg ? svg.querySelectorAll('circle').length : 0 },
      anchors: Object.fromEntries(${anchors}.map((id) => [id, !!doc.getElementById(id)])),
      links: [...doc.querySelectorAll('a[href^="#"]')].map((a) => !!doc.getElementById(a.getAttribute('href').slice(1))),
      jumpTop: doc.getElementById('${target}').getBoundingClientRect().top,
      scrollY: w.scrollY,
      maxScrollY: doc.documentElement.scrollHeight - w.innerHeight,
    });
  } catch (e) {
    out.textContent = JSON.stringify({ error: String(e) });
  }
  document.body.appendChild(out);
}, 100));</script></body></html>`);
  const stdout = await chromium(['--allow-file-access-from-files', '--window-size=1400,900', '--dump-dom', `file://${file}`], profile);
  const m = /<pre id="measure">([^<]*)<\/pre>/.exec(stdout);
  if (!m) throw new Error(`no measurement in the dumped DOM:\n${stdout.slice(-2000)}`);
  const got = JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>')) as Measure & { error?: string };
  if (got.error) throw new Error(`the measuring script failed: ${got.error}`);
  return got;
}

describe.skipIf(!CHROMIUM)('history.html in headless Chromium', () => {
  it('at 390 px: no sideways scroll of the page, the chart visible within it, host anchors reachable', async () => {
    const m = await measure(html, 390, 'w390');
    expect(m.innerWidth).toBe(390);
    expect(m.scrollWidth, JSON.stringify(m)).toBeLessThanOrEqual(390);
    expect(m.chart.width).toBeGreaterThan(300);
    expect(m.chart.height).toBeGreaterThan(100);
    expect(m.chart.left).toBeGreaterThanOrEqual(0);
    expect(m.chart.right).toBeLessThanOrEqual(390);
    expect(m.chart.points).toBe(5);
    expect(Object.values(m.anchors)).toEqual([true, true, true, true]);
    expect(m.links.length).toBeGreaterThan(3);
    expect(m.links.every(Boolean)).toBe(true);
    scrolledTo(m);
    // The control: without the tables' own scroll boxes the same page scrolls sideways.
    const control = await measure(html.replace('.scroll { overflow-x: auto; max-width: 100%; }', ''), 390, 'w390-control');
    expect(control.scrollWidth).toBeGreaterThan(390);
  });

  it('at 1280 px: the chart at its full size, nothing scrolls sideways', async () => {
    const m = await measure(html, 1280, 'w1280');
    expect(m.scrollWidth).toBeLessThanOrEqual(1280);
    expect(m.chart.width).toBe(760);
    expect(m.chart.points).toBe(5);
    expect(Object.values(m.anchors)).toEqual([true, true, true, true]);
    scrolledTo(m);
  });
});
