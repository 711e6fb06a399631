/** `firebook run`: the command people put in cron, CI and change windows. */
import { warnReadonlyCommands } from '../../validate/warnings.js';
import { UserError } from '../../model/errors.js';
import type { RunReport } from '../../model/result.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { exitCodeHelp } from '../exit-codes.js';
import { SEVERITIES } from '../../model/playbook.js';
import { missingFileHint } from '../../io/missing-file.js';
import { OUTPUT_OPTIONS, SELECTION_OPTIONS, parseExtraVars, parseFormats, parseLang, parseList, parsePositiveInt, parseSeverity, VAULT_USAGE, DB_USAGE, dbChoiceOf } from '../options.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseConnectionOptions, warnInsecure } from '../connection-options.js';
import { loadInputs, playbookMeta } from '../load-inputs.js';
import { executeRun } from '../execute.js';
import { loadWaivers } from '../../load/waivers.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPORT_FORMATS } from '../../report/index.js';
import { loadReportInput } from '../report-input.js';
import { isDirectory } from '../../io/atomic-file.js';
import { applyShard, parseShard } from '../../plan/shard.js';
import { parseSignKey, SIGN_OPTIONS, SIGN_USAGE } from '../sign-options.js';
import { bundleHosts, loadBundleMap, openBundleHosts, refuseBundleHosts, renameInventoryHosts } from '../bundle-hosts.js';

/** `--baseline FILE`, or `latest`: the newest report.json among the run folders under `root`. */
function loadBaseline(cwd: string, value: string, root: string): RunReport {
  if (value !== 'latest') return loadReportInput(resolve(cwd, value));
  const dir = resolve(cwd, root);
  const candidates = existsSync(dir)
    ? readdirSync(dir).map((d) => join(dir, d, 'report.json')).filter((f) => existsSync(f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
    : [];
  if (candidates.length === 0) throw new UserError({ code: 'cli-usage', message: `--baseline latest: no earlier report.json under ${dir}`, hint: 'run once without --baseline, or name a report.json' });
  return loadReportInput(candidates[0]);
}

const USAGE = `Usage: firebook run PLAYBOOK... -i INVENTORY [options]
       firebook run PLAYBOOK... --bundle FILE.tar.gz [--bundle …] [options]

Runs the playbooks' checks on the inventory's hosts, in parallel, and writes reports.
Check mode is the default: nothing on a device changes; remediations are listed as planned
with their exact commands. --apply runs remediations, each verified (and rolled back on failure).

Selection:
  -i, --inventory FILE      Ansible inventory (YAML or INI; host_vars/ and group_vars/ beside it)
  -l, --limit PATTERN       Ansible host pattern: ftd, ftd01,ftd02, 'ftd:!lab*', 'ftd:&dc1', globs
      --shard I/N           only the I-th of N stable slices of the hosts (after --limit); merge
                            the shards' run folders with 'firebook report merge'
      --tags T[,T]          only checks with these tags (or ids); applicability checks always run
      --skip-tags T[,T]     leave out checks with these tags (or ids)
  -e, --extra-vars VARS     key=value, @file.yml or JSON; highest precedence (repeatable)
      --bundle FILE         a troubleshoot bundle (.tar.gz) as one more host, named by the device
                            it names; no inventory needed; check mode only (repeatable;
                            docs/bundles.md)
      --bundle-map FILE     your bundle map on top of the shipped bundle-map.yml (its entries win)
Mode:
      --check               (default) collect and judge only; plan remediations. A host whose
                            inventory value an input refuses (type, choices) is that host's
                            error (invalid-input); the other hosts run
      --apply               run remediations for failed checks, verify, roll back on failure
      --waivers FILE        waivers.yml: failures of listed checks become 'waived' until expiry
      --waiver-max-days N   longest a waiver may run from approved to expires (default 365)
      --fail-on SEVERITY    lowest severity of a failed check that makes the exit code 2 (default info)
${CONNECTION_USAGE}
Output:
      --out DIR             run folder (default reports/<run-id>/): report.json, events.jsonl, ...
      --format LIST         json,html,md,md-full,junit,prom (default json,html,md; json is always
                            written); md is a ticket-sized summary, md-full the full detail (report.full.md)
      --templates DIR       override the report templates
      --baseline FILE|latest  add a drift section against a previous report.json
      --lang en|ja          language of reports and console (default en)
  -q, --quiet               cron mode: nothing when every check passed (the exit code says it),
                            else only the failures and the one-line verdict
                            (default: a progress line on a terminal, one line per event elsewhere;
                            colours on a terminal unless NO_COLOR is set, or with FORCE_COLOR)
      --json                stream events as JSON lines to stdout
${DB_USAGE}
      --record DIR          save every command's transcript per host (for --replay)
      --replay DIR          evaluate recorded transcripts instead of connecting
${SIGN_USAGE}
${VAULT_USAGE}
${exitCodeHelp()}
`;

/** run's flags: parsed here, listed by completion. */
const OPTIONS = {
  ...SELECTION_OPTIONS,
  check: { type: 'boolean' },
  apply: { type: 'boolean' },
  waivers: { type: 'string' },
  'waiver-max-days': { type: 'string' },
  'fail-on': { type: 'string' },
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
  templates: { type: 'string' },
  baseline: { type: 'string' },
  record: { type: 'string' },
  replay: { type: 'string' },
  shard: { type: 'string' },
  ...SIGN_OPTIONS,
  bundle: { type: 'string', multiple: true },
  'bundle-map': { type: 'string' },
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'run',
  summary: 'run playbooks against an inventory (check mode by default) and write reports',
  usage: USAGE,
  options: OPTIONS,
  choices: { format: REPORT_FORMATS, lang: ['en', 'ja'], 'fail-on': SEVERITIES },
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('run', argv, OPTIONS);
    const usage = (message: string) => new UserError({ code: 'cli-usage', message: `firebook run: ${message}`, hint: "run 'firebook run --help' for the options" });
    if (positionals.length === 0) throw usage('name at least one playbook (e.g. playbooks/securex.yml)');
    const bundles = v.bundle ?? [];
    if (!v.inventory && bundles.length === 0) throw usage('-i INVENTORY (or --bundle FILE) is required');
    if (bundles.length > 0 && v.apply) throw new UserError({ code: 'bundle', message: 'firebook run: --apply refuses --bundle: a troubleshoot bundle is evidence read offline, nothing can be changed on it (check mode only)', hint: 'run without --apply' });
    if (bundles.length > 0 && v.replay) throw usage('--bundle and --replay exclude each other: a bundle host is answered by its bundle');
    if (v.check && v.apply) throw usage('--check and --apply exclude each other');
    if (v.record && v.replay) throw usage('--record and --replay exclude each other');
    if (v.replay && v.apply) throw usage('--replay and --apply exclude each other: nothing can be applied to a recording');
    if (v.replay && v.apply) throw usage('--replay and --apply exclude each other: nothing can be applied to a recording');
    for (const [flag, dir] of [['--replay', v.replay], ['--templates', v.templates]] as const) {
      if (dir && !isDirectory(resolve(io.cwd, dir))) throw new UserError({ code: 'file-not-found', message: `${flag} ${dir}: no such folder`, hint: missingFileHint(dir, flag === '--replay' ? 'name the folder a --record run wrote' : 'name a folder of .hbs templates (see src/report/templates/README.md)', io.cwd) });
    }
    const formats = parseFormats('run', v.format, ['json', 'html', 'md']);
    const lang = parseLang('run', v.lang);
    const tags = parseList(v.tags);
    const skipTags = parseList(v['skip-tags']);
    const { forks, connectRate, connectionDefaults, knownHostsFile, hostKeyPolicy, vault } = parseConnectionOptions('run', v, io);
    const failOn = parseSeverity('run', v['fail-on']);
    const extraVarOrigins: Record<string, string> = {};
    const extraVars = parseExtraVars('run', v['extra-vars'], vault, extraVarOrigins);
    const shard = parseShard(v.shard);
    const signKey = parseSignKey(v, io);
    const bundleMap = bundles.length > 0 || v['bundle-map'] ? loadBundleMap(v['bundle-map'] ? resolve(io.cwd, v['bundle-map']) : undefined) : undefined;
    const { playbooks, plan: fullPlan, inventory, bundleNames } = await loadInputs(io.cwd, positionals, v.inventory, { limit: v.limit, tags, skipTags, extraVars, extraVarOrigins, connectionDefaults, inputErrorsPerHost: !v.apply }, vault, bundles);
    // After --limit: a shard is a slice of what this run would otherwise do (maybe empty: exit 0).
    let plan = applyShard(fullPlan!, shard);
    if (v.apply) refuseBundleHosts(plan, 'firebook run --apply');
    if (v.replay) refuseBundleHosts(plan, 'firebook run --replay');
    // Troubleshoot bundles as hosts (docs/bundles.md): `--bundle` hosts are read now, to be named
    // after their device; inventory ones when the run reaches them.
    const opened = bundleHosts(plan).length > 0 ? await openBundleHosts(plan, { map: bundleMap ?? loadBundleMap(), named: bundleNames ?? [] }) : undefined;
    if (opened) {
      plan = opened.plan;
      renameInventoryHosts(inventory!, opened.renamed);
    }
    try {
      const waivers = v.waivers ? loadWaivers(v.waivers, inventory!, { maxDays: parsePositiveInt('run', '--waiver-max-days', v['waiver-max-days']) }) : [];
      const baseline: RunReport | undefined = v.baseline ? loadBaseline(io.cwd, v.baseline, v.out ? join(v.out, '..') : 'reports') : undefined;
      warnInsecure(io, { hostKeyPolicy, knownHostsFile }, v.replay ? undefined : plan, inventory);
      warnReadonlyCommands(io.stderr, playbooks);
      const { report } = await executeRun(
        {
          plan,
          playbooks: playbooks.map(playbookMeta),
          inventorySource: v.inventory ?? '--bundle',
          inventory,
          argv: ['run', ...argv],
          mode: v.apply ? 'apply' : 'check',
          forks,
          connectRate,
          waivers,
          failOn,
          lang,
          limit: v.limit,
          tags,
          skipTags,
          knownHostsFile,
          hostKeyPolicy,
          outDir: v.out,
          formats,
          templatesDir: v.templates,
          baseline,
          record: v.record,
          replay: v.replay,
          console: v.json ? 'json' : v.quiet ? 'quiet' : !io.stdout.isTTY ? 'plain' : 'tty',
          shard,
          bundles: opened?.connector,
          signKey,
          history: dbChoiceOf(v),
        },
        io,
      );
      return report.exitCode;
    } finally {
      await opened?.connector.dispose();
    }
  },
};
