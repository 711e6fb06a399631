/**
 * The SSE connector's logfmt log (`connector.log`, securex-knowledge §6):
 * `time="2020-04-13T14:34:02.88472046-05:00" level=error msg="[host][events.go:90 events:connectWebSocket] dial tcp x.x.x.246:443: ...`
 * Lines may be cut off mid-message (the seed capture is), so `msg` is read up to the line end
 * when its closing quote is missing.
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unique, unrecognised } from './common.js';

interface LogLine {
  time?: string;
  timeMs?: number;
  level?: string;
  msg: string;
}

const TIME = /(?:^|\s)time="?([^"\s]+)"?/;
const LEVEL = /(?:^|\s)level=(\w+)/;
const MSG = /(?:^|\s)msg="((?:[^"\\]|\\.)*)(?:"|$)|(?:^|\s)msg=(\S+)/;
const DIAL = /dial tcp (\[[^\]]+\]|[^\s:]+):(\d+)/;

/** Parses an RFC 3339 timestamp with any number of fraction digits (Go prints nanoseconds). */
export function parseLogTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return undefined;
  const ms = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  const ms2 = Date.parse(`${m[1]}${ms}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms2) ? undefined : ms2;
}

function readLine(line: string): LogLine | undefined {
  const level = LEVEL.exec(line)?.[1];
  const time = TIME.exec(line)?.[1];
  if (level === undefined && time === undefined) return undefined;
  const m = MSG.exec(line);
  return { time, timeMs: time ? parseLogTime(time) : undefined, level: level?.toLowerCase(), msg: m ? (m[1] ?? m[2] ?? '') : '' };
}

/** Parses connector.log: line_count, error_count, dial_error_count, dial_error_ips[], last_error_time.
 * Option `window_minutes`: only lines within N minutes of the newest timestamp count. */
export function parseConnectorLog(output: string, _exitCode: number | null, options?: Record<string, unknown>): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const parsed = lines.map(readLine).filter((l): l is LogLine => l !== undefined);
  if (parsed.length === 0 && lines.length > 0) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('connector-log', lines) };
  }
  const windowMinutes = options?.window_minutes;
  if (windowMinutes !== undefined && (typeof windowMinutes !== 'number' || !(windowMinutes > 0))) {
    return { fields: {}, error: `connector-log: option window_minutes must be a positive number, got ${JSON.stringify(windowMinutes)}` };
  }
  let selected = parsed;
  let newest: number | undefined;
  for (const l of parsed) if (l.timeMs !== undefined && (newest === undefined || l.timeMs > newest)) newest = l.timeMs;
  if (typeof windowMinutes === 'number' && newest !== undefined) {
    const from = newest - windowMinutes * 60_000;
    // Lines without a readable timestamp cannot be placed in the window: left out.
    selected = parsed.filter((l) => l.timeMs !== undefined && l.timeMs >= from);
  }
  const errors = selected.filter((l) => l.level === 'error' || l.level === 'fatal' || l.level === 'panic');
  const dialErrors = errors.filter((l) => l.msg.includes('connectWebSocket') && DIAL.test(l.msg));
  const ips = dialErrors.map((l) => DIAL.exec(l.msg)![1].replace(/^\[|\]$/g, ''));
  const lastError = errors.length > 0 ? errors[errors.length - 1].time ?? null : null;
  return {
    fields: {
      line_count: selected.length,
      error_count: errors.length,
      dial_error_count: dialErrors.length,
      dial_error_ips: unique(ips),
      last_error_time: lastError,
      newest_time: newest !== undefined ? new Date(newest).toISOString() : null,
    },
  };
}
