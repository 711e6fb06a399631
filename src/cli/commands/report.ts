/** `firebook report render FILE`: re-renders reports from a report.json or an events.jsonl
 * (a killed run still renders, marked incomplete); `firebook report prune` is report-prune.ts. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CHECKSUMS_SIGNATURE_FILE } from '../../model/run-folder.js';
import { TEMP_MARK } from '../../io/atomic-file.js';
import { EXIT, UserError } from '../../model/errors.js';
import type { RunReport } from '../../model/result.js';
import { lazyFileResultStore, summaryOf } from '../../store/result-store.js';
import { readAs } from '../file-kind.js';
import { loadReportInput } from '../report-input.js';
import { REPORT_FORMATS, writeReports } from '../../report/write-reports.js';
import { parseCommandArgs, runSubcommand, type CliCommand, type OptionsSpec } from '../command.js';
import { command as pruneCommand } from './report-prune.js';
import { command as mergeCommand } from './report-merge.js';
import { parseFormats, parseLang } from '../options.js';

const USAGE = `Usage: firebook report render FILE [options]

Renders the reports of a run from FILE, a report.json or an events.jsonl (a run that was
killed still renders; the report is marked incomplete).

Options:
  --format LIST     formats to write, comma-separated or repeated: html,md,json,junit,prom (default: all).
                    report.json is always written; SHA256SUMS is refreshed.
  --out DIR         folder to write into (default: the folder of FILE)
  --lang en|ja      report language (default: en)
  --templates DIR   folder with templates overriding the built-in ones (same file names)
  --baseline FILE   an earlier report.json or events.jsonl: adds a drift section
`;

function usageError(message: string, hint?: string): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook report: ${message}`, hint: hint ?? "run 'firebook report --help'" });
}

/** render's flags: parsed here, listed by completion. */
const OPTIONS = {
  format: { type: 'string', multiple: true },
  out: { type: 'string' },
  lang: { type: 'string' },
  templates: { type: 'string' },
  baseline: { type: 'string' },
} as const satisfies OptionsSpec;

/** `firebook report render`. */
export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'render reports from a report.json or events.jsonl',
  usage: USAGE,
  options: OPTIONS,
  choices: { format: REPORT_FORMATS, lang: ['en', 'ja'] },
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('report render', argv, OPTIONS);
    const [file, ...extra] = positionals;
    if (!file) throw usageError('missing FILE (a report.json or events.jsonl)');
    if (extra.length) throw usageError(`unexpected argument '${extra[0]}'`);
    // Same parsers as `firebook run`, so the flags accept the same forms and fail with the same words.
    const lang = parseLang('report', values.lang);
    const formats = parseFormats('report', values.format, REPORT_FORMATS);
    const input = resolve(io.cwd, file);
    const outDir = values.out ? resolve(io.cwd, values.out) : dirname(input);
    // A host at a time (docs/scale.md "Reading a report back"): full results wait on disk in the
    // output folder, memory keeps summaries; the baseline's evidence is not needed at all.
    const baseline = values.baseline ? loadReportInput(resolve(io.cwd, values.baseline), summaryOf) : undefined;
    const store = lazyFileResultStore(join(outDir, `results.jsonl${TEMP_MARK}${process.pid}`));
    let report: RunReport;
    let written: string[];
    try {
      report = readAs(input, file, 'report', 'report render', () => loadReportInput(input, store.add));
      written = writeReports(report, outDir, formats, {
        lang,
        templatesDir: values.templates ? resolve(io.cwd, values.templates) : undefined,
        baseline,
        results: store,
      });
    } finally {
      store.close();
    }
    for (const p of written) io.stdout.write(`${p}\n`);
    if (existsSync(join(outDir, CHECKSUMS_SIGNATURE_FILE))) io.stderr.write(`firebook report: warning: ${join(outDir, CHECKSUMS_SIGNATURE_FILE)} signed the folder's earlier SHA256SUMS and no longer matches it (firebook verify says so); render into another folder with --out to keep signed evidence as it was\n`);
    if (report.incomplete) io.stderr.write('firebook report: the run was incomplete (interrupted); the report says so\n');
    return EXIT.ok;
  },
};

/** The `report` command: `report render`, `report merge`, `report prune`. */
export const command: CliCommand = {
  name: 'report',
  summary: 'render reports (html, md, json, junit, prom) from a report.json or events.jsonl; merge shards; prune old run folders',
  usage: `${USAGE}\n${mergeCommand.usage}\n${pruneCommand.usage}`,
  subcommands: [renderCommand, mergeCommand, pruneCommand],
  run: (argv, io) => runSubcommand(command, argv, io),
};
