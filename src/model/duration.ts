/**
 * One grammar for every duration flag — `--valid-for`, `--max-valid-for`, the END of
 * `--window START/END` and `--older-than` (docs/change-window.md "Durations"): whole numbers of
 * `w`, `d`, `h`, `m`, `s`, alone or combined from the largest unit down (`90m`, `1h30m`,
 * `2w`), or an ISO 8601 duration of weeks, days, hours, minutes and seconds (`PT2H`, `P1DT12H`).
 * `m` is minutes (ISO months are not accepted: their length varies). Each flag keeps its own
 * bounds; every one refuses zero.
 */

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
const UNITS = 'wdhms';
const ISO = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
/** Longer than any flag could mean (about 31,700 years): keeps dates computed from it valid. */
const MAX_MS = 1e15;

/** How the forms are named in every message. */
export const DURATION_FORMS = 'a whole number of w, d, h, m or s (2w, 7d, 12h, 90m, 1h30m) or ISO 8601 (PT2H)';

/** ISO 8601 duration (weeks, days, hours, minutes, seconds) in milliseconds (0 allowed). */
export function parseIsoDuration(text: string): number | undefined {
  const m = ISO.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [w, d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  const ms = ((((w * 7 + d) * 24 + h) * 60 + min) * 60 + s) * 1000;
  return ms <= MAX_MS ? ms : undefined;
}

/** A duration in milliseconds, or undefined when `text` is not one or is zero. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t.startsWith('P')) {
    const iso = parseIsoDuration(t);
    return iso && iso > 0 ? iso : undefined;
  }
  if (!/^(?:\d+ *[wdhms] *)+$/.test(t)) return undefined;
  let ms = 0;
  let last = -1;
  for (const [, n, unit] of t.matchAll(/(\d+) *([wdhms])/g)) {
    const rank = UNITS.indexOf(unit);
    if (rank <= last) return undefined; // `30m1h`, `1h1h`: the largest unit first, each once
    last = rank;
    ms += Number(n) * UNIT_MS[unit];
  }
  return ms > 0 && ms <= MAX_MS ? ms : undefined;
}

/** The one message for a value that is not a duration, naming the flag. */
export function durationError(flag: string, text: string): string {
  return `${flag} must be a duration longer than zero: ${DURATION_FORMS}, not '${text}'`;
}
