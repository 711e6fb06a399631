/** A killed change run's report: its events end without its changes, which are in
 * journal.jsonl beside the event log (docs/change-window.md "After a crash"). */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { resumeCommand, type JournalEntry } from '../model/change.js';
import type { RunReport } from '../model/result.js';
import { parseEventLog } from '../store/event-log.js';
import { changesFromJournal } from './remaining.js';

/** `report` (rebuilt from the events at `eventsPath`) with the changes its journal tells, and
 * resume as the next step of each interrupted host. Unchanged when the run was no apply, already
 * has its changes, or has no readable journal. */
export function withJournalChanges(report: RunReport, eventsPath: string): RunReport {
  if (report.changes || report.meta.mode !== 'apply') return report;
  const journal = join(dirname(eventsPath), 'journal.jsonl');
  let text: string;
  try {
    text = readFileSync(journal, 'utf8');
  } catch {
    return report;
  }
  try {
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
