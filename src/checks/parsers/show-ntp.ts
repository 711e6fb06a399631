/**
 * CLISH `show ntp` on FTD (docs/health.md "ntp-synced"): one block per server, `NTP Server : <ip>`,
 * `Status : <status>`, `Offset : <n> (milliseconds)`, `Last Update : <n> (seconds)`. Only one
 * server is `Being Used` at a time. Status strings other than `Being Used` are not confirmed by
 * a source: they are kept as printed (the check only asks for `Being Used`). A line of any other
 * shape, or an offset/update in another unit, makes the output unrecognised (quoted).
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, labelledValue, unrecognised } from './common.js';

const LABEL = /^[A-Za-z][A-Za-z ]*$/;

interface Server { server: string; status?: string; offset?: number; age?: number }

/** `0.013 (milliseconds)` → 0.013; `36 (seconds)` → 36; undefined for another unit or shape. */
function amount(value: string, unit: string): number | undefined {
  const sp = value.indexOf(' ');
  if (sp < 0 || value.slice(sp + 1).trim() !== `(${unit})`) return undefined;
  const n = value.slice(0, sp);
  return /^-?\d+(\.\d+)?$/.test(n) ? Number(n) : undefined;
}

/** Parses `show ntp`: servers[], statuses[] (`IP: STATUS`), used_count, used_server, and the
 * used server's offset_ms, abs_offset_ms and last_update_s. With no server in use,
 * abs_offset_ms and last_update_s are 0 (nothing to measure; the check fails on used_count). */
export function parseShowNtp(output: string): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const servers: Server[] = [];
  const bad = (line: string): ParseResult => ({ fields: {}, error: `show-ntp: unrecognised output (line: ${JSON.stringify(line.trim().slice(0, 120))})` });
  for (const line of lines) {
    const kv = labelledValue(line, LABEL, { allowBare: false });
    if (!kv) return servers.length === 0 ? { fields: {}, error: detectShellError(output) ?? unrecognised('show-ntp', lines) } : bad(line);
    const label = kv.label.toLowerCase();
    if (label === 'ntp server') { servers.push({ server: kv.value }); continue; }
    const cur = servers[servers.length - 1];
    if (!cur) return bad(line);
    if (label === 'status') cur.status = kv.value;
    else if (label === 'offset') { cur.offset = amount(kv.value, 'milliseconds'); if (cur.offset === undefined) return bad(line); }
    else if (label === 'last update') { cur.age = amount(kv.value, 'seconds'); if (cur.age === undefined) return bad(line); }
    else return bad(line);
  }
  if (servers.length === 0) return { fields: {}, error: detectShellError(output) ?? unrecognised('show-ntp', lines) };
  const used = servers.filter((s) => s.status === 'Being Used');
  const u = used[0];
  return {
    fields: {
      servers: servers.map((s) => s.server),
      statuses: servers.map((s) => `${s.server}: ${s.status ?? '(none)'}`),
      used_count: used.length,
      ...(u ? { used_server: u.server } : {}),
      ...(u?.offset !== undefined ? { offset_ms: u.offset, abs_offset_ms: Math.abs(u.offset) } : u ? {} : { abs_offset_ms: 0 }),
      ...(u?.age !== undefined ? { last_update_s: u.age } : u ? {} : { last_update_s: 0 }),
    },
  };
}
