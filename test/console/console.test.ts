import { describe, it, expect, vi } from 'vitest';
import { Writable } from 'node:stream';
import { createConsoleReporter, useColor } from '../../src/console/index.js';
import { cutToWidth, displayWidth } from '../../src/console/text-width.js';
import type { RunReport } from '../../src/model/result.js';
import type { Reporter, RunEvent } from '../../src/model/events.js';
import { loadSample } from '../report/helpers.js';

function memoryStream(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  return { stream, text: () => chunks.join('') };
}

/** Feeds the sample run through a reporter as the runner would. */
async function replaySample(reporter: Reporter, clock: { t: number }): Promise<void> {
  await replay(loadSample(), reporter, clock);
}

async function replay(r: RunReport, reporter: Reporter, clock: { t: number }): Promise<void> {
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
  it('tty: redraws one progress line counting hosts with \\r and ETA, then a recap ending with the verdict', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    await replaySample(createConsoleReporter({ mode: 'tty', stream, lang: 'en', tickMs: 0, nowMs: () => clock.t, reportLocation: () => '/runs/x/report.html' }), clock);
    const out = text();
    // ftd01's DNS failure was fixed by its remediation: the host does not count as failing.
    expect(out).toContain('\r\x1b[K[firebook] 1/4 hosts · 0 failing · 0 unreachable · 0 errored · 00:10 · ETA 00:30');
    expect(out).toContain('4/4 hosts · 1 failing · 1 unreachable · 0 errored · 00:40');
    const recap = out.slice(out.lastIndexOf('\r\x1b[K') + 4);
    const unwrapped = recap.replace(/\n {4}/g, ' ');
    expect(unwrapped).toMatch(/^firebook: 4 hosts \(3 reachable, 1 unreachable, 0 error, 0 not run\) · Checks: 6 pass, 1 fixed, 1 fail, 1 error, 5 skipped, 1 waived · Compliance 77\.8 % · 49\.5 s · exit 3\n/);
    expect(unwrapped).toContain('✗ ftd02  eventing-session (high): Egress to eventing-ingest');
    expect(unwrapped).toContain('✗ ftd03  [connect-timeout] no answer to the SSH connection (timeout): connect to 192.0.2.13:22 timed out after 10 s → Check that the management interface is up');
    expect(unwrapped).toContain('Fixed in this run (remediated and verified): ftd01 dns-resolves (set-dns-servers)');
    expect(unwrapped).toContain('Reports: /runs/x/report.html');
    // Wrapped at word boundaries (100 columns without a known width), the verdict last.
    const lines = recap.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    expect(lines[lines.length - 1]).toBe('NEEDS ATTENTION: 1 of 4 hosts unreachable or errored, 1 checks undecided, 1 failed (exit 3)');
    expect(out).not.toContain('\x1b[3'); // no colour unless asked
  });

  it('colours only when asked (a TTY without NO_COLOR, or FORCE_COLOR); the clock ticks while waiting and names what runs', async () => {
    expect(useColor({}, true)).toBe(true);
    expect(useColor({}, false)).toBe(false);
    expect(useColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(useColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(useColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    vi.useFakeTimers();
    try {
      const rep = createConsoleReporter({ mode: 'tty', stream, lang: 'en', color: true, tickMs: 1000, longWaitMs: 5000, nowMs: () => clock.t });
      const r = loadSample();
      await rep.onBegin?.({ type: 'run-begin', time: r.meta.startedAt, meta: r.meta, hosts: r.hosts.map((h) => h.host), checks: r.checks });
      await rep.onHostBegin?.({ type: 'host-begin', time: 't', host: 'ftd02' });
      await rep.onCheckBegin?.({ type: 'check-begin', time: 't', host: 'ftd02', checkId: 'eventing-session' });
      clock.t = 3000;
      vi.advanceTimersByTime(1000);
      expect(text()).toContain('[firebook] 0/4 hosts · 0 failing · 0 unreachable · 0 errored · 00:03');
      expect(text()).not.toContain('running');
      clock.t = 12_000;
      vi.advanceTimersByTime(1000);
      expect(text()).toContain('· 00:12 · running ftd02: eventing-session (00:12)');
      await rep.onEnd?.(r);
      expect(text()).toContain('\x1b[1m\x1b[33mNEEDS ATTENTION');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('quiet (cron): nothing at all when everything passed; otherwise only the failures, where the reports are and the verdict', async () => {
    const pass = loadSample();
    pass.hosts = pass.hosts.slice(0, 1);
    pass.exitCode = 0;
    const quiet = memoryStream();
    await replay(pass, createConsoleReporter({ mode: 'quiet', stream: quiet.stream, lang: 'en', color: true }), { t: 0 });
    expect(quiet.text()).toBe('');
    const failing = memoryStream();
    await replay(loadSample(), createConsoleReporter({ mode: 'quiet', stream: failing.stream, lang: 'en', reportLocation: () => '/runs/x' }), { t: 0 });
    const lines = failing.text().trimEnd().split('\n');
    expect(lines[0]).toBe('Failing and undecided checks:');
    expect(lines.join('\n')).not.toMatch(/firebook: 4 hosts|\[firebook\]|Fixed in this run/);
    expect(lines.at(-2)).toBe('Reports: /runs/x');
    expect(lines[lines.length - 1]).toMatch(/^NEEDS ATTENTION: .* \(exit 3\)$/);
  });

  it('plain: one line per host end and per failing check, no control sequences', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    await replaySample(createConsoleReporter({ mode: 'plain', stream, lang: 'en', nowMs: () => clock.t }), clock);
    const out = text();
    expect(out).not.toMatch(/[\r\x1b]/);
    const lines = out.split('\n');
    expect(lines).toContain('  FIXED ftd01 dns-resolves (set-dns-servers)');
    expect(lines).toContain('  FAIL  ftd02 eventing-session: Egress to eventing-ingest.sse.itd.cisco.com:443 is blocked (SYN_SENT, no answer)');
    expect(lines).toContain('  ERROR ftd02 eventhandler-socket: expert mode is disabled on this device (lockdown): the check needs the expert shell');
    expect(lines).toContain('[4/4] ftd03 unreachable: [connect-timeout] no answer to the SSH connection (timeout): connect to 192.0.2.13:22 timed out after 10 s (10.0 s)');
    expect(lines.some((l) => l.startsWith('[1/4] ftd01 reachable: pass 4, fixed 1, fail 0, error 0, skipped 0, waived 0'))).toBe(true);
  });

  it('device text with escape sequences cannot drive the terminal', async () => {
    const { stream, text } = memoryStream();
    const r = loadSample();
    const c = { ...r.hosts[0].checks[1], status: 'fail' as const, diagnosis: { cause: 'boom \x1b]0;owned\x07 \x1b[2J' } };
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

/** A memory stream that reports a terminal width, as process.stdout does on a TTY. */
function terminalStream(columns: number): { stream: Writable & { columns: number }; text: () => string } {
  const m = memoryStream();
  return { stream: Object.assign(m.stream, { columns }), text: m.text };
}

/** Terminal columns of a line: CJK characters take two. */
const columnsOf = (s: string) => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uff60]/.test(ch) ? 2 : 1), 0);

describe('console recap and terminal', () => {
  const LOCKDOWN = 'expert mode is disabled on this device (lockdown): the check needs the expert shell';

  /** ftd02 in lockdown: every expert-shell check errs with the same long reason. */
  function lockdownReport() {
    const r = loadSample();
    const ftd02 = r.hosts[1];
    for (const i of [0, 1, 2]) ftd02.checks[i] = { ...ftd02.checks[i], status: 'error', reason: { en: LOCKDOWN, ja: 'expert モードが無効（ロックダウン）' }, diagnosis: undefined };
    return r;
  }

  it('checks of one host failing for the same reason share one recap line listing their ids', async () => {
    const { stream, text } = memoryStream();
    await createConsoleReporter({ mode: 'plain', stream, lang: 'en' }).onEnd?.(lockdownReport());
    const lines = text().split('\n');
    expect(lines.filter((l) => l.includes(LOCKDOWN))).toEqual([
      `  ! ftd02  version-applicable, dns-resolves, sse-endpoints, eventhandler-socket (high): ${LOCKDOWN}`,
    ]);
    // Other reasons of the same host keep their own line.
    expect(lines.some((l) => l.startsWith('  ✗ ftd02  eventing-session (high): Egress to eventing-ingest'))).toBe(true);
  });

  it('root cause first: a symptom is listed under its cause, with the cause named instead of its own long advice', async () => {
    const r = loadSample();
    const ftd02 = r.hosts[1];
    ftd02.checks[1] = { ...ftd02.checks[1], status: 'fail', diagnosis: { cause: 'DNS fails', next: 'Fix the DNS servers' } };
    ftd02.checks[4] = { ...ftd02.checks[4], diagnosis: { cause: 'no session to the cloud', next: 'See dns-resolves, then restart the connector' } };
    const { stream, text } = memoryStream();
    await createConsoleReporter({ mode: 'plain', stream, lang: 'en' }).onEnd?.(r);
    const lines = text().split('\n');
    const at = lines.findIndex((l) => l.startsWith('  ✗ ftd02  dns-resolves (high): DNS fails → Fix the DNS servers'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toBe('      ↳ eventing-session: caused by dns-resolves');
    expect(text()).not.toContain('no session to the cloud');
  });

  it('the recap cap counts hidden checks, in the console language', async () => {
    const en = memoryStream();
    await createConsoleReporter({ mode: 'plain', stream: en.stream, lang: 'en', maxRecapLines: 1 }).onEnd?.(lockdownReport());
    // Shown: ftd02's lockdown line (4 checks). Hidden: eventing-session (ftd01's DNS failure was fixed);
    // in Japanese eventhandler-socket's own reason differs from the lockdown text: one more line.
    expect(en.text()).toContain('  … and 1 more failing or undecided checks (see report.json)\n');
    const ja = memoryStream();
    await createConsoleReporter({ mode: 'plain', stream: ja.stream, lang: 'ja', maxRecapLines: 1 }).onEnd?.(lockdownReport());
    expect(ja.text()).toContain('  … ほか 2 件の不合格・判定不能のチェック（report.json を参照）\n');
  });

  it('the TTY progress line is cut to the terminal width (wide Japanese characters count twice)', async () => {
    for (const lang of ['en', 'ja'] as const) {
      const { stream, text } = terminalStream(40);
      const clock = { t: 0 };
      await replaySample(createConsoleReporter({ mode: 'tty', stream, lang, nowMs: () => clock.t }), clock);
      const out = text();
      const progress = out.split('\r\x1b[K').filter((s) => s.startsWith('[firebook]'));
      expect(progress.length).toBe(5);
      for (const line of progress) {
        expect(columnsOf(line)).toBeLessThanOrEqual(39);
        expect(line.endsWith('…')).toBe(true);
      }
    }
  });

  it('without a known width the progress line is whole', async () => {
    const { stream, text } = memoryStream();
    const clock = { t: 0 };
    await replaySample(createConsoleReporter({ mode: 'tty', stream, lang: 'en', nowMs: () => clock.t }), clock);
    expect(text()).toContain('[firebook] 1/4 hosts · 0 failing · 0 unreachable · 0 errored · 00:10 · ETA 00:30');
  });

  it('plain: says when the device reports another platform than the inventory', async () => {
    const h = { ...loadSample().hosts[0] };
    h.facts = { platform: 'ftd', inventoryPlatform: 'linux', loginLevel: 'cli' };
    for (const [lang, want] of [['en', 'inventory platform linux, the device reports ftd (used for judging)'], ['ja', 'インベントリの platform は linux、機器の報告は ftd']] as const) {
      const { stream, text } = memoryStream();
      await createConsoleReporter({ mode: 'plain', stream, lang }).onHostEnd?.({ type: 'host-end', time: h.startedAt, result: h });
      expect(text()).toContain(`  ${h.host}: ${want}`);
    }
  });

  it('lang ja: recap, progress and plain lines carry no English words of ours', async () => {
    const tty = memoryStream();
    const clock = { t: 0 };
    const r = loadSample();
    r.incomplete = true;
    await replaySample(createConsoleReporter({ mode: 'tty', stream: tty.stream, lang: 'ja', nowMs: () => clock.t, reportLocation: () => '/runs/x' }), clock);
    const out = tty.text().replace(/\n {4}/g, ' ');
    expect(out).toContain('[firebook] 1/4 ホスト · 0 不合格 · 0 到達不能 · 0 エラー · 00:10 · 残り 00:30');
    expect(out).toContain('· 終了コード 3\n');
    expect(out).toContain('（終了コード 3）\n'.replace('（', '(').replace('）', ')'));
    expect(out).toContain('レポート: /runs/x\n');
    expect(out).not.toMatch(/\bETA\b|\bexit\b|Reports:/);
    const rep = memoryStream();
    await createConsoleReporter({ mode: 'tty', stream: rep.stream, lang: 'ja' }).onEnd?.(r);
    expect(rep.text().replace(/\n {4}/g, ' ')).toMatch(/ · 不完全\n/);
    const plain = memoryStream();
    await replaySample(createConsoleReporter({ mode: 'plain', stream: plain.stream, lang: 'ja' }), { t: 0 });
    const lines = plain.text().split('\n');
    expect(lines.some((l) => l.startsWith('  不合格  ftd02 eventing-session: '))).toBe(true);
    expect(lines.some((l) => l.startsWith('  エラー  ftd02 eventhandler-socket: '))).toBe(true);
    expect(lines).toContain('  修復済み ftd01 dns-resolves (set-dns-servers)');
    expect(lines.some((l) => l.startsWith('[4/4] ftd03 到達不能: [connect-timeout] SSH 接続に応答がない (タイムアウト): '))).toBe(true);
    const rem = memoryStream();
    await createConsoleReporter({ mode: 'plain', stream: rem.stream, lang: 'ja' }).onRemediationEnd?.({
      type: 'remediation-end', time: 't', host: 'ftd01', result: { remediationId: 'fix-dns', title: 'x', forCheck: 'dns-resolves', status: 'rolled-back', commands: [] },
    });
    expect(rem.text()).toBe('  修復 ftd01 fix-dns: ロールバック済み\n');
  });
});

describe('console wording for an errored host (issue 23: the demo said "0 checks undecided" beside "9 error", and one message 9 times)', () => {
  /** The sample with one host whose every check errored for the same reason (a lockdown). */
  function lockedSample(): RunReport {
    const r = loadSample();
    const h = r.hosts[1];
    const reason = 'expert mode is not available on this device: Error: expert mode has been disabled on this device (system lockdown-sensor); only CLI-level checks can run';
    h.status = 'error';
    h.checks = h.checks.map((c) => ({ ...c, status: 'error', reason, diagnosis: undefined }));
    for (const o of r.hosts) if (o !== h) o.checks = o.checks.filter((c) => c.status !== 'error');
    return r;
  }

  it('the verdict leaves out a part with nothing to say, so it never contradicts the count line', async () => {
    const r = lockedSample();
    const out = memoryStream();
    await replay(r, createConsoleReporter({ mode: 'plain', stream: out.stream, lang: 'en' }), { t: 0 });
    const verdict = out.text().trimEnd().split('\n').at(-1)!;
    expect(verdict).toBe('NEEDS ATTENTION: 2 of 4 hosts unreachable or errored (exit 3)');
    expect(verdict).not.toMatch(/0 checks undecided/);
    const ja = memoryStream();
    await replay(r, createConsoleReporter({ mode: 'plain', stream: ja.stream, lang: 'ja' }), { t: 0 });
    expect(ja.text().trimEnd().split('\n').at(-1)).toMatch(/^要対応：4 ホスト中 2 ホストが到達不能・エラー \(.+ 3\)$/);
    // With something in each part, all three are said.
    const all = memoryStream();
    await replay(loadSample(), createConsoleReporter({ mode: 'plain', stream: all.stream, lang: 'en' }), { t: 0 });
    expect(all.text().trimEnd().split('\n').at(-1)).toBe('NEEDS ATTENTION: 1 of 4 hosts unreachable or errored, 1 checks undecided, 1 failed (exit 3)');
  });

  it('plain mode says a host\'s shared error once, naming every check it stopped, with clean punctuation', async () => {
    const r = lockedSample();
    const h = r.hosts[1];
    const out = memoryStream();
    await replay(r, createConsoleReporter({ mode: 'plain', stream: out.stream, lang: 'en' }), { t: 0 });
    const lines = out.text().split('\n').filter((l) => l.includes('lockdown-sensor') && l.startsWith('  ERROR'));
    expect(lines).toEqual([`  ERROR ${h.host} ${h.checks.map((c) => c.checkId).join(', ')}: ${h.checks[0].reason}`]);
    expect(out.text()).not.toMatch(/\)\.;/);
  });
});

describe('console widths (string-width: combining marks, zero-width characters, emoji, CJK)', () => {
  // Each of these was measured wrong by the hand-listed East Asian ranges this replaced.
  const COMBINING = 'cafe\u0301'; // "café" with a combining acute: 4 columns, 5 UTF-16 units
  const ROCKET = '\u{1F680}'; // 🚀 (outside the old emoji range): 2 columns
  const FAMILY = '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}'; // one ZWJ sequence: 2 columns

  it('measures graphemes as a terminal draws them', () => {
    expect(displayWidth(COMBINING)).toBe(4);
    expect(displayWidth('a\u200bb')).toBe(2); // zero-width space
    expect(displayWidth('ok\ufe0f')).toBe(2); // variation selector
    expect(displayWidth(ROCKET + '\u{1F98A}')).toBe(4);
    expect(displayWidth(FAMILY)).toBe(2);
    expect(displayWidth('東京ｶﾀ')).toBe(6); // wide kanji, half-width katakana
  });

  it('cuts between graphemes only: an accent stays on its letter, an emoji sequence stays whole', () => {
    expect(cutToWidth('e\u0301'.repeat(6), 4)).toBe('e\u0301'.repeat(3) + '…');
    expect(cutToWidth(`ab${FAMILY}cd`, 4)).toBe('ab…');
    expect(cutToWidth(ROCKET.repeat(3), 4)).toBe(`${ROCKET}…`);
    expect(cutToWidth('東京都庁', 6)).toBe('東京…');
  });

  it('the TTY progress line naming a running host with emoji, CJK and combining marks is cut by columns', async () => {
    vi.useFakeTimers();
    try {
      const host = `fw-東京-${ROCKET}-${COMBINING}`;
      const r = loadSample();
      // Every character before the host name is one column wide.
      const prefix = '[firebook] 0/1 hosts · 0 failing · 0 unreachable · 0 errored · 00:12 · running ';
      const P = prefix.length;
      const progressAt = async (columns: number) => {
        const { stream, text } = terminalStream(columns);
        const clock = { t: 0 };
        const rep = createConsoleReporter({ mode: 'tty', stream, lang: 'en', tickMs: 1000, longWaitMs: 0, nowMs: () => clock.t });
        await rep.onBegin?.({ type: 'run-begin', time: r.meta.startedAt, meta: r.meta, hosts: [host], checks: r.checks });
        await rep.onHostBegin?.({ type: 'host-begin', time: 't', host });
        await rep.onCheckBegin?.({ type: 'check-begin', time: 't', host, checkId: 'dns-resolves' });
        clock.t = 12_000;
        vi.advanceTimersByTime(1000);
        await rep.onEnd?.(r);
        return text().split('\r\x1b[K').filter((s) => s.startsWith('[firebook]')).pop()!;
      };
      // The line is cut one column short of the width, the `…` included: P + n + 2 columns
      // leave n columns of the host name.
      expect(await progressAt(P + 4 + 2)).toBe(`${prefix}fw-…`); // 東 (2 columns) does not fit in the 4th
      expect(await progressAt(P + 9 + 2)).toBe(`${prefix}fw-東京-…`); // nor does 🚀 in the 9th
      expect(await progressAt(P + 14 + 2)).toBe(`${prefix}fw-東京-${ROCKET}-caf…`);
      expect(await progressAt(P + 15 + 2)).toBe(`${prefix}fw-東京-${ROCKET}-${COMBINING}…`); // the accent stays on its e
      const whole = `${prefix}${host}: dns-resolves (00:12)`;
      expect(displayWidth(whole)).toBe(whole.length + 1); // +2 for 東京, -1 for the combining accent
      expect(await progressAt(whole.length + 2)).toBe(whole); // fits: not cut
    } finally {
      vi.useRealTimers();
    }
  });

  it('recap lines wrap by columns, not by UTF-16 length', async () => {
    const r = loadSample();
    const h = r.hosts[1];
    const reason = `${ROCKET.repeat(15)} ${'\u{1F98A}'.repeat(10)} ${'e\u0301'.repeat(30)} 東京`;
    h.host = `fw-${COMBINING}`;
    h.checks[0] = { ...h.checks[0], status: 'error', reason: { en: reason, ja: reason }, diagnosis: undefined };
    const { stream, text } = terminalStream(41);
    await createConsoleReporter({ mode: 'tty', stream, lang: 'en' }).onEnd?.(r);
    const lines = text().split('\n');
    // Wrapped to 40 columns (a word longer than that, e.g. a host name, stays whole).
    for (const line of lines) if (line.trim().includes(' ')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    // The emoji words are 30 and 20 columns: they cannot share a 40-column line (the old widths
    // counted them 15 and 10). The 30 accented letters are 30 columns (not 60): with the indent
    // and the next word they share a line.
    const start = lines.findIndex((l) => l.includes(ROCKET));
    expect(lines[start]).toMatch(new RegExp(`${ROCKET.repeat(15)}$`, 'u'));
    expect(lines[start + 1]).toBe(`    ${'\u{1F98A}'.repeat(10)}`);
    expect(lines[start + 2]).toBe(`    ${'e\u0301'.repeat(30)} 東京`);
  });
});
