/** Issue 18: one duration grammar for --valid-for, --max-valid-for, --window END and --older-than. */
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DURATION_FORMS, parseDuration } from '../../src/model/duration.js';
import { parseWindow } from '../../src/change/window.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) });
  const code = await main(args, { stdout: sink, stderr: sink, cwd: ROOT, env: {} });
  return { code, out };
}

describe('parseDuration', () => {
  it.each([
    ['45s', 45 * S], ['90m', 90 * M], ['12h', 12 * H], ['7d', 7 * D], ['2w', 14 * D],
    ['1h30m', 90 * M], ['1d12h', 36 * H], ['1w2d3h4m5s', 9 * D + 3 * H + 4 * M + 5 * S], [' 24h ', 24 * H], ['90 m', 90 * M],
    ['PT2H', 2 * H], ['P1DT12H', 36 * H], ['P1W', 7 * D], ['PT90M', 90 * M],
  ])('%j = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '0d', '0h0m', 'PT0S', 'P', 'PT', '1', 'h', '30 days', '1.5h', '-1h', '30m1h', '1h1h', '1M', 'P1M', '1y', 'soon', '99999999999999999w'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('--window END takes the same grammar (2h, 1h30m as well as PT2H); a wrong END names the forms', () => {
    const w = parseWindow('2026-12-01T01:00+09:00/1h30m');
    expect(typeof w === 'string' ? w : w.end.toISOString()).toBe('2026-11-30T17:30:00.000Z');
    expect(parseWindow('2026-12-01T01:00+09:00/2 hours')).toBe(`'2 hours' is neither a date and time with an offset nor a duration: ${DURATION_FORMS}`);
  });
});

describe('each flag: the same message naming the flag, exit 4, its own bounds', () => {
  const formsRe = DURATION_FORMS.replace(/[()]/g, '\\$&');

  it('report prune --older-than: takes m, s and ISO now too (was h|d|w only); a wrong value is exit 4', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-dur-'));
    mkdirSync(join(dir, 'reports'));
    const bad = await cli(['report', 'prune', '--older-than', '30 days', '--dir', join(dir, 'reports')]);
    expect(bad.code).toBe(4);
    expect(bad.out).toMatch(new RegExp(`error\\[cli-usage\\]: firebook report prune: --older-than must be a duration longer than zero: ${formsRe}, not '30 days'`));
    for (const ok of ['90m', 'PT12H', '1d12h']) expect((await cli(['report', 'prune', '--older-than', ok, '--dir', join(dir, 'reports'), '--dry-run'])).code).toBe(0);
  });

  it('plan --valid-for / --max-valid-for: the same message; 2w is a duration now (was s|m|h|d only), still bounded by --max-valid-for', async () => {
    const base = ['plan', 'playbooks/securex.yml', '-i', 'inventory/example.yml'];
    const bad = await cli([...base, '--valid-for', '2x']);
    expect(bad.code).toBe(4);
    expect(bad.out).toMatch(new RegExp(`firebook plan: --valid-for must be a duration longer than zero: ${formsRe}, not '2x'`));
    const badMax = await cli([...base, '--max-valid-for', '0d']);
    expect(badMax.out).toMatch(/firebook plan: --max-valid-for must be a duration longer than zero: .*, not '0d'/);
    expect(badMax.code).toBe(4);
    // 2w reads as a duration (the old grammar refused w), and is refused by --valid-for's own bound.
    const weeks = await cli([...base, '--valid-for', '2w']);
    expect(weeks.code).toBe(4);
    expect(weeks.out).toMatch(/--valid-for 2w is longer than the 7d a plan may stay valid/);
  });
});
