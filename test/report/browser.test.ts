/** report.html in a real headless Chromium: hostile output stays text, nothing is fetched from
 * the network, and the page renders (screenshot) and prints (PDF). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { renderHtml } from '../../src/report/index.js';
import { hostileReport, makeTempDir } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
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

describe('report.html in headless Chromium', () => {
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
    // Statically, too: no URL-bearing attribute or CSS, and a CSP that forbids fetching.
    expect(html).not.toMatch(/\b(src|href|action)=|url\(|@import/i);
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
