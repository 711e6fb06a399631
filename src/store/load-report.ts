/** Reads what `firebook report render` is given: a report.json or an events.jsonl. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { changesFromJournal } from '../change/remaining.js';
import { resumeCommand } from '../model/change.js';
import type { JournalEntry } from '../model/change.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { schemaValidator } from '../validate/schema.js';
import { UserError } from '../model/errors.js';
import type { RunReport } from '../model/result.js';
import { buildReport } from '../report/build-report.js';
import { parseEventLog } from './event-log.js';
import { missingFileHint } from '../io/suggest-path.js';

/** The report schema (schemas/report.schema.json). */
export function reportValidator(): ValidateFunction {
  return schemaValidator('report');
}

/**
 * Loads a RunReport from a report.json (validated against the schema) or from an event log
 * (one JSON event per line; a killed run's log renders as an incomplete report).
 * Bad input is a UserError `report-input`.
 */
export function loadReportInput(path: string): RunReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError({ code: 'report-input', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: missingFileHint(path, 'pass a report.json or events.jsonl from a run folder') });
  }
  const trimmed = text.trimStart();
  let whole: unknown;
  if (trimmed.startsWith('{')) {
    try {
      whole = JSON.parse(text);
    } catch {
      whole = undefined; // not one JSON document: an event log (one object per line)
    }
  }
  if (whole && typeof whole === 'object' && 'schemaVersion' in whole) {
    const validate = reportValidator();
    if (!validate(whole)) {
      const issues = (validate.errors ?? []).slice(0, 10).map((e) => ({
        code: 'report-input' as const,
        message: `${path}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
        hint: 'the file does not match schemas/report.schema.json (schemaVersion 1)',
      }));
      throw new UserError(issues);
    }
    return whole as RunReport;
  }
  if (whole && typeof whole === 'object' && 'type' in whole) return withJournalChanges(buildReport(parseEventLog(text, path)), path);
  if (whole !== undefined || !trimmed.startsWith('{')) {
    throw new UserError({ code: 'report-input', message: `${path} is neither a firebook report.json nor an events.jsonl`, hint: missingFileHint(path, 'pass a report.json or events.jsonl from a run folder') });
  }
  return withJournalChanges(buildReport(parseEventLog(text, path)), path);
}

/** A killed change run's events end without its changes: they are in journal.jsonl beside
 * the event log (docs/change-window.md "After a crash"). */
function withJournalChanges(report: RunReport, eventsPath: string): RunReport {
  if (report.changes || report.meta.mode !== 'apply') return report;
  let text: string;
  try {
    text = readFileSync(join(dirname(eventsPath), 'journal.jsonl'), 'utf8');
  } catch {
    return report;
  }
  try {
    const journal = join(dirname(eventsPath), 'journal.jsonl');
    const changes = changesFromJournal(parseEventLog<JournalEntry>(text, journal), report.meta.runId);
    if (!changes.length) return report;
    // The next step of a change run is resume, not a re-run.
    const next = { en: `The change run was interrupted before this host finished: ${resumeCommand(journal)} finishes it.`, ja: `このホストの完了前に変更の実行が中断されました。${resumeCommand(journal)} で続きを実行してください。` };
    const hosts = report.hosts.map((h) => (h.triage?.class === 'interrupted' ? { ...h, triage: { ...h.triage, next } } : h));
    return { ...report, hosts, changes };
  } catch {
    return report; // a journal that cannot be read: the report stays as the events tell it
  }
}
