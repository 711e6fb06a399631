/**
 * loadInventory(): reads an Ansible inventory (YAML, JSON, INI, or a folder of them) plus the
 * `group_vars/` and `host_vars/` beside it, and resolves every host's variables.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { checkFileSize } from '../io/input-limits.js';
import type { Inventory, InventoryGroup, InventoryHost } from '../model/inventory.js';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/suggest-path.js';
import { InventoryBuilder, type GroupNode } from './builder.js';
import { parseIniInventory } from './parse-ini.js';
import { parseYamlInventory, PYYAML_COMPAT } from './parse-yaml.js';
import { loadVarsFor } from './vars-files.js';
import { isVaultText, Vault } from './vault.js';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
/** Files Ansible skips in an inventory folder (INVENTORY_IGNORE_EXTS). */
const IGNORED_IN_FOLDER = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];

/** The formats an inventory file can be in. */
export type InventoryFormat = 'yaml' | 'ini';

/**
 * Picks the parser as Ansible's plugin chain does: `.yml`/`.yaml`/`.json` are YAML; a file
 * without an extension is YAML when it parses as a YAML mapping, else INI; anything else is INI.
 */
export function detectInventoryFormat(file: string, text: string): InventoryFormat {
  const ext = extname(file).toLowerCase();
  if (YAML_EXTENSIONS.includes(ext)) return 'yaml';
  if (ext) return 'ini';
  // A lone `[group]` line is a YAML flow sequence, and `host key=value` a YAML string: only a
  // clean mapping counts as YAML.
  const doc = parseDocument(text, { ...PYYAML_COMPAT, uniqueKeys: false });
  if (doc.errors.length > 0) return 'ini';
  let value: unknown;
  try {
    value = doc.toJS();
  } catch {
    return 'yaml'; // an alias bomb: the YAML parser reports it with its position
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? 'yaml' : 'ini';
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function parseInventoryFile(file: string, builder: InventoryBuilder, vault: Vault): void {
  checkFileSize(file);
  const raw = readFileSync(file, 'utf8');
  // A vault-encrypted inventory file is decrypted first. Unlike a vars file, its values are not
  // all marked secret: host and group names must stay readable (secret names still are).
  const text = isVaultText(raw) ? vault.open(raw, { file, line: 1, col: 1 }, file) : raw;
  if (detectInventoryFormat(file, text) === 'yaml') parseYamlInventory(text, file, builder, vault);
  else parseIniInventory(text, file, builder);
}

/** Ansible's sort_groups(): by depth, then ansible_group_priority, then name. */
export function compareGroups(a: GroupNode, b: GroupNode): number {
  if (a.depth !== b.depth) return a.depth - b.depth;
  if (a.priority !== b.priority) return a.priority - b.priority;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Loads an Ansible inventory file (or a folder of inventory files) and resolves it.
 *
 * Variable precedence (lowest first), as ansible-core's VariableManager with its default
 * VARIABLE_PRECEDENCE — simplified to the sources firebook reads:
 *   1. the `all` group's vars in the inventory file;
 *   2. every other group's vars in the inventory file, groups ordered by depth (parents
 *      before children), then `ansible_group_priority` (higher wins), then name;
 *   3. `group_vars/all`;
 *   4. `group_vars/<group>` in the same group order;
 *   5. the host's vars in the inventory file (`host:port` gives `ansible_port`);
 *   6. `host_vars/<host>`.
 * So a `group_vars/` file beats any group vars written in the inventory file itself.
 * Merging replaces whole top-level values (Ansible's default hash_behaviour=replace).
 *
 * Stricter than Ansible: a name used for both a host and a group is an error (Ansible only
 * warns), as are unknown keys in YAML groups.
 */
export interface LoadInventoryOptions {
  /** Vault passwords for inline `!vault` values and vault-encrypted files (default: none, so
   * vaulted data is refused with a clear error). */
  vault?: Vault;
}

export async function loadInventory(path: string, opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const vault = opts.vault ?? new Vault();
  const source = resolve(path);
  const st = statOrUndefined(source);
  if (!st) {
    throw new UserError({
      code: 'file-not-found',
      message: `inventory ${path} does not exist`,
      hint: missingFileHint(path, 'pass an Ansible inventory file with -i (for example inventory/example.yml)'),
    });
  }
  const builder = new InventoryBuilder();
  let baseDir: string;
  if (st.isDirectory()) {
    baseDir = source;
    const files = readdirSync(source)
      .sort()
      .filter((f) => !f.startsWith('.') && !IGNORED_IN_FOLDER.some((e) => f.endsWith(e)))
      .map((f) => join(source, f))
      .filter((f) => statOrUndefined(f)?.isFile());
    for (const f of files) parseInventoryFile(f, builder, vault);
  } else {
    baseDir = dirname(source);
    parseInventoryFile(source, builder, vault);
  }
  builder.reconcile();
  rejectHostGroupClashes(builder, path);
  const inventory = resolveInventory(builder, source, baseDir, vault);
  return vault.revealed.size > 0 ? { ...inventory, secretValues: [...vault.revealed] } : inventory;
}

function rejectHostGroupClashes(builder: InventoryBuilder, path: string): void {
  const clashes = [...builder.hosts.keys()].filter((h) => builder.groups.has(h));
  if (clashes.length) {
    throw new UserError({
      code: 'inventory',
      message: `${basename(path)}: ${clashes.map((c) => `'${c}'`).join(', ')} ${clashes.length > 1 ? 'are' : 'is'} both a host and a group`,
      hint: 'rename the host or the group, so patterns like --limit select what you mean',
    });
  }
}

function resolveInventory(builder: InventoryBuilder, source: string, baseDir: string, vault: Vault): Inventory {
  const groupFileVars = new Map<string, Record<string, unknown>>();
  const groups = new Map<string, InventoryGroup>();
  for (const g of builder.groups.values()) {
    const fileVars = loadVarsFor(baseDir, 'group_vars', g.name, vault);
    groupFileVars.set(g.name, fileVars);
    const vars: Record<string, unknown> = { ...g.vars, ...fileVars };
    if (g.priority !== 1) vars.ansible_group_priority = g.priority;
    groups.set(g.name, { name: g.name, hosts: [...g.hosts], children: [...g.children], vars });
  }
  const all = builder.groups.get('all')!;
  const hosts = new Map<string, InventoryHost>();
  for (const h of builder.hosts.values()) {
    const mine = [...builder.groupsOfHost(h.name)].map((n) => builder.groups.get(n)!).sort(compareGroups);
    const others = mine.filter((g) => g.name !== 'all');
    let vars: Record<string, unknown> = { ...all.vars };
    for (const g of others) vars = { ...vars, ...g.vars };
    vars = { ...vars, ...groupFileVars.get('all') };
    for (const g of others) vars = { ...vars, ...groupFileVars.get(g.name) };
    vars = { ...vars, ...h.vars, ...loadVarsFor(baseDir, 'host_vars', h.name, vault) };
    hosts.set(h.name, { name: h.name, groups: mine.map((g) => g.name), vars });
  }
  return { source, hosts, groups };
}
