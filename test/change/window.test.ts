/** --window and --valid-for parsing. */
import { describe, expect, it } from 'vitest';
import { parseIsoDuration, parseValidFor, parseWindow, windowState } from '../../src/change/window.js';

describe('--window START/END', () => {
  it('takes a duration as END', () => {
    const w = parseWindow('2026-12-01T01:00+09:00/PT2H');
    expect(typeof w).toBe('object');
    if (typeof w === 'string') return;
    expect([w.start.toISOString(), w.end.toISOString()]).toEqual(['2026-11-30T16:00:00.000Z', '2026-11-30T18:00:00.000Z']);
    expect(windowState(w, new Date('2026-11-30T15:59:59Z'))).toBe('before');
    expect(windowState(w, new Date('2026-11-30T16:00:00Z'))).toBe('open');
    expect(windowState(w, new Date('2026-11-30T18:00:00Z'))).toBe('after');
  });

  it('takes a time as END', () => {
    const w = parseWindow('2026-12-01T01:00:00Z/2026-12-01T03:30:00+0100');
    expect(typeof w === 'object' && w.end.toISOString()).toBe('2026-12-01T02:30:00.000Z');
  });

  it.each([
    ['2026-12-01T01:00/PT2H', /offset/],
    ['2026-12-01T01:00Z', /START\/END/],
    ['2026-12-01T01:00Z/2 hours', /duration/],
    ['2026-12-01T03:00Z/2026-12-01T01:00Z', /ends before it starts/],
    ['2026-12-01T01:00Z/PT', /duration/],
  ])('refuses %j', (text, why) => expect(parseWindow(text)).toMatch(why));

  it('durations', () => {
    expect(parseIsoDuration('P1DT2H30M')).toBe((26 * 60 + 30) * 60_000);
    expect(parseIsoDuration('P1W')).toBe(7 * 86_400_000);
    expect(parseIsoDuration('1H')).toBeUndefined();
  });
});

describe('--valid-for', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['7d', 604_800_000],
    ['PT12H', 43_200_000],
    ['0h', undefined],
    ['soon', undefined],
  ])('%j', (text, ms) => expect(parseValidFor(text)).toBe(ms));
});
