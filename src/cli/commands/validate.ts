/** `firebook validate`: schema + semantic checks, without touching any host. */
import { UserError } from '../../model/errors.js';
import { parseCommandArgs, type CliCommand, type OptionsSpec } from '../command.js';
import { openVault, parseExtraVars, VAULT_OPTIONS, VAULT_USAGE } from '../options.js';
import { loadInputs } from '../load-inputs.js';
import { formatWarning, playbookWarnings } from '../../validate/warnings.js';

/** validate's flags: parsed here, listed by completion. */
const OPTIONS = {
  inventory: { type: 'string', short: 'i' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  ...VAULT_OPTIONS,
} as const satisfies OptionsSpec;

export const command: CliCommand = {
  name: 'validate',
  summary: 'check playbooks (and variables for an inventory) without connecting to anything',
  usage: `Usage: firebook validate PLAYBOOK... [-i INVENTORY] [-e VARS]

Checks each playbook against schemas/playbook.schema.json and the semantic rules (unique ids,
known remediations and parsers, one operator per condition, valid regexes and templates),
that every command is in the command language, and that collect/capture steps run only
read-only programs (docs/commands.md). With -i, also checks that every variable the templates
use is defined for every targeted host and that every value a command will take passes its
type and quoting rule (with -e alone: the -e values). Prints every problem as file:line:col.
Warns (on stderr, exit code unchanged) about a check whose failure would not explain itself:
expect without any diagnosis, or without a fallback rule (when: []).

${VAULT_USAGE}
Exit codes: 0 valid · 4 invalid
`,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('validate', argv, OPTIONS);
    if (positionals.length === 0) {
      throw new UserError({ code: 'cli-usage', message: 'firebook validate: name at least one playbook', hint: 'e.g. firebook validate playbooks/securex.yml' });
    }
    const vault = openVault('validate', values, io);
    const extraVarOrigins: Record<string, string> = {};
    const extraVars = parseExtraVars('validate', values['extra-vars'], vault, extraVarOrigins);
    const { playbooks, plan } = await loadInputs(io.cwd, positionals, values.inventory, { extraVars, extraVarOrigins }, vault);
    const checks = playbooks.reduce((n, p) => n + p.spec.checks.length, 0);
    const hosts = plan ? `, ${plan.hosts.length} host(s) resolved` : '';
    const warnings = playbooks.flatMap((pb) => playbookWarnings(pb.spec, (p) => pb.locate(p)));
    for (const w of warnings) io.stderr.write(formatWarning(w) + '\n');
    const warned = warnings.length > 0 ? `, ${warnings.length} warning(s)` : '';
    io.stdout.write(`ok: ${playbooks.length} playbook(s), ${checks} check(s)${hosts}${warned}\n`);
    return 0;
  },
};
