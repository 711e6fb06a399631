/** report.json: the RunReport itself, pretty-printed. The contract for other tools
 * (schemas/report.schema.json, schemaVersion 1). */
import type { RunReport } from '../model/result.js';
import { escapeInvisibleJson, maskArgv } from './sanitize.js';
import type { RenderOptions } from './view-types.js';

/** Where the hosts go in the pretty-printed report: the only key at the top level's indent. */
const HOSTS_SLOT = '\n  "hosts": []';

/**
 * report.json in pieces, one host at a time (read from `opts.results` when given, the full
 * result; else the report's own), so a 5,000-host report is never one string in memory. The
 * pieces join to exactly `JSON.stringify(report, null, 2)`, except that bidirectional and
 * zero-width characters are written as `\uXXXX` escapes (the same data; sanitize.ts). `meta.argv` is passed through
 * `maskArgv`: a command line can carry `-e ssh_password=...`, and this file is attached to
 * audits. Everything else is verbatim (device output stays raw here; JSON escapes control
 * characters itself).
 */
export function* renderJsonChunks(report: RunReport, opts?: Partial<RenderOptions>): Generator<string> {
  const frame = escapeInvisibleJson(JSON.stringify({ ...report, meta: { ...report.meta, argv: maskArgv(report.meta.argv ?? []) }, hosts: [] }, null, 2) + '\n');
  const slot = frame.indexOf(HOSTS_SLOT);
  const open = slot + HOSTS_SLOT.length - 1;
  if (report.hosts.length === 0) {
    yield frame;
    return;
  }
  yield frame.slice(0, open);
  for (const [i, summary] of report.hosts.entries()) {
    const host = opts?.results?.read(summary.host) ?? summary;
    yield `${i === 0 ? '' : ','}\n    ${escapeInvisibleJson(JSON.stringify(host, null, 2)).replaceAll('\n', '\n    ')}`;
  }
  yield `\n  ${frame.slice(open)}`;
}

/** Renders report.json as one string. */
export function renderJson(report: RunReport, opts?: Partial<RenderOptions>): string {
  return [...renderJsonChunks(report, opts)].join('');
}
