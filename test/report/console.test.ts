import { describe, it, expect } from 'vitest';
import { Writable } from 'node:stream';
import { createConsoleReporter } from '../../src/report/index.js';
import type { Reporter, RunEvent } from '../../src/model/events.js';
import { loadSample } from './helpers.js';

function memoryStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  return { stream, text: () => chunks.join('') };
}

/** Feeds the sample run through a reporter as the runner would. */
async function replaySample(reporter: Reporter, clock: { t: number }): Promise<void> {
  const r = loadSample();
  await reporter.onBegin?.({ type: 'run-begin', time: r.meta.startedAt, meta: r.meta, hosts: r.hosts.map((h) => h.host), checks: r.checks });
  for (const h of r.hosts) {
    await reporter.onHostBegin?.({ type: 'host-begin', time: h.startedAt, host: h.host });
    for (const c of h.checks) await reporter.onCheckEnd?.({ type: 'check-end', time: c.startedAt, host: h.host, result: c });
    clock.t += 10_000;
    await reporter.onHostEnd?.({ type: 'host-end', time: h.startedAt, result: h });
  }
  await reporter.onEnd?.(r);
}

describe('console reporter', () => {
  it('tty: redraws one progress line with \\r and ETA, then a recap', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    await replaySample(createConsoleReporter({ mode: 'tty', stream, lang: 'en', nowMs: () => clock.t, reportLocation: () => '/runs/x/report.html' }), clock);
    const out = text();
    expect(out).toContain('\r\x1b[K[firebook] 1/4 hosts · 1 fail · 0 unreachable · 00:10 · ETA 00:30');
    expect(out).toContain('4/4 hosts · 2 fail · 1 unreachable · 00:40');
    const recap = out.slice(out.lastIndexOf('\r\x1b[K') + 4);
    expect(recap).toMatch(/^firebook: 4 hosts \(3 ok, 1 unreachable, 0 error, 0 not run\) · Checks: 6 pass, 2 fail, 1 error, 5 skipped, 1 waived · Compliance 66\.7 % · 49\.5 s · exit 3\n/);
    expect(recap).toContain('✗ ftd01  dns-resolves (high): DNS resolution fails');
    expect(recap).toContain('→ Check the DNS servers');
    expect(recap).toContain('✗ ftd03  [connect-timeout] connect to 192.0.2.13:22 timed out after 10 s → Check that the management interface is up');
    expect(recap).toContain('Reports: /runs/x/report.html');
  });

  it('plain: one line per host end and per failing check, no control sequences', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    await replaySample(createConsoleReporter({ mode: 'plain', stream, lang: 'en', nowMs: () => clock.t }), clock);
    const out = text();
    expect(out).not.toMatch(/[\r\x1b]/);
    const lines = out.split('\n');
    expect(lines).toContain('  FAIL  ftd01 dns-resolves: DNS resolution fails: curl exit 6, "Couldn\'t resolve host"');
    expect(lines).toContain('  ERROR ftd02 eventhandler-socket: expert mode is disabled on this device (lockdown): the check needs the expert shell');
    expect(lines).toContain('[4/4] ftd03 unreachable: [connect-timeout] connect to 192.0.2.13:22 timed out after 10 s (10.0 s)');
    expect(lines.some((l) => l.startsWith('[1/4] ftd01 ok: pass 4, fail 1, error 0, skipped 0, waived 0'))).toBe(true);
  });

  it('device text with escape sequences cannot drive the terminal', async () => {
    const { stream, text } = memoryStream();
    const r = loadSample();
    const c = { ...r.hosts[0].checks[1], diagnosis: { cause: 'boom \x1b]0;owned\x07 \x1b[2J' } };
    const rep = createConsoleReporter({ mode: 'plain', stream, lang: 'en' });
    await rep.onCheckEnd?.({ type: 'check-end', time: 't', host: 'ftd01', result: c });
    expect(text()).toBe('  FAIL  ftd01 dns-resolves: boom ␛]0;owned␇ ␛[2J\n');
  });

  it('json: each event as one JSON line, ending with run-end carrying the report', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: Date.parse('2024-05-14T01:00:49.500Z') };
    await replaySample(createConsoleReporter({ mode: 'json', stream, lang: 'en', nowMs: () => clock.t }), clock);
    const events = text().trim().split('\n').map((l) => JSON.parse(l) as RunEvent);
    expect(events[0].type).toBe('run-begin');
    expect(events.filter((e) => e.type === 'host-end')).toHaveLength(4);
    const end = events[events.length - 1];
    expect(end.type).toBe('run-end');
    expect(end.type === 'run-end' && end.report.exitCode).toBe(3);
  });
});
