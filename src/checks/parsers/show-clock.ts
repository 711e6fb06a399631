/** CLISH `show clock`: one timestamp line, the device's clock (docs/health.md "Clocks"). The
 * sftunnel check compares heartbeat times with it, so the age is measured by the device. */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';
import { parseDeviceTime } from './device-time.js';

/** Parses `show clock` into `epoch` (seconds, UTC) and `clock` (the line). */
export function parseShowClock(output: string): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  if (lines.length === 1) {
    const epoch = parseDeviceTime(lines[0]);
    if (epoch !== undefined) return { fields: { epoch, clock: lines[0].trim() } };
  }
  return { fields: {}, error: detectShellError(output) ?? unrecognised('show-clock', lines) };
}
