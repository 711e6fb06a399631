/** `firebook history import DIR...`: records existing run folders in the results database
 * (docs/history.md "Recording"), idempotently: a run already recorded is left as it is. */
import { dirname, relative, resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { openForCommand, resolveDbSpec } from '../../history/open.js';
import { NotARunFolder, recordRunFolder } from '../../history/record.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';

const USAGE = `Usage: firebook history import DIR... [--db PATH|URL]

Records run folders (reports/<run-id>/) in the results database: the runs of an older firebook,
or a run whose database was unreachable. A run already recorded is left as it is; a folder
that is not a run folder is named and skipped.

Options:
  --db PATH|URL     the results database: a SQLite file or postgres://… (default: env
                    FIREBOOK_DB, else firebook.db in the folder holding the first DIR)
`;

const OPTIONS = {
  db: { type: 'string' },
} as const satisfies OptionsSpec;

/** `firebook history import`. */
export const command: CliCommand = {
  name: 'import',
  summary: 'record existing run folders in the results database',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals: dirs } = parseCommandArgs('history import', argv, OPTIONS);
    if (dirs.length === 0) throw new UserError({ code: 'cli-usage', message: 'firebook history import: name the run folders (e.g. reports/*/)', hint: "run 'firebook history import --help'" });
    const spec = resolveDbSpec({ db: values.db }, io.env, io.cwd, dirname(resolve(io.cwd, dirs[0]!)))!;
    const db = (await openForCommand('history import', spec, { env: io.env }))!;
    let recorded = 0;
    let already = 0;
    let skipped = 0;
    try {
      for (const dir of dirs) {
        try {
          const r = await recordRunFolder(db, resolve(io.cwd, dir));
          if (r.recorded) recorded++;
          else already++;
        } catch (err) {
          if (!(err instanceof NotARunFolder)) throw err;
          skipped++;
          io.stderr.write(`firebook history import: skipped ${relative(io.cwd, resolve(io.cwd, dir)) || dir}: ${err.message}\n`);
        }
      }
    } finally {
      await db.close();
    }
    io.stdout.write(`${recorded} recorded, ${already} already recorded${skipped ? `, ${skipped} skipped (not run folders)` : ''} in ${db.label}\n`);
    return EXIT.ok;
  },
};
