/** `firebook report prune`: deletes old run folders (reports accumulate, ~1 MB per run).
 * Only folders that are firebook run folders (holding events.jsonl or report.json) are ever
 * candidates; anything else in the folder — files, symlinks, other folders — is left alone. */
import { lstatSync, readdirSync, rmSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { parsePositiveInt } from '../options.js';
import { missingFileHint } from '../../io/suggest-path.js';

const USAGE = `Usage: firebook report prune (--keep N | --older-than AGE) [--dir DIR] [--dry-run]

Deletes old run folders under DIR (default: reports). A run folder is a folder holding
events.jsonl or report.json; nothing else is touched. The newest runs are always kept.

Options:
  --keep N           keep the N newest run folders, delete the older ones
  --older-than AGE   delete run folders last written more than AGE ago: 30d, 12h, 2w
                     (the newest run folder is kept even if it is older)
                     With both, a folder goes only when it is beyond N and older than AGE.
  --dir DIR          the folder holding the run folders (default: reports)
  --dry-run          print what would be removed, remove nothing
`;

const OPTIONS = {
  keep: { type: 'string' },
  'older-than': { type: 'string' },
  dir: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const satisfies OptionsSpec;

/** A run folder and when it was last written (its newest events.jsonl / report.json). */
export interface RunFolder {
  path: string;
  writtenMs: number;
}

const RUN_FILES = ['events.jsonl', 'report.json'];
const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

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
export function parseAge(value: string): number | undefined {
  const m = /^(\d+)([hdw])$/.exec(value.trim());
  return m && Number(m[1]) > 0 ? Number(m[1]) * UNIT_MS[m[2]] : undefined;
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
    if (values['older-than'] !== undefined && olderThanMs === undefined) throw usage(`--older-than must be a number of hours, days or weeks (12h, 30d, 2w), not '${values['older-than']}'`);
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
    return EXIT.ok;
  },
};
