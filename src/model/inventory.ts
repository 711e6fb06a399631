/** The resolved inventory: Ansible's model (groups, children, vars), flattened per host. */

export interface InventoryGroup {
  name: string;
  /** Hosts listed directly in this group. */
  hosts: string[];
  /** Child group names. */
  children: string[];
  vars: Record<string, unknown>;
}

export interface InventoryHost {
  name: string;
  /** Every group the host belongs to, directly or through children, including `all`. */
  groups: string[];
  /** Merged variables: all < parent group < child group < host (host_vars/ included). */
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** Path of the inventory source (file or folder). */
  source: string;
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
  /** Values that are secret whatever their variable's name: every value decrypted from Ansible
   * Vault (inline `!vault` and vault-encrypted files). Redacted wherever shown. */
  secretValues?: readonly string[];
  /** The file the host's winning value of `key` comes from (`host_vars/fw3.yml`, a
   * `group_vars/` file, or the inventory file itself), for messages; undefined when the host
   * does not have it. Paths are relative to the working folder when inside it. */
  varSource?(host: string, key: string): string | undefined;
}

/** Connection settings derived from a host's variables (ansible_* names). */
export interface ConnectionSpec {
  /** Inventory name. */
  name: string;
  /** Address to connect to (`ansible_host`, default: the name). */
  address: string;
  port: number;
  user: string;
  password?: string;
  privateKeyFile?: string;
  passphrase?: string;
  becomePassword?: string;
  platform: 'ftd' | 'fmc' | 'linux';
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  hostTimeoutMs: number;
  /** Host-key files from `-o UserKnownHostsFile=` in the host's ssh args; when set, they replace
   * the run's `--known-hosts` for this host (the first one receives accepted keys). */
  knownHostsFiles?: string[];
  /** From `-o StrictHostKeyChecking=` in the host's ssh args; when set, it replaces the run's
   * host-key policy for this host (`off` is loud and recorded in the report). */
  hostKeyPolicy?: 'strict' | 'accept-new' | 'off';
  /** A troubleshoot bundle answers for this host (`ansible_connection: firebook.bundle` and
   * `bundle_path:`, or `run --bundle`): nothing is connected to (docs/bundles.md). */
  bundlePath?: string;
  /** Every secret value known for this host (connection and playbook variables), redacted from
   * anything recorded or reported about it. Filled by the plan. */
  secrets?: readonly string[];
}
