/** `firebook report prune`: deletes old run folders (reports accumulate, ~1 MB per run).
 * Only folders that are firebook run folders (holding events.jsonl or report.json) are ever
 * candidates; anything else in the folder — files, symlinks, other folders — is left alone. */
import { lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type CliIO, type OptionsSpec } from '../command.js';
import type { HistoryDb } from '../../history/db.js';
import { dbLabel, openHistoryDb, resolveDbSpec } from '../../history/open.js';
import { markEvidenceGone } from '../../history/retention.js';
import { parsePositiveInt } from '../options.js';
import { missingFileHint } from '../../io/missing-file.js';
import { durationError, parseDuration } from '../../model/duration.js';

const USAGE = `Usage: firebook report prune (--keep N | --older-than AGE) [--dir DIR] [--dry-run]

Deletes old run folders under DIR (default: reports). A run folder is a folder holding
events.jsonl or report.json; nothing else is touched. The newest runs are always kept.

Options:
  --keep N           keep the N newest run folders, delete the older ones
  --older-than AGE   delete run folders last written more than AGE ago: 30d, 12h, 2w, 90m
                     (the newest run folder is kept even if it is older)
                     With both, a folder goes only when it is beyond N and older than AGE.
  --dir DIR          the folder holding the run folders (default: reports)
  --dry-run          print what would be removed, remove nothing
  --db PATH|URL      the results database whose rows of the removed runs are marked
                     evidence-less (default: env FIREBOOK_DB, else firebook.db in DIR; only
                     a database that exists)
`;

const OPTIONS = {
  keep: { type: 'string' },
  'older-than': { type: 'string' },
  dir: { type: 'string' },
  'dry-run': { type: 'boolean' },
  db: { type: 'string' },
} as const satisfies OptionsSpec;

/** A run folder and when it was last written (its newest events.jsonl / report.json). */
export interface RunFolder {
  path: string;
  writtenMs: number;
}

const RUN_FILES = ['events.jsonl', 'report.json'];

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** The run folders directly under `dir`, newest first. Symlinks are never followed. */
export function listRunFolders(dir: string): RunFolder[] {
  const runs: RunFolder[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (!lstatOrUndefined(path)?.isDirectory()) continue;
    const marks = RUN_FILES.map((f) => lstatOrUndefined(join(path, f))).filter((s) => s?.isFile());
    if (marks.length === 0) continue;
    runs.push({ path, writtenMs: Math.max(...marks.map((s) => s!.mtimeMs)) });
  }
  return runs.sort((a, b) => b.writtenMs - a.writtenMs || b.path.localeCompare(a.path));
}

/** Which of `runs` (newest first) to delete. The newest is always kept. Pure. */
export function selectPrunable(runs: readonly RunFolder[], rule: { keep?: number; olderThanMs?: number; nowMs: number }): RunFolder[] {
  const keep = Math.max(1, rule.keep ?? 1);
  return runs.filter((r, i) => i >= keep && (rule.olderThanMs === undefined || rule.nowMs - r.writtenMs > rule.olderThanMs));
}

/** `30d`, `12h`, `2w` → milliseconds. */
/** `--older-than`: the one duration grammar of every flag (model/duration.ts). */
export const parseAge = parseDuration;

/** The results database agrees with the folders (docs/history.md "Retention"): the rows of the
 * runs whose folders were removed are marked evidence-less. Only a database that exists; one
 * that fails costs one warning line (the folders are already gone). */
async function markPruned(folders: string[], dbFlag: string | undefined, reportsRoot: string, io: CliIO): Promise<void> {
  const spec = resolveDbSpec({ db: dbFlag }, io.env, io.cwd, reportsRoot)!;
  let db: HistoryDb | undefined;
  try {
    db = await openHistoryDb(spec, { env: io.env, existing: true });
    if (!db) return;
    const n = await markEvidenceGone(db, folders);
    if (n > 0) io.stdout.write(`${n} run(s) marked evidence-less in ${db.label}\n`);
  } catch (err) {
    io.stderr.write(`firebook report prune: warning: the results database ${dbLabel(spec)} was not told (${((err as Error).message ?? String(err)).split('\n')[0]}); its rows of the removed runs still say their folders exist\n`);
  } finally {
    await db?.close().catch(() => undefined);
  }
}

function usage(message: string): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook report prune: ${message}`, hint: "run 'firebook report prune --help' for the options" });
}

/** `firebook report prune`. */
export const command: CliCommand = {
  name: 'prune',
  summary: 'delete old run folders (--keep N | --older-than 30d)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('report prune', argv, OPTIONS);
    if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
    const keep = parsePositiveInt('report prune', '--keep', values.keep);
    const olderThanMs = values['older-than'] === undefined ? undefined : parseAge(values['older-than']);
    if (values['older-than'] !== undefined && olderThanMs === undefined) throw usage(durationError('--older-than', values['older-than']));
    if (keep === undefined && olderThanMs === undefined) throw usage('say what to keep: --keep N or --older-than AGE (or both)');
    const dirArg = values.dir ?? 'reports';
    const dir = resolve(io.cwd, dirArg);
    if (values.dir === undefined && !lstatOrUndefined(dir)) {
      // Nothing has run here yet (a fresh `firebook init` folder): nothing to prune.
      io.stdout.write(`0 run folder(s) removed: no ${dirArg} folder here yet\n`);
      return EXIT.ok;
    }
    if (!lstatOrUndefined(dir)?.isDirectory()) {
      const hint = missingFileHint(dirArg, 'name the folder that holds the run folders (default: reports)', io.cwd);
      throw new UserError({ code: 'file-not-found', message: `firebook report prune: --dir ${dirArg}: no such folder`, hint });
    }
    const runs = listRunFolders(dir);
    const doomed = selectPrunable(runs, { keep, olderThanMs, nowMs: Date.now() });
    const dry = values['dry-run'] === true;
    for (const run of doomed) {
      if (!dry) rmSync(run.path, { recursive: true, force: true });
      io.stdout.write(`${dry ? 'would remove' : 'removed'} ${relative(io.cwd, run.path) || run.path}\n`);
    }
    io.stdout.write(`${doomed.length} run folder(s) ${dry ? 'would be removed' : 'removed'}, ${runs.length - doomed.length} kept in ${relative(io.cwd, dir) || '.'}\n`);
    if (!dry && doomed.length > 0) await markPruned(doomed.map((r) => r.path), values.db, dir, io);
    return EXIT.ok;
  },
};
