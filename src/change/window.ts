/**
 * `--window START/END` (ISO 8601 time interval) and `--valid-for 24h`. Times must carry an
 * offset (`Z`, `+09:00`): a change window in "local time" means a different hour on the
 * jump host than on the engineer's laptop. END is a time or a duration (`PT2H`, `2h`, `1h30m`:
 * the one duration grammar of every flag, model/duration.ts).
 */
import { DURATION_FORMS, parseDuration } from '../model/duration.js';

export { parseIsoDuration } from '../model/duration.js';


/** A change window: [start, end). */
export interface ChangeWindow {
  start: Date;
  end: Date;
  /** As typed (`START/END`): messages show the window in the offset it was typed in. */
  text?: string;
  /** Where it came from when not --window (e.g. "the window approved in journal.jsonl"). */
  from?: string;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDateTime(text: string): Date | undefined {
  if (!DATE_TIME.test(text)) return undefined;
  const d = new Date(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Parses `START/END`; a string says what is wrong (the caller names the flag). */
export function parseWindow(text: string): ChangeWindow | string {
  const parts = text.trim().split('/');
  if (parts.length !== 2) return 'must be START/END, e.g. 2026-12-01T01:00+09:00/PT2H';
  const start = parseDateTime(parts[0]);
  if (!start) return `'${parts[0]}' is not a date and time with an offset (e.g. 2026-12-01T01:00+09:00)`;
  let end = parseDateTime(parts[1]);
  if (!end) {
    const ms = parseDuration(parts[1]);
    if (ms === undefined) return `'${parts[1]}' is neither a date and time with an offset nor a duration: ${DURATION_FORMS}`;
    end = new Date(start.getTime() + ms);
  }
  if (end.getTime() <= start.getTime()) return 'ends before it starts';
  return { start, end, text: text.trim() };
}

/** Where `now` stands relative to the window. */
export function windowState(window: ChangeWindow, now: Date): 'before' | 'open' | 'after' {
  const t = now.getTime();
  if (t < window.start.getTime()) return 'before';
  return t < window.end.getTime() ? 'open' : 'after';
}

/** `--valid-for`: one duration grammar for every flag (model/duration.ts). */
export const parseValidFor = parseDuration;

/** `date` as ISO 8601 in the offset of `like` (e.g. `+09:00` of `2026-12-01T01:00+09:00`). */
export function inOffsetOf(date: Date, like: string | undefined): string {
  const m = /(Z|[+-]\d{2}:?\d{2})(?:\/|$)/.exec(like ?? '');
  if (!m || m[1] === 'Z') return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const sign = m[1].startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(m[1].slice(1, 3)) * 60 + Number(m[1].slice(-2)));
  const shifted = new Date(date.getTime() + minutes * 60_000).toISOString().slice(0, 19);
  return `${shifted}${m[1].length === 5 ? `${m[1].slice(0, 3)}:${m[1].slice(3)}` : m[1]}`;
}

/** The window as typed, or in UTC when it was not typed (older journals). */
export function windowText(w: ChangeWindow): string {
  return w.text ?? `${w.start.toISOString()}/${w.end.toISOString()}`;
}
