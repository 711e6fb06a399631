/** `firebook history prune`: retention of the results database (docs/history.md "Retention"). */
import { relative } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { durationError, parseDuration } from '../../model/duration.js';
import { openForCommand, resolveDbSpec } from '../../history/open.js';
import { DEFAULT_KEEP_DAYS, pruneHistory, type PruneAction } from '../../history/retention.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';

const USAGE = `Usage: firebook history prune [--keep ${DEFAULT_KEEP_DAYS}d] [--evidence] [--keep-evidence AGE] [--dry-run] [--db PATH|URL]

Deletes from the results database the runs that started more than --keep ago (their hosts,
checks and steps with them). The default, ${DEFAULT_KEEP_DAYS}d, keeps more than the 12 months of audit
history PCI DSS 10.5.1 asks for. Run folders are deleted only with --evidence or
--keep-evidence, and only a folder whose report.json is that run's.

Options:
  --keep AGE           keep the rows of runs younger than AGE (default ${DEFAULT_KEEP_DAYS}d): 30d, 2w, 12h, PT2H
  --evidence           also delete the run folders of the rows deleted
  --keep-evidence AGE  delete the run folders of runs older than AGE but keep their rows (marked
                       evidence-less): summaries outlive evidence
  --dry-run            print what would be deleted, delete nothing
  --db PATH|URL        the results database (default: env FIREBOOK_DB, else reports/firebook.db)
`;

const OPTIONS = {
  keep: { type: 'string' },
  evidence: { type: 'boolean' },
  'keep-evidence': { type: 'string' },
  'dry-run': { type: 'boolean' },
  db: { type: 'string' },
} as const satisfies OptionsSpec;

const usage = (message: string) => new UserError({ code: 'cli-usage', message: `firebook history prune: ${message}`, hint: "run 'firebook history prune --help' for the options" });

function age(flag: string, text: string | undefined, fallback?: number): number | undefined {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) throw usage(durationError(flag, text));
  return ms;
}

const FOLDER_WORDS: Record<PruneAction['folderOutcome'], (dry: boolean) => string> = {
  deleted: (dry) => (dry ? 'its folder would be deleted' : 'its folder deleted'),
  absent: () => 'its folder was already gone',
  'not-this-run': () => 'its folder left alone: it is not this run\'s (no report.json with this run id)',
  kept: () => 'its folder kept',
};

/** `firebook history prune`. */
export const command: CliCommand = {
  name: 'prune',
  summary: `delete old runs from the results database (--keep ${DEFAULT_KEEP_DAYS}d), and with --evidence their run folders`,
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('history prune', argv, OPTIONS);
    if (positionals.length > 0) throw usage(`unexpected argument '${positionals[0]}'`);
    const keepMs = age('--keep', values.keep, DEFAULT_KEEP_DAYS * 86_400_000)!;
    const keepEvidenceMs = age('--keep-evidence', values['keep-evidence']);
    const dry = values['dry-run'] === true;
    const spec = resolveDbSpec({ db: values.db }, io.env, io.cwd, 'reports')!;
    // Pruning never creates a database.
    const db = await openForCommand('history prune', spec, { env: io.env, existing: true });
    if (!db) {
      io.stdout.write(`nothing to prune: no results database at ${spec}\n`);
      return EXIT.ok;
    }
    const now = Date.now();
    let actions: PruneAction[];
    try {
      actions = await pruneHistory(db, { rowsBefore: new Date(now - keepMs), evidence: values.evidence === true, evidenceBefore: keepEvidenceMs === undefined ? undefined : new Date(now - keepEvidenceMs), dryRun: dry });
    } finally {
      await db.close();
    }
    const shown = (folder: string | null) => (folder ? relative(io.cwd, folder) || folder : 'no folder');
    for (const a of actions) {
      const verb = a.what === 'rows' ? (dry ? 'would delete run' : 'deleted run') : dry ? 'would delete the evidence of run' : 'deleted the evidence of run';
      io.stdout.write(`${verb} ${a.runId} (${a.startedAt}, ${shown(a.folder)}): ${a.what === 'rows' ? FOLDER_WORDS[a.folderOutcome](dry) : a.folderOutcome === 'deleted' ? FOLDER_WORDS.deleted(dry) + ', its rows kept' : FOLDER_WORDS[a.folderOutcome](dry)}\n`);
    }
    const rows = actions.filter((a) => a.what === 'rows').length;
    const folders = actions.filter((a) => a.folderOutcome === 'deleted').length;
    io.stdout.write(`${rows} run(s) ${dry ? 'would be deleted' : 'deleted'}, ${folders} run folder(s) ${dry ? 'would be deleted' : 'deleted'} in ${db.label}\n`);
    return EXIT.ok;
  },
};
