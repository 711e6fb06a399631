/** The connection options `run`, `plan`, `apply`, `resume` and `rollback` share: one spec,
 * one parser, one set of warnings. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_FORKS } from '../run/runner.js';
import type { ConnectionSpec, Inventory } from '../model/inventory.js';
import { hostsOfGroup } from '../inventory/index.js';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/missing-file.js';
import type { RunPlan } from '../plan/plan.js';
import type { ChangeConnection } from '../change/apply-driver.js';
import { openVault, parsePositiveInt, VAULT_OPTIONS } from './options.js';

/** parseArgs options for connections and the vault (spread into a command's own options). */
export const CONNECTION_OPTIONS = {
  forks: { type: 'string', short: 'f' },
  'connect-rate': { type: 'string' },
  'connect-timeout': { type: 'string' },
  'command-timeout': { type: 'string' },
  'host-timeout': { type: 'string' },
  'known-hosts': { type: 'string' },
  'accept-new-host-keys': { type: 'boolean' },
  'insecure-no-host-key-check': { type: 'boolean' },
  ...VAULT_OPTIONS,
} as const;

/** Their help text (the `Connections:` block; the vault's is VAULT_USAGE). */
export const CONNECTION_USAGE = `Connections:
  -f, --forks N             hosts at once (default ${DEFAULT_FORKS}; the work waits on devices, not CPU)
      --connect-rate N      new SSH logins per second across the run (spares TACACS+/ISE)
      --known-hosts FILE    OpenSSH known_hosts to verify host keys (default ~/.ssh/known_hosts)
      --accept-new-host-keys  record unknown host keys (trust on first use); changed keys are always refused
      --insecure-no-host-key-check  DANGEROUS: do not verify host keys (recorded in the report)
      --connect-timeout S, --command-timeout S, --host-timeout S
                            defaults for hosts that do not set firebook_connect_timeout /
                            firebook_command_timeout / firebook_host_timeout (10 / 60 / 900 s)`;

type ConnectionValues = { [K in keyof typeof CONNECTION_OPTIONS]?: (typeof CONNECTION_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof CONNECTION_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** What the connection options mean, validated (the shape change/ takes too). */
export type ConnectionSettings = ChangeConnection;

export function parseConnectionOptions(command: string, v: ConnectionValues, io: { cwd: string; env: NodeJS.ProcessEnv }): ConnectionSettings {
  const usage = (message: string) => new UserError({ code: 'cli-usage', message: `firebook ${command}: ${message}`, hint: `run 'firebook ${command} --help' for the options` });
  if (v['accept-new-host-keys'] && v['insecure-no-host-key-check']) throw usage('--accept-new-host-keys and --insecure-no-host-key-check exclude each other');
  // A known_hosts file named on purpose but absent would fail every host one by one; say it once.
  // (With --accept-new-host-keys it is created.)
  if (v['known-hosts'] && !v['accept-new-host-keys'] && !v['insecure-no-host-key-check'] && !existsSync(resolve(io.cwd, v['known-hosts']))) {
    throw new UserError({ code: 'file-not-found', message: `--known-hosts ${v['known-hosts']}: no such file`, hint: missingFileHint(v['known-hosts'], 'name an OpenSSH known_hosts file, or add --accept-new-host-keys to create it', io.cwd) });
  }
  const seconds = (flag: 'connect-timeout' | 'command-timeout' | 'host-timeout') => {
    const n = parsePositiveInt(command, `--${flag}`, v[flag]);
    return n === undefined ? undefined : n * 1000;
  };
  const connectionDefaults = Object.fromEntries(
    Object.entries({ connectTimeoutMs: seconds('connect-timeout'), commandTimeoutMs: seconds('command-timeout'), hostTimeoutMs: seconds('host-timeout') }).filter(([, x]) => x !== undefined),
  );
  return {
    forks: parsePositiveInt(command, '--forks', v.forks),
    connectRate: parsePositiveInt(command, '--connect-rate', v['connect-rate']),
    connectionDefaults,
    knownHostsFile: v['known-hosts'],
    hostKeyPolicy: v['insecure-no-host-key-check'] ? 'off' : v['accept-new-host-keys'] ? 'accept-new' : 'strict',
    vault: openVault(command, v, io),
  };
}

/** Said once, loudly, when host keys are not verified (it is also recorded in the report):
 * by the flag, or by StrictHostKeyChecking=no in the inventory's ssh args. */
export function warnInsecure(io: { stderr: NodeJS.WritableStream; cwd?: string }, settings: Pick<ConnectionSettings, 'hostKeyPolicy'> & { knownHostsFile?: string }, plan?: RunPlan, inventory?: Inventory): void {
  if (settings.hostKeyPolicy === 'off') {
    io.stderr.write('firebook: WARNING: --insecure-no-host-key-check: host keys are NOT verified; a man-in-the-middle would get the credentials. This is recorded in the report.\n');
  }
  const unverified = (plan?.hosts ?? []).filter((h) => h.connection.hostKeyPolicy === 'off').map((h) => h.name);
  if (unverified.length > 0) {
    const names = unverified.slice(0, 5).join(', ') + (unverified.length > 5 ? ` and ${unverified.length - 5} more` : '');
    io.stderr.write(`firebook: WARNING: StrictHostKeyChecking=no in the inventory's ssh args: host keys are NOT verified for ${unverified.length} host(s) (${names}); a man-in-the-middle would get the credentials. This is recorded in the report.\n`);
  }
  for (const line of hostKeyOverrides(settings, plan, inventory, io.cwd)) io.stderr.write(`firebook: note: ${line}\n`);
}

const SSH_ARG_VARS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_ssh_args'] as const;
const POLICY_FLAG = { 'accept-new': '--accept-new-host-keys', off: '--insecure-no-host-key-check' } as const;

/**
 * Where the inventory's ssh args (`-o UserKnownHostsFile=`, `-o StrictHostKeyChecking=`) and the
 * run's `--known-hosts` / `--accept-new-host-keys` / `--insecure-no-host-key-check` disagree, the
 * inventory wins for its hosts (as ssh args do in Ansible; ssh-connector.ts): one line per
 * option, naming the group that sets it or the hosts (docs/inventory.md "Host keys").
 */
export function hostKeyOverrides(settings: Pick<ConnectionSettings, 'hostKeyPolicy'> & { knownHostsFile?: string }, plan?: RunPlan, inventory?: Inventory, cwd = process.cwd()): string[] {
  const hosts = plan?.hosts ?? [];
  const flagFile = settings.knownHostsFile === undefined ? undefined : resolve(cwd, settings.knownHostsFile);
  const policyFlag = settings.hostKeyPolicy === 'strict' ? undefined : POLICY_FLAG[settings.hostKeyPolicy];
  const rules = [
    { option: 'UserKnownHostsFile', flag: '--known-hosts', differs: (c: ConnectionSpec) => flagFile !== undefined && c.knownHostsFiles !== undefined && (c.knownHostsFiles.length !== 1 || resolve(cwd, c.knownHostsFiles[0]) !== flagFile) },
    { option: 'StrictHostKeyChecking', flag: policyFlag, differs: (c: ConnectionSpec) => policyFlag !== undefined && c.hostKeyPolicy !== undefined && c.hostKeyPolicy !== settings.hostKeyPolicy },
  ];
  const lines: string[] = [];
  for (const { option, flag, differs } of rules) {
    const names = hosts.filter((h) => differs(h.connection)).map((h) => h.name);
    if (names.length === 0) continue;
    // The variable that says it, when the inventory is at hand (else: its ssh args).
    const sets = (vars: Record<string, unknown>) => SSH_ARG_VARS.find((k) => typeof vars[k] === 'string' && (vars[k] as string).toLowerCase().includes(option.toLowerCase()));
    const found = new Set(names.map((n) => (inventory ? sets(inventory.hosts.get(n)?.vars ?? {}) : undefined)));
    const variable = found.size === 1 ? [...found][0] : undefined;
    lines.push(`the inventory's ${variable ? `${variable} sets` : 'ssh args set'} ${option} for ${whose(names, hosts.map((h) => h.name), inventory, variable, option)}; it overrides ${flag} for ${names.length === 1 ? 'that host' : 'those hosts'}, as ssh args do in Ansible`);
  }
  return lines;
}

/** `group fw_lab (3 hosts)` when one group whose `variable` sets `option` holds exactly these of the run's
 * hosts, else the hosts (3, then a count). */
function whose(names: string[], planned: string[], inventory: Inventory | undefined, variable: string | undefined, option: string): string {
  const count = `${names.length} host${names.length === 1 ? '' : 's'}`;
  if (inventory && variable) {
    const wanted = new Set(names);
    const inRun = new Set(planned);
    for (const g of inventory.groups.values()) {
      const value = g.vars[variable];
      if (g.name === 'ungrouped' || typeof value !== 'string' || !value.toLowerCase().includes(option.toLowerCase())) continue;
      const members = hostsOfGroup(inventory, g.name).filter((h) => inRun.has(h));
      if (members.length === wanted.size && members.every((h) => wanted.has(h))) return g.name === 'all' ? `every host (${count})` : `group ${g.name} (${count})`;
    }
  }
  if (names.length === 1) return `host ${names[0]}`;
  return `${count} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''})`;
}
