/** `firebook inventory`: shows an inventory the way `ansible-inventory` does. */
import { resolve } from 'node:path';
import type { CliCommand } from '../command.js';
import { parseCommandArgs, type OptionsSpec } from '../command.js';
import { EXIT, UserError } from '../../model/errors.js';
import { openVault, VAULT_OPTIONS, VAULT_USAGE } from '../options.js';
import { loadInventory, redactHostVars, renderGraph, selectHosts, sortKeysDeep, toAnsibleList } from '../../inventory/index.js';
import { escapeInvisibleJson, toTerminalText } from '../../report/sanitize.js';

const USAGE = `Usage: firebook inventory -i FILE (--list [--show-secrets] | --graph [GROUP] | --host NAME) [--limit PATTERN]

Shows an Ansible inventory (YAML, JSON or INI, with group_vars/ and host_vars/ beside it, or
a 'plugin: firebook.fmc' file that asks an FMC: docs/fmc.md) as firebook resolves it.
--list prints the same JSON as 'ansible-inventory --list'.

Options:
  -i, --inventory FILE   inventory file or folder (required; several -i merge, in order)
      --list             all groups and every host's variables, as JSON
      --graph [GROUP]    the group tree (from GROUP, default all)
      --host NAME        one host's variables, as JSON
      --limit PATTERN    only hosts matching an Ansible pattern (e.g. 'ftd:&dc1', 'lab*', '!fmc')
      --show-secrets     print passwords and passphrases (and decrypted vault values) instead of ********
      --flush-cache      ask the FMC of a firebook.fmc source even when its cache is fresh
${VAULT_USAGE}
Examples:
  firebook inventory -i inventory/example.yml --graph
  firebook inventory -i inventory/example.ini --list --limit 'ftd:!lab'
  firebook inventory -i inventory/example.yml --host ftd-dc1-01
  FMC_PASSWORD=... firebook inventory -i inventory/fmc.yml --graph
`;

function usageError(message: string): UserError {
  return new UserError({ code: 'cli-usage', message: `firebook inventory: ${message}`, hint: "run 'firebook inventory --help' for the options" });
}

/** inventory's flags: parsed here, listed by completion. */
const OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  list: { type: 'boolean' },
  graph: { type: 'boolean' },
  host: { type: 'string' },
  limit: { type: 'string', short: 'l' },
  'show-secrets': { type: 'boolean' },
  'flush-cache': { type: 'boolean' },
  ...VAULT_OPTIONS,
} as const satisfies OptionsSpec;

/** The `inventory` sub-command. */
export const command: CliCommand = {
  name: 'inventory',
  summary: 'Show an Ansible inventory as firebook resolves it (--list, --graph, --host)',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('inventory', argv, OPTIONS);
    if (!values.inventory?.length) throw usageError('-i FILE is required');
    const actions = [values.list, values.graph, values.host !== undefined].filter(Boolean).length;
    if (actions !== 1) throw usageError('choose exactly one of --list, --graph or --host');
    if (positionals.length > (values.graph ? 1 : 0)) throw usageError(`unexpected argument '${positionals[values.graph ? 1 : 0]}'`);
    const inv = await loadInventory(values.inventory.map((p) => resolve(io.cwd, p)), {
      vault: openVault('inventory', values, io),
      fmc: { flushCache: values['flush-cache'] === true, env: io.env, warn: (line) => void io.stderr.write(line + '\n') },
    });
    const onlyHosts = values.limit !== undefined ? new Set(selectHosts(inv, values.limit)) : undefined;
    if (onlyHosts && onlyHosts.size === 0) {
      io.stderr.write(`firebook inventory: warning: --limit '${values.limit}' matches no host\n`);
    }
    const showSecrets = values['show-secrets'] === true;
    if (values.list) {
      io.stdout.write(escapeInvisibleJson(JSON.stringify(toAnsibleList(inv, { showSecrets, onlyHosts }), null, 2)) + '\n');
    } else if (values.graph) {
      // Host and group names are inventory text: control, bidi and zero-width characters are shown, never sent to the terminal.
      io.stdout.write(toTerminalText(renderGraph(inv, positionals[0] ?? 'all', onlyHosts)) + '\n');
    } else {
      const name = values.host!;
      const host = inv.hosts.get(name);
      if (!host || (onlyHosts && !onlyHosts.has(name))) {
        throw new UserError({ code: 'inventory', message: `host '${name}' is not in ${values.inventory.join(', ')}${host ? ` (excluded by --limit)` : ''}`, hint: `hosts: ${[...inv.hosts.keys()].slice(0, 20).join(', ')}` });
      }
      const vars = showSecrets ? host.vars : redactHostVars(host.vars, inv.secretValues);
      io.stdout.write(JSON.stringify(sortKeysDeep(vars), null, 2) + '\n');
    }
    return EXIT.ok;
  },
};
