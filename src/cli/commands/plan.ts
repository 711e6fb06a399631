/** `firebook plan`: the read-only half of a change window — check, then write the plan. */
import { warnReadonlyCommands } from '../../validate/warnings.js';
import { dirname, join, basename, extname, resolve } from 'node:path';
import { existsSync, mkdirSync } from 'node:fs';
import { EXIT, UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { OUTPUT_OPTIONS, SELECTION_OPTIONS, parseExtraVars, parseFormats, parseLang, parseList, VAULT_USAGE } from '../options.js';
import { loadInputs, playbookMeta } from '../load-inputs.js';
import { executeRun } from '../execute.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseConnectionOptions, warnInsecure } from '../connection-options.js';
import { buildPlanDocument } from '../../change/plan-document.js';
import { extraVarsFiles, hashFiles, inventoryFiles } from '../../change/files.js';
import { parseValidFor } from '../../change/window.js';
import { signatureFiles } from '../../change/approval.js';
import { runFolderIssue } from '../../change/exclusive.js';
import { createHash } from 'node:crypto';

import { renderPlanHtml, renderPlanMarkdown } from '../../report/render-plan.js';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../../report/write-reports.js';
import { REPORT_FORMATS, redactArgv } from '../../report/index.js';
import { formatLabel, labelsFor } from '../../report/labels.js';
import { toolVersion } from '../../io/package-files.js';
import { secretEnvName, splitExtraVars } from '../../change/apply-driver.js';

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
      --valid-for DURATION  how long the plan may be applied: 90m, 24h, 7d or ISO 8601 (default 24h)
      --max-valid-for DURATION  the longest --valid-for accepted (default 7d)
${CONNECTION_USAGE}
${VAULT_USAGE.trimEnd()}
Output:
      --out DIR             run folder of the check run (default reports/<run-id>/); new or empty
      --format LIST         json,html,md,junit,prom (default json,html,md)
      --lang en|ja          language of reports and console (default en)
  -q, --quiet               plain one line per event
      --json                stream events as JSON lines to stdout

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
    const validForMs = parseValidFor(v['valid-for'] ?? '24h');
    if (validForMs === undefined) throw usage(`--valid-for must be a duration like 90m, 24h, 7d or PT12H, not '${v['valid-for']}'`);
    const maxValidMs = parseValidFor(v['max-valid-for'] ?? DEFAULT_MAX_VALID_FOR);
    if (maxValidMs === undefined) throw usage(`--max-valid-for must be a duration like 7d or P14D, not '${v['max-valid-for']}'`);
    if (validForMs > maxValidMs) throw usage(`--valid-for ${v['valid-for']} is longer than the ${v['max-valid-for'] ?? DEFAULT_MAX_VALID_FOR} a plan may stay valid: an approval should not outlive what it approved`);
    const output = resolve(io.cwd, v.output ?? 'plan.json');
    if (extname(output) !== '.json') throw usage(`-o ${v.output}: the plan is JSON; name it *.json (plan.md and plan.html go beside it)`);
    // An approved plan is evidence: a new one never replaces it unless asked.
    if (existsSync(output) && !v.force) throw new UserError({ code: 'cli-usage', message: `firebook plan: -o ${output} already exists: a plan is never overwritten silently`, hint: 'name another file with -o, or give --force to replace it' });
    const folder = v.out === undefined ? undefined : runFolderIssue(resolve(io.cwd, v.out));
    if (folder) throw new UserError(folder);
    const stale = signatureFiles(output);
    if (stale.length) throw usage(`${stale.join(', ')} already sign${stale.length === 1 ? 's' : ''} an earlier ${basename(output)}: a new plan would sit beside signatures it does not have`);
    const formats = parseFormats('plan', v.format, ['json', 'html', 'md']);
    const lang = parseLang('plan', v.lang);
    const tags = parseList(v.tags);
    const skipTags = parseList(v['skip-tags']);
    const conn = parseConnectionOptions('plan', v, io);
    const extraVarOrigins: Record<string, string> = {};
    const given = parseExtraVars('plan', v['extra-vars'], conn.vault, extraVarOrigins);
    const { playbooks, plan, inventory } = await loadInputs(io.cwd, positionals, v.inventory, { limit: v.limit, tags, skipTags, extraVars: given, extraVarOrigins, connectionDefaults: conn.connectionDefaults }, conn.vault);
    warnInsecure(io, conn, plan);
    warnReadonlyCommands(io.stderr, playbooks);
    const secretInputs = new Set(playbooks.flatMap((p) => Object.entries(p.spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k)));
    const files = hashFiles([
      ...playbooks.map((p) => ({ path: resolve(io.cwd, p.path), role: 'playbook' as const })),
      ...inventoryFiles(inventory!).map((path) => ({ path, role: 'inventory' as const })),
      ...extraVarsFiles(io.cwd, v['extra-vars']).map((path) => ({ path, role: 'vars' as const })),
    ]);
    const secrets = [...new Set(plan!.hosts.flatMap((h) => h.secrets))];
    const { report } = await executeRun(
      {
        plan: plan!,
        playbooks: playbooks.map(playbookMeta),
        inventorySource: v.inventory,
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
      },
      io,
    );
    if (report.incomplete) {
      io.stderr.write('firebook: plan: interrupted; no plan was written\n');
      return EXIT.interrupted;
    }
    const doc = buildPlanDocument({
      report,
      plan: plan!,
      inventory: inventory!,
      files,
      selection: {
        playbooks: playbooks.map((p) => resolve(io.cwd, p.path)),
        inventory: resolve(io.cwd, v.inventory),
        ...(v.limit ? { limit: v.limit } : {}),
        ...(tags ? { tags } : {}),
        ...(skipTags ? { skipTags } : {}),
        ...splitExtraVars(given, { origins: extraVarOrigins, secretInputs, secretValues: secrets, cwd: io.cwd }),
      },
      argv: redactArgv(['plan', ...argv], secrets),
      createdBy: report.meta.operator,
      now: new Date(),
      validForMs,
      toolVersion: toolVersion(),
    });
    mkdirSync(dirname(output), { recursive: true });
    const stem = join(dirname(output), basename(output, '.json'));
    const text = JSON.stringify(doc, null, 2) + '\n';
    const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
    writeFileAtomic(output, text, PRIVATE_FILE_MODE);
    writeFileAtomic(`${stem}.md`, renderPlanMarkdown(doc, sha256, basename(output)));
    writeFileAtomic(`${stem}.html`, renderPlanHtml(doc, sha256, basename(output)));
    const operator = Object.entries(doc.selection.extraVarRefs ?? {}).filter(([, r]) => r.from === 'operator').map(([k]) => k);
    if (operator.length) io.stderr.write(`firebook: plan: the plan names the secret(s) ${operator.join(', ')} without storing them: give them to apply in a file (-e @FILE) or as ${operator.map(secretEnvName).join(', ')} (docs/secrets.md)\n`);
    const steps = doc.hosts.reduce((n, h) => n + h.steps.length, 0);
    io.stderr.write(`firebook: plan ${output} (+ .md, .html): ${steps} change(s) on ${doc.hosts.length} host(s), expires ${doc.expiresAt}, sha256 ${sha256}\n`);
    const exit = report.hosts.some((h) => h.status !== 'ok') ? EXIT.hostFailed : EXIT.ok;
    // The console's verdict said what the plan found; its last line says what it plans.
    io.stderr.write(`firebook: ${formatLabel(labelsFor(lang).planSummary, { changes: steps, hosts: doc.hosts.length, left: doc.notPlanned.length, exit })}\n`);
    return exit;
  },
};
