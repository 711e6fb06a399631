/** `firebook plan`: the read-only half of a change window — check, then write the plan. */
import { warnReadonlyCommands } from '../../validate/warnings.js';
import { extname, resolve } from 'node:path';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { OUTPUT_OPTIONS, SELECTION_OPTIONS, parseExtraVars, parseFormats, parseLang, parseList, VAULT_USAGE, DB_USAGE, dbChoiceOf } from '../options.js';
import { loadInputs, playbookMeta } from '../load-inputs.js';
import { refuseBundleHosts } from '../bundle-hosts.js';
import { executeRun } from '../execute.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseConnectionOptions, warnInsecure } from '../connection-options.js';
import { durationError, parseDuration } from '../../model/duration.js';
import { planInputFiles, planOutputIssue, writePlan } from '../../change/make-plan.js';
import { REPORT_FORMATS } from '../../report/index.js';

/** The longest a plan may stay valid unless --max-valid-for says otherwise. */
const DEFAULT_MAX_VALID_FOR = '7d';

const USAGE = `Usage: firebook plan PLAYBOOK... -i INVENTORY [options] -o plan.json

Runs the checks read-only (like run --check; each remediation's capture runs too, to record
the "before" values) and writes the plan a change board approves: per host the remediations
with their exact commands, the before values, the verification checks and the rollback; the
sha256 of every playbook, inventory and vars file read; an expiry. Beside it plan.md and
plan.html for the change ticket, and a run folder with the check reports.

Selection:
  -i, --inventory FILE      Ansible inventory
  -l, --limit PATTERN       Ansible host pattern
      --tags T[,T]          only checks with these tags (or ids)
      --skip-tags T[,T]     leave out checks with these tags (or ids)
  -e, --extra-vars VARS     key=value, @file.yml or JSON; the plan keeps @file variables and secrets
                            by name only (apply reads them again: docs/secrets.md)
Plan:
  -o, --output FILE         the plan (default plan.json); plan.md and plan.html are written beside it
      --force               replace an existing plan at -o (without it, an existing plan is exit 4)
      --valid-for DURATION  how long the plan may be applied: 90m, 24h, 7d, 1w, 1h30m or ISO 8601
                            like PT12H (default 24h)
      --max-valid-for DURATION  the longest --valid-for accepted (default 7d)
${CONNECTION_USAGE}
${VAULT_USAGE.trimEnd()}
Output:
      --out DIR             run folder of the check run (default reports/<run-id>/); new or empty
      --format LIST         json,html,md,junit,prom (default json,html,md)
      --lang en|ja          language of reports and console (default en)
  -q, --quiet               plain one line per event
      --json                stream events as JSON lines to stdout
${DB_USAGE}

Next: the approvers sign it (firebook approve plan.json --key ~/.ssh/id_ed25519), then
firebook apply plan.json --allowed-signers FILE --expect-sha256 <sha256 printed above>.

Exit codes: 0 plan written · 3 plan written, but a host was unreachable or errored (listed in
            the plan as not planned) · 4 invalid input (nothing ran; also --valid-for past
            --max-valid-for, an existing plan at -o without --force, or signatures of an
            earlier plan beside -o) · 130 interrupted (no plan)
`;

/** plan's flags: parsed here, listed by completion. */
const OPTIONS = {
  ...SELECTION_OPTIONS,
  output: { type: 'string', short: 'o' },
  force: { type: 'boolean' },
  'valid-for': { type: 'string' },
  'max-valid-for': { type: 'string' },
  ...CONNECTION_OPTIONS,
  ...OUTPUT_OPTIONS,
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'plan',
  summary: 'check read-only and write the change plan (plan.json, plan.md, plan.html) for approval',
  usage: USAGE,
  options: OPTIONS,
  choices: { format: REPORT_FORMATS, lang: ['en', 'ja'] },
  async run(argv, io) {
    const { values: v, positionals } = parseCommandArgs('plan', argv, OPTIONS);
    const usage = (message: string) => new UserError({ code: 'cli-usage', message: `firebook plan: ${message}`, hint: "run 'firebook plan --help' for the options" });
    if (positionals.length === 0) throw usage('name at least one playbook (e.g. playbooks/securex.yml)');
    if (!v.inventory) throw usage('-i INVENTORY is required');
    const validForMs = parseDuration(v['valid-for'] ?? '24h');
    if (validForMs === undefined) throw usage(durationError('--valid-for', v['valid-for']!));
    const maxValidMs = parseDuration(v['max-valid-for'] ?? DEFAULT_MAX_VALID_FOR);
    if (maxValidMs === undefined) throw usage(durationError('--max-valid-for', v['max-valid-for']!));
    if (validForMs > maxValidMs) throw usage(`--valid-for ${v['valid-for']} is longer than the ${v['max-valid-for'] ?? DEFAULT_MAX_VALID_FOR} a plan may stay valid: an approval should not outlive what it approved`);
    const output = resolve(io.cwd, v.output ?? 'plan.json');
    if (extname(output) !== '.json') throw usage(`-o ${v.output}: the plan is JSON; name it *.json (plan.md and plan.html go beside it)`);
    const refused = planOutputIssue(output, { force: !!v.force, outDir: v.out === undefined ? undefined : resolve(io.cwd, v.out) });
    if (refused) throw new UserError(refused);
    const formats = parseFormats('plan', v.format, ['json', 'html', 'md']);
    const lang = parseLang('plan', v.lang);
    const tags = parseList(v.tags);
    const skipTags = parseList(v['skip-tags']);
    const conn = parseConnectionOptions('plan', v, io);
    const extraVarOrigins: Record<string, string> = {};
    const given = parseExtraVars('plan', v['extra-vars'], conn.vault, extraVarOrigins);
    const { playbooks, plan, inventory } = await loadInputs(io.cwd, positionals, v.inventory, { limit: v.limit, tags, skipTags, extraVars: given, extraVarOrigins, connectionDefaults: conn.connectionDefaults }, conn.vault);
    refuseBundleHosts(plan!, 'firebook plan');
    warnInsecure(io, conn, plan);
    warnReadonlyCommands(io.stderr, playbooks);
    const files = planInputFiles(io.cwd, playbooks, inventory!, v['extra-vars']);
    const { report } = await executeRun(
      {
        plan: plan!,
        playbooks: playbooks.map(playbookMeta),
        inventorySource: v.inventory,
        inventory,
        argv: ['plan', ...argv],
        mode: 'plan',
        forks: conn.forks,
        connectRate: conn.connectRate,
        lang,
        limit: v.limit,
        tags,
        skipTags,
        knownHostsFile: conn.knownHostsFile,
        hostKeyPolicy: conn.hostKeyPolicy,
        outDir: v.out,
        formats,
        console: v.json ? 'json' : v.quiet || !io.stdout.isTTY ? 'plain' : 'tty',
        planning: true,
        history: dbChoiceOf(v),
      },
      io,
    );
    if (report.incomplete) {
      io.stderr.write('firebook: plan: interrupted; no plan was written\n');
      return EXIT.interrupted;
    }
    return writePlan({ report, plan: plan!, inventory: inventory!, playbooks, files, inventoryArg: v.inventory, limit: v.limit, tags, skipTags, given, origins: extraVarOrigins, argv: ['plan', ...argv], output, validForMs, lang }, io);
  },
};
