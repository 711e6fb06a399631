/**
 * POSIX `df -P` (expert shell; docs/health.md "disk-usage"): a header `Filesystem 1024-blocks
 * Used Available Capacity Mounted on` (or `1K-blocks … Use%` from GNU) and one line per
 * filesystem: six columns, the fifth `N%`, the mount point last (POSIX keeps one line per
 * filesystem, so no wrapped lines). Fields: volumes[] (`MOUNT: N%`), the highest use among the
 * Firepower volumes the check watches (option `mounts`, default `/`, `/ngfw/Volume`, `/Volume`),
 * and the mount points at or above each threshold are decided by the check, not here.
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

/** The mount points the health check watches by default (docs/health.md "disk-usage"). */
export const WATCHED_MOUNTS = ['/', '/ngfw/Volume', '/Volume'];

/** Options of the `df` parser: which mount points count as watched volumes. */
export const DF_OPTIONS = {
  type: 'object',
  additionalProperties: false,
  properties: { mounts: { type: 'array', items: { type: 'string', pattern: '^/' }, minItems: 1 } },
} as const;

/** Parses `df -P`: volumes[] (`MOUNT: N%`), mounts[], watched[] (watched mounts present),
 * max_use_percent and max_use_mount over the watched ones, use_percents[] in the same order. */
export function parseDf(output: string, _exit: number | null, options?: Record<string, unknown>): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const watch = Array.isArray(options?.mounts) ? (options.mounts as string[]) : WATCHED_MOUNTS;
  const header = lines.findIndex((l) => l.startsWith('Filesystem'));
  if (header < 0) return { fields: {}, error: detectShellError(output) ?? unrecognised('df', lines) };
  const volumes: string[] = [];
  const mounts: string[] = [];
  const watched: string[] = [];
  const percents: number[] = [];
  let max = -1;
  let maxMount = '';
  for (const line of lines.slice(header + 1)) {
    const cols = line.trim().split(/\s+/);
    const pct = cols[4] ?? '';
    if (cols.length !== 6 || !/^\d{1,3}%$/.test(pct) || !cols[5].startsWith('/')) {
      return { fields: {}, error: `df: unrecognised output (line: ${JSON.stringify(line.trim().slice(0, 120))})` };
    }
    const use = Number(pct.slice(0, -1));
    volumes.push(`${cols[5]}: ${use}%`);
    mounts.push(cols[5]);
    if (watch.includes(cols[5])) {
      watched.push(cols[5]);
      percents.push(use);
      if (use > max) { max = use; maxMount = cols[5]; }
    }
  }
  if (watched.length === 0) {
    return { fields: {}, error: `df: none of the watched volumes (${watch.join(', ')}) is mounted; mounts: ${mounts.slice(0, 10).join(', ') || '(none)'}` };
  }
  return { fields: { volumes, mounts, watched, use_percents: percents, max_use_percent: max, max_use_mount: maxMount, watched_volumes: watched.map((m, i) => `${m}: ${percents[i]}%`) } };
}
