/** Device timestamps in the two layouts the health texts print (docs/health.md "Clocks"):
 * `Mon Jun 15 09:02:16 2020 UTC` (sftunnel-status-brief, date(1)) and the Lina `show clock`
 * layout `09:02:16.123 UTC Mon Jun 15 2020`. Only UTC is read: another zone, or any other
 * layout, is undefined (the caller reports the line as unrecognised, never guesses). */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = new Set(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']);
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.\d{1,6})?$/;

function epochOf(year: string, month: string, day: string, time: string): number | undefined {
  const m = MONTHS.indexOf(month.toLowerCase());
  const t = TIME.exec(time);
  if (m < 0 || !t || !/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(day)) return undefined;
  const ms = Date.UTC(Number(year), m, Number(day), Number(t[1]), Number(t[2]), Number(t[3]));
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Seconds since 1970 (UTC) of a device timestamp, or undefined when the layout is not known. */
export function parseDeviceTime(text: string): number | undefined {
  // A timestamp is about 30 characters: anything much longer is not one (and is not split).
  if (text.length > 80) return undefined;
  const w = text.trim().split(/\s+/);
  if (w.length === 6 && w[5] === 'UTC' && DAYS.has(w[0].toLowerCase())) return epochOf(w[4], w[1], w[2], w[3]);
  if (w.length === 6 && w[4] === 'UTC' && DAYS.has(w[0].toLowerCase())) return epochOf(w[5], w[1], w[2], w[3]);
  if (w.length === 6 && w[1] === 'UTC' && DAYS.has(w[2].toLowerCase())) return epochOf(w[5], w[3], w[4], w[0]);
  return undefined;
}
