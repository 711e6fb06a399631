/**
 * connectionSpec(): how to reach a host, from its Ansible connection variables.
 */
import type { ConnectionSpec, InventoryHost } from '../model/inventory.js';
import { UserError } from '../model/errors.js';
import { expandHome, sshHostKeyOptions } from './ssh-args.js';

const PLATFORMS = ['ftd', 'fmc', 'linux'] as const;

/** `ansible_connection` of a host that is a troubleshoot bundle (with `bundle_path:`). */
export const BUNDLE_CONNECTION = 'firebook.bundle';

/** Defaults when neither the host nor the caller says otherwise. */
export const CONNECTION_DEFAULTS = {
  port: 22,
  user: 'admin',
  platform: 'ftd',
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 60_000,
  hostTimeoutMs: 900_000,
} as const;

function invalid(host: string, message: string, hint: string): never {
  throw new UserError({ code: 'inventory', message: `host '${host}': ${message}`, hint });
}

/** Names Ansible treats as one variable (the first is the current spelling). */
const ALIASES: readonly string[][] = [
  ['ansible_host', 'ansible_ssh_host'],
  ['ansible_port', 'ansible_ssh_port'],
  ['ansible_user', 'ansible_ssh_user'],
  ['ansible_password', 'ansible_ssh_pass'],
  ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
  ['ansible_ssh_private_key_passphrase', 'firebook_private_key_passphrase'],
  ['ansible_become_password', 'ansible_become_pass'],
];

/** A host's variables with `-e` on top: an extra var replaces the host's value under any of its
 * aliases (`-e ansible_ssh_pass=x` beats an inventory `ansible_password`), as in Ansible. */
export function withExtraVars(vars: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const out = { ...vars };
  for (const group of ALIASES) if (group.some((n) => n in extra)) for (const n of group) delete out[n];
  return { ...out, ...extra };
}

function pick(vars: Record<string, unknown>, names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null) return vars[n];
  return undefined;
}

function asText(host: string, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // INI typing turns `ansible_password=123456` into a number; a password is still text.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return invalid(host, `${name} must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`, `quote the value of ${name}`);
}

function asInteger(host: string, name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    return invalid(host, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, `fix ${name} in the inventory or host_vars/`);
  }
  return n;
}

function secondsToMs(host: string, name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
    return invalid(host, `${name} must be a positive number of seconds, got ${JSON.stringify(value)}`, `e.g. ${name}: 30`);
  }
  return Math.round(n * 1000);
}

/**
 * Builds the connection settings for `host` from its variables: `ansible_host` (default: the
 * inventory name), `ansible_port` (22), `ansible_user` (`admin`), `ansible_password` /
 * `ansible_ssh_pass`, `ansible_ssh_private_key_file`, `ansible_ssh_private_key_passphrase` /
 * `firebook_private_key_passphrase`, `ansible_become_password` / `ansible_become_pass`,
 * `platform` (ftd|fmc|linux, default ftd) and `firebook_connect_timeout`,
 * `firebook_command_timeout`, `firebook_host_timeout` in seconds (10 / 60 / 900), and the
 * host-key options `-o UserKnownHostsFile=` / `-o StrictHostKeyChecking=` of
 * `ansible_ssh_common_args` / `ansible_ssh_extra_args` (see ssh-args.ts).
 * `defaults` (from the CLI or the playbook) apply under the host's own variables.
 * The become password defaults to the login password: FTD's `sudo` (expert mode) asks for
 * the admin's own password. Invalid values are UserErrors with code `inventory`.
 */
export function connectionSpec(host: InventoryHost, defaults: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const v = host.vars;
  const name = host.name;
  const address = asText(name, 'ansible_host', pick(v, ['ansible_host', 'ansible_ssh_host'])) ?? defaults.address ?? name;
  if (address.trim() === '' || /\s/.test(address)) invalid(name, `ansible_host ${JSON.stringify(address)} is not a host name or address`, 'set ansible_host to an IP address or DNS name');
  const port = asInteger(name, 'ansible_port', pick(v, ['ansible_port', 'ansible_ssh_port']), 1, 65535) ?? defaults.port ?? CONNECTION_DEFAULTS.port;
  const user = asText(name, 'ansible_user', pick(v, ['ansible_user', 'ansible_ssh_user'])) ?? defaults.user ?? CONNECTION_DEFAULTS.user;
  if (user === '') invalid(name, 'ansible_user must not be empty', 'set ansible_user, e.g. admin');
  const password = asText(name, 'ansible_password', pick(v, ['ansible_password', 'ansible_ssh_pass'])) ?? defaults.password;
  const privateKeyFile = asText(name, 'ansible_ssh_private_key_file', pick(v, ['ansible_ssh_private_key_file', 'ansible_private_key_file'])) ?? defaults.privateKeyFile;
  const passphrase = asText(name, 'ansible_ssh_private_key_passphrase', pick(v, ['ansible_ssh_private_key_passphrase', 'firebook_private_key_passphrase'])) ?? defaults.passphrase;
  const becomePassword = asText(name, 'ansible_become_password', pick(v, ['ansible_become_password', 'ansible_become_pass'])) ?? defaults.becomePassword ?? password;
  const platformRaw = pick(v, ['platform']) ?? defaults.platform ?? CONNECTION_DEFAULTS.platform;
  if (!PLATFORMS.includes(platformRaw as (typeof PLATFORMS)[number])) {
    invalid(name, `platform ${JSON.stringify(platformRaw)} is not one of ${PLATFORMS.join(', ')}`, 'set platform: ftd, fmc or linux');
  }
  const spec: ConnectionSpec = {
    name,
    address,
    port,
    user,
    platform: platformRaw as ConnectionSpec['platform'],
    connectTimeoutMs: secondsToMs(name, 'firebook_connect_timeout', pick(v, ['firebook_connect_timeout'])) ?? defaults.connectTimeoutMs ?? CONNECTION_DEFAULTS.connectTimeoutMs,
    commandTimeoutMs: secondsToMs(name, 'firebook_command_timeout', pick(v, ['firebook_command_timeout'])) ?? defaults.commandTimeoutMs ?? CONNECTION_DEFAULTS.commandTimeoutMs,
    hostTimeoutMs: secondsToMs(name, 'firebook_host_timeout', pick(v, ['firebook_host_timeout'])) ?? defaults.hostTimeoutMs ?? CONNECTION_DEFAULTS.hostTimeoutMs,
  };
  let hostKeys;
  try {
    hostKeys = sshHostKeyOptions(
      [asText(name, 'ansible_ssh_args', pick(v, ['ansible_ssh_args'])), asText(name, 'ansible_ssh_common_args', pick(v, ['ansible_ssh_common_args']))].filter(Boolean).join(' '),
      asText(name, 'ansible_ssh_extra_args', pick(v, ['ansible_ssh_extra_args'])),
    );
  } catch (err) {
    return invalid(name, (err as Error).message, 'fix ansible_ssh_common_args / ansible_ssh_extra_args (e.g. -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=~/.ssh/fw_known_hosts)');
  }
  if (hostKeys.knownHostsFiles) spec.knownHostsFiles = hostKeys.knownHostsFiles;
  if (hostKeys.hostKeyPolicy) spec.hostKeyPolicy = hostKeys.hostKeyPolicy;
  if (password !== undefined) spec.password = password;
  // A troubleshoot bundle as the host (docs/bundles.md "In an inventory").
  const conn = asText(name, 'ansible_connection', pick(v, ['ansible_connection']));
  if (conn === BUNDLE_CONNECTION) {
    const bundlePath = asText(name, 'bundle_path', pick(v, ['bundle_path']));
    if (bundlePath === undefined || bundlePath.trim() === '') invalid(name, `ansible_connection: ${BUNDLE_CONNECTION} needs bundle_path`, 'set bundle_path to the troubleshoot bundle (.tar.gz)');
    spec.bundlePath = expandHome(bundlePath!);
  }
  // `~/.ssh/id_ed25519`, as inventories write it: Ansible expands the home folder too.
  if (privateKeyFile !== undefined) spec.privateKeyFile = expandHome(privateKeyFile);
  if (passphrase !== undefined) spec.passphrase = passphrase;
  if (becomePassword !== undefined) spec.becomePassword = becomePassword;
  return spec;
}
