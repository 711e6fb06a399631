/** The connection options `run`, `plan`, `apply`, `resume` and `rollback` share: one spec,
 * one parser, one set of warnings. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_FORKS } from '../run/runner.js';
import type { ConnectionSpec } from '../model/inventory.js';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/suggest-path.js';
import type { RunPlan } from '../plan/plan.js';
import type { Vault } from '../inventory/vault.js';
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

/** What the connection options mean, validated. */
export interface ConnectionSettings {
  forks?: number;
  connectRate?: number;
  connectionDefaults: Partial<ConnectionSpec>;
  knownHostsFile?: string;
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  vault: Vault;
}

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
export function warnInsecure(io: { stderr: NodeJS.WritableStream }, settings: Pick<ConnectionSettings, 'hostKeyPolicy'>, plan?: RunPlan): void {
  if (settings.hostKeyPolicy === 'off') {
    io.stderr.write('firebook: WARNING: --insecure-no-host-key-check: host keys are NOT verified; a man-in-the-middle would get the credentials. This is recorded in the report.\n');
  }
  const unverified = (plan?.hosts ?? []).filter((h) => h.connection.hostKeyPolicy === 'off').map((h) => h.name);
  if (unverified.length > 0) {
    const names = unverified.slice(0, 5).join(', ') + (unverified.length > 5 ? ` and ${unverified.length - 5} more` : '');
    io.stderr.write(`firebook: WARNING: StrictHostKeyChecking=no in the inventory's ssh args: host keys are NOT verified for ${unverified.length} host(s) (${names}); a man-in-the-middle would get the credentials. This is recorded in the report.\n`);
  }
}
