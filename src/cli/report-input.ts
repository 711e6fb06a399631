/** What `report render`, `report merge` and `run --baseline` read: a run's report.json, or its
 * events.jsonl rebuilt into a report (with a change run's journal), a host at a time. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withJournalChanges } from '../change/journal-report.js';
import { UserError } from '../model/errors.js';
import type { RunReport } from '../model/result.js';
import { buildReport } from '../report/build-report.js';
import { readRunInput, type KeepHost } from '../store/load-report.js';
import type { ShardReport } from '../store/merge.js';

/**
 * Loads a RunReport from a report.json (validated against the schema) or from an event log
 * (a killed run's log renders as an incomplete report). Each host's full result goes through
 * `keep` (e.g. a result store's `add`, which keeps it on disk and returns its summary), so the
 * input is never whole in memory. Bad input is a UserError `report-input`.
 */
export function loadReportInput(path: string, keep?: KeepHost): RunReport {
  const input = readRunInput(path, keep);
  return input.kind === 'report' ? input.report : withJournalChanges(buildReport(input.events), path);
}

/** Loads a run folder's report.json, or its events.jsonl when the run was killed before it. */
export function loadRunFolder(dir: string, keep?: KeepHost): ShardReport {
  for (const name of ['report.json', 'events.jsonl']) {
    const path = join(dir, name);
    if (existsSync(path)) return { path, report: loadReportInput(path, keep) };
  }
  throw new UserError({ code: 'report-input', message: `${dir}: no report.json or events.jsonl`, hint: "name the run folders that 'firebook run --shard I/N --out DIR' wrote" });
}
