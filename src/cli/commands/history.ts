/** `firebook history`: the compliance views over the results database (docs/history.md
 * "Views"); `firebook history import` and `firebook history prune` are history-import.ts and
 * history-prune.ts. */
import { mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../io/atomic-file.js';
import { durationError, parseDuration } from '../../model/duration.js';
import { EXIT, UserError } from '../../model/errors.js';
import { dbLabel, isPostgresUrl, openForCommand, resolveDbSpec } from '../../history/open.js';
import type { BucketSize, Range } from '../../history/queries.js';
import { renderHistoryHtml } from '../../history/render-html.js';
import { renderHistoryCsv, renderHistoryJson, renderHistoryMarkdown } from '../../history/render-text.js';
import { buildHistoryView, latestPoint } from '../../history/view.js';
import { parseCommandArgs, type CliCommand, type CliIO, type OptionsSpec } from '../command.js';
import { parseChoice, parseList } from '../options.js';
import { command as importCommand } from './history-import.js';
import { command as pruneCommand } from './history-prune.js';

export const HISTORY_FORMATS = ['html', 'md', 'json', 'csv'] as const;
type HistoryFormat = (typeof HISTORY_FORMATS)[number];

/** The folder holding the run folders, the database and `history/`. */
const REPORTS_ROOT = 'reports';

const USAGE = `Usage: firebook history [options]

Writes the compliance history from the results database: compliance per day or week (each
host counted once per bucket, with its last result there), failing now (since when, first seen
by which run), waivers about to expire, changes applied, and with --host a host's timeline
(first failed, last passed, time to fix, flaps). Prints one summary line.

Options:
  --db PATH|URL        the results database (default: env FIREBOOK_DB, else reports/firebook.db);
                       a postgres:// URL for PostgreSQL
  --since AGE|DATE     start of the range: a duration back from --until (90d, 12w) or a date
                       (2026-01-31) (default: 90d)
  --until DATE         end of the range: a date (that whole day included) or an ISO time (default: now)
  --by day|week        compliance per day or per week (weeks start on Monday, UTC) (default: day)
  --group G            only the hosts of inventory group G
  --playbook P         only the checks of playbook P (its file name without extension)
  --check C            only check C
  --host H             host H's timeline, and the other views narrowed to it
  --expiring AGE       waivers expiring within AGE (default: 30d)
  --format LIST        html,md,json,csv, comma-separated or repeated (default: all)
  --out DIR            folder to write into (default: reports/history)

Also: firebook history import RUN_DIR...   firebook history prune --keep 400d
`;

const OPTIONS = {
  db: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  by: { type: 'string' },
  group: { type: 'string' },
  playbook: { type: 'string' },
  check: { type: 'string' },
  host: { type: 'string' },
  expiring: { type: 'string' },
  format: { type: 'string', multiple: true },
  out: { type: 'string' },
} as const satisfies OptionsSpec;

function usage(message: string, hint = "run 'firebook history --help' for the options"): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook history: ${message}`, hint });
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A date (`2026-11-30`: that day, UTC; `end` the day after) or an ISO time with its zone. */
function parseWhen(flag: string, text: string, end: boolean): number {
  const ms = DATE.test(text) ? Date.parse(`${text}T00:00:00Z`) + (end ? DAY_MS : 0) : TIME.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw usage(`${flag} must be a date (2026-11-30) or an ISO time with its zone (2026-11-30T12:00Z), not '${text}'`);
  return ms;
}

/** The range of `--since` and `--until`. */
export function parseRange(since: string | undefined, until: string | undefined, nowMs: number): Range {
  const untilMs = until === undefined ? nowMs : parseWhen('--until', until, true);
  let sinceMs: number;
  const s = since ?? '90d';
  if (DATE.test(s) || TIME.test(s)) sinceMs = parseWhen('--since', s, false);
  else {
    const d = parseDuration(s);
    if (d === undefined) throw usage(`${durationError('--since', s)}, or a date (2026-01-31)`);
    sinceMs = untilMs - d;
  }
  if (sinceMs >= untilMs) throw usage(`--since (${new Date(sinceMs).toISOString()}) must be before --until (${new Date(untilMs).toISOString()})`);
  return { since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() };
}

async function runViews(argv: string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parseCommandArgs('history', argv, OPTIONS);
  if (positionals.length) throw usage(`unexpected argument '${positionals[0]}'`, "the sub-commands are 'history import' and 'history prune'; run 'firebook history --help'");
  const by: BucketSize = parseChoice('history', '--by', v.by, ['day', 'week'] as const) ?? 'day';
  const formats = (parseList(v.format) ?? [...HISTORY_FORMATS]).map((f) => parseChoice('history', '--format', f, HISTORY_FORMATS)!) as HistoryFormat[];
  const expiringText = v.expiring ?? '30d';
  const expiringMs = parseDuration(expiringText);
  if (expiringMs === undefined) throw usage(durationError('--expiring', expiringText));
  const now = Date.now();
  const range = parseRange(v.since, v.until, now);
  for (const flag of ['group', 'playbook', 'check', 'host'] as const) if (v[flag] === '') throw usage(`--${flag} must not be empty`);

  const spec = resolveDbSpec({ db: v.db }, io.env, io.cwd, REPORTS_ROOT)!;
  const shown = isPostgresUrl(spec) ? dbLabel(spec) : relative(io.cwd, spec) || spec;
  const db = await openForCommand('history', spec, { existing: true, env: io.env });
  if (!db) {
    throw new UserError({
      code: 'history',
      message: `firebook history: no results database at ${shown}: no runs recorded yet`,
      hint: `record run folders with: firebook history import ${REPORTS_ROOT}/*/`,
    });
  }
  let view;
  try {
    view = await buildHistoryView(db, {
      range,
      by,
      filter: { group: v.group, playbook: v.playbook, check: v.check },
      host: v.host,
      expiring: { text: expiringText, ms: expiringMs },
      database: shown,
      generatedAt: new Date(now).toISOString(),
    });
  } finally {
    await db.close();
  }

  const outDir = resolve(io.cwd, v.out ?? join(REPORTS_ROOT, 'history'));
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, text: string) => {
    writeFileAtomic(join(outDir, name), text);
    written.push(name);
  };
  for (const f of formats) {
    if (f === 'html') write('history.html', renderHistoryHtml(view));
    else if (f === 'md') write('history.md', renderHistoryMarkdown(view));
    else if (f === 'json') write('history.json', renderHistoryJson(view));
    else for (const [name, text] of renderHistoryCsv(view)) write(name, text);
  }
  const latest = latestPoint(view);
  const compliance = latest ? `${latest.pct}% on ${latest.bucket}` : 'no results';
  io.stdout.write(
    `history: ${compliance} (${view.hosts.length} host(s), per ${by} since ${range.since.slice(0, 10)}); ${view.failingNow.length} failing now, ` +
      `${view.waivers.length} waiver(s) expiring within ${expiringText}, ${view.changes.length} change step(s) → ${relative(io.cwd, outDir) || '.'}/ (${written.join(', ')})\n`,
  );
  return EXIT.ok;
}

/** The `history` command: the views, `history import`, `history prune`. */
export const command: CliCommand = {
  name: 'history',
  summary: 'compliance over time from the results database (html, md, json, csv); history import, history prune',
  usage: `${USAGE}\n${importCommand.usage}\n${pruneCommand.usage}`,
  options: OPTIONS,
  choices: { by: ['day', 'week'], format: HISTORY_FORMATS },
  subcommands: [importCommand, pruneCommand],
  run: runViews,
};
