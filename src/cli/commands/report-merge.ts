/** `firebook report merge DIR... --out DIR`: the shards of one run (`run --shard I/N`) as one
 * report with one exit code. */
import { dirname, join, resolve } from 'node:path';
import { TEMP_MARK } from '../../io/atomic-file.js';
import { lazyFileResultStore } from '../../store/result-store.js';
import { UserError } from '../../model/errors.js';
import { mergeShardReports } from '../../store/merge.js';
import { loadRunFolder } from '../report-input.js';
import { REPORT_FORMATS, writeReports } from '../../report/write-reports.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { dbChoiceOf, parseFormats, parseLang } from '../options.js';
import { parseSignKey, signEvidence, SIGN_OPTIONS } from '../sign-options.js';

const USAGE = `Usage: firebook report merge DIR... --out DIR [--format LIST] [--lang en|ja]

Combines the run folders of 'firebook run --shard 1/N' … 'N/N' into one report with one exit
code, the same as one process running every host. Refused (exit 4) when a shard is missing or
duplicated, or the shards ran different playbooks, N, mode or selection.

Options:
  --out DIR         the merged run folder (required)
  --format LIST     formats to write: html,md,json,junit,prom (default: all); report.json always
  --lang en|ja      report language (default: en)
  --templates DIR   folder with templates overriding the built-in ones
  --sign-key FILE   sign the merged folder's SHA256SUMS with this SSH private key into
                    SHA256SUMS.sig (namespace firebook; check with 'firebook verify')
  --sign-key-passphrase-file FILE  passphrase of --sign-key (or $FIREBOOK_SIGN_KEY_PASSPHRASE)
  --db PATH|URL     results database the merged run is recorded in (default: env FIREBOOK_DB,
                    else firebook.db beside the merged run folder)
  --no-db           do not record the merged run
`;

const OPTIONS = {
  out: { type: 'string' },
  format: { type: 'string', multiple: true },
  lang: { type: 'string' },
  templates: { type: 'string' },
  ...SIGN_OPTIONS,
  db: { type: 'string' },
  'no-db': { type: 'boolean' },
} as const satisfies OptionsSpec;

/** `firebook report merge`. */
export const command: CliCommand = {
  name: 'merge',
  summary: 'merge the run folders of --shard I/N runs into one report',
  usage: USAGE,
  options: OPTIONS,
  choices: { format: REPORT_FORMATS, lang: ['en', 'ja'] },
  async run(argv, io) {
    const { values, positionals: dirs } = parseCommandArgs('report merge', argv, OPTIONS);
    const usage = (message: string) => new UserError({ code: 'cli-usage', message: `firebook report merge: ${message}`, hint: "run 'firebook help report merge'" });
    if (dirs.length === 0) throw usage('name the shard run folders (e.g. reports/nightly/shard-*)');
    if (!values.out) throw usage('--out DIR is required (the merged run folder)');
    const lang = parseLang('report merge', values.lang);
    const formats = parseFormats('report merge', values.format, REPORT_FORMATS);
    const signKey = parseSignKey(values, io);
    // Shards are read a host at a time: full results wait on disk in the merged folder, one line
    // a host, while the merged reports are written; memory keeps summaries (docs/scale.md).
    const outDir = resolve(io.cwd, values.out);
    const { written, exitCode, verdict } = mergeAndWrite();
    function mergeAndWrite() {
      const store = lazyFileResultStore(join(outDir, `results.jsonl${TEMP_MARK}${process.pid}`));
      try {
        const merged = mergeShardReports(dirs.map((d) => loadRunFolder(resolve(io.cwd, d), store.add)));
        const files = writeReports(merged, outDir, formats, { lang, templatesDir: values.templates ? resolve(io.cwd, values.templates) : undefined, results: store });
        const h = merged.summary.hosts;
        return { written: files, exitCode: merged.exitCode, verdict: `${dirs.length} shards, ${h.total} hosts (${h.ok} ok, ${h.unreachable} unreachable, ${h.error} error) · exit ${merged.exitCode}` };
      } finally {
        store.close();
      }
    }
    const signature = signKey && signEvidence('report merge', outDir, signKey, io);
    // Recorded after the reports, SHA256SUMS and SHA256SUMS.sig (docs/history.md "Recording");
    // never fails the merge. The merged report is garbage by now and the recorder is loaded only
    // here: recording reads report.json back a host at a time, within the heap the merge used.
    const { recordRun } = await import('../../history/record.js');
    await recordRun(outDir, { ...dbChoiceOf(values), env: io.env, cwd: io.cwd, reportsRoot: dirname(outDir), warn: (line) => io.stderr.write(`${line}\n`) });
    for (const p of signature ? [...written, signature] : written) io.stdout.write(`${p}\n`);
    io.stderr.write(`firebook report merge: ${verdict}\n`);
    return exitCode;
  },
};
