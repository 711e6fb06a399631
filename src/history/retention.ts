/**
 * Retention of the results database (docs/history.md "Retention"): rows of runs older than
 * `--keep` are deleted (their hosts, groups, checks and steps go with them); with `--evidence`
 * their run folders too; `--keep-evidence` deletes older folders but keeps their rows, marked
 * evidence-less, so summaries outlive evidence. A folder is deleted only when it really is that
 * run's: it holds a report.json whose meta.runId is the run's id.
 */
import { existsSync, lstatSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonObjectStreaming } from '../store/json-stream.js';
import type { HistoryDb } from './db.js';

/** The default of `--keep`: more than the 12 months PCI DSS 10.5.1 asks to keep. */
export const DEFAULT_KEEP_DAYS = 400;

export interface PruneRule {
  /** Rows of runs that started before this are deleted. */
  rowsBefore: Date;
  /** Delete the run folders of the deleted rows too. */
  evidence: boolean;
  /** Folders of runs that started before this are deleted, their rows kept (evidence = 0). */
  evidenceBefore?: Date;
  dryRun: boolean;
}

export interface PruneAction {
  runId: string;
  startedAt: string;
  folder: string | null;
  /** `rows`: the run's rows go (and its folder with --evidence); `evidence`: only its folder. */
  what: 'rows' | 'evidence';
  /** What happened to its folder. */
  folderOutcome: 'deleted' | 'absent' | 'not-this-run' | 'kept';
}

/** Whether `folder` is the run folder of `runId` (a real folder, not a symlink, whose
 * report.json says so). */
export function isFolderOfRun(folder: string, runId: string): boolean {
  try {
    if (!lstatSync(folder).isDirectory()) return false;
    const report = join(folder, 'report.json');
    if (!lstatSync(report).isFile()) return false;
    const meta = readJsonObjectStreaming(report, 'hosts', () => undefined).members.meta as { runId?: unknown } | undefined;
    return meta?.runId === runId;
  } catch {
    return false;
  }
}

function dropFolder(folder: string | null, runId: string, dryRun: boolean): PruneAction['folderOutcome'] {
  if (!folder || !existsSync(folder)) return 'absent';
  if (!isFolderOfRun(folder, runId)) return 'not-this-run';
  if (!dryRun) rmSync(folder, { recursive: true, force: true });
  return 'deleted';
}

/** Applies `rule` (or, with dryRun, says what it would do). Folders go first, rows after, each
 * row change in one transaction: a crash in between leaves rows whose folder is gone, which a
 * second prune finishes. */
export async function pruneHistory(db: HistoryDb, rule: PruneRule): Promise<PruneAction[]> {
  const actions: PruneAction[] = [];
  const old = await db.query<{ run_id: string; started_at: string; folder: string | null }>('SELECT run_id, started_at, folder FROM runs WHERE started_at < ? ORDER BY started_at', [rule.rowsBefore.toISOString()]);
  for (const r of old) {
    actions.push({ runId: r.run_id, startedAt: r.started_at, folder: r.folder, what: 'rows', folderOutcome: rule.evidence ? dropFolder(r.folder, r.run_id, rule.dryRun) : 'kept' });
  }
  if (rule.evidenceBefore) {
    const aged = await db.query<{ run_id: string; started_at: string; folder: string | null }>(
      'SELECT run_id, started_at, folder FROM runs WHERE started_at < ? AND started_at >= ? AND evidence = 1 ORDER BY started_at',
      [rule.evidenceBefore.toISOString(), rule.rowsBefore.toISOString()],
    );
    for (const r of aged) actions.push({ runId: r.run_id, startedAt: r.started_at, folder: r.folder, what: 'evidence', folderOutcome: dropFolder(r.folder, r.run_id, rule.dryRun) });
  }
  if (rule.dryRun) return actions;
  await db.transaction(async (tx) => {
    await tx.exec('DELETE FROM runs WHERE started_at < ?', [rule.rowsBefore.toISOString()]);
    for (const a of actions) if (a.what === 'evidence') await tx.exec('UPDATE runs SET evidence = 0 WHERE run_id = ?', [a.runId]);
  });
  return actions;
}

/** `report prune` deleted these run folders: their runs' rows say the evidence is gone. */
export async function markEvidenceGone(db: HistoryDb, folders: readonly string[]): Promise<number> {
  let n = 0;
  await db.transaction(async (tx) => {
    for (const folder of folders) {
      const rows = await tx.query<{ run_id: string }>('SELECT run_id FROM runs WHERE folder = ? AND evidence = 1', [folder]);
      if (rows.length) await tx.exec('UPDATE runs SET evidence = 0 WHERE folder = ?', [folder]);
      n += rows.length;
    }
  });
  return n;
}
