/** report.json: the RunReport itself, pretty-printed. The contract for other tools
 * (schemas/report.schema.json, schemaVersion 1). */
import type { RunReport } from '../model/result.js';
import { maskArgv } from './sanitize.js';
import type { RenderOptions } from './view-model.js';

/** Renders report.json. `meta.argv` is passed through `maskArgv`: a command line can carry
 * `-e ssh_password=...`, and this file is attached to audits. Everything else is verbatim
 * (device output stays raw here; JSON escapes control characters itself). */
export function renderJson(report: RunReport, _opts?: Partial<RenderOptions>): string {
  const safe: RunReport = { ...report, meta: { ...report.meta, argv: maskArgv(report.meta.argv ?? []) } };
  return JSON.stringify(safe, null, 2) + '\n';
}
