/**
 * loadInventory(): reads an Ansible inventory (YAML, JSON, INI, or a folder of them) plus the
 * `group_vars/` and `host_vars/` beside it, and resolves every host's variables.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { checkFileSize } from '../io/input-limits.js';
import type { Inventory, InventoryGroup, InventoryHost } from '../model/inventory.js';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/missing-file.js';
import { InventoryBuilder, InventoryGraphError, type GroupNode } from './builder.js';
import { parseFmcConfig, type FmcSourceConfig } from './fmc-config.js';
import type { FmcMapped } from './fmc-map.js';
import { loadFmcSource, type FmcSourceOptions } from './fmc-source.js';
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

/** Parses one file into `builder`; a `firebook.fmc` file is checked and returned, to be read
 * from the FMC by the caller. */
function parseInventoryFile(file: string, builder: InventoryBuilder, vault: Vault): FmcSourceConfig | undefined {
  checkFileSize(file);
  const raw = readFileSync(file, 'utf8');
  // A vault-encrypted inventory file is decrypted first. Unlike a vars file, its values are not
  // all marked secret: host and group names must stay readable (secret names still are).
  const text = isVaultText(raw) ? vault.open(raw, { file, line: 1, col: 1 }, file) : raw;
  if (detectInventoryFormat(file, text) !== 'yaml') {
    parseIniInventory(text, file, builder);
    return undefined;
  }
  const plugin = parseYamlInventory(text, file, builder, vault);
  if (!plugin) return undefined;
  const cfg = parseFmcConfig(plugin.data, file, plugin.locate);
  if (cfg.password !== undefined) vault.markRevealed(cfg.password);
  return cfg;
}

/** Adds what a `firebook.fmc` source mapped to `builder`. */
function addFmcHosts(mapped: FmcMapped, cfg: FmcSourceConfig, builder: InventoryBuilder): void {
  try {
    for (const g of mapped.groups) builder.addGroup(g);
    for (const h of mapped.hosts) {
      builder.addHost(h.name);
      for (const g of h.groups) builder.addHost(h.name, g);
      for (const [k, v] of Object.entries(h.vars)) builder.setHostVar(h.name, k, v);
    }
  } catch (err) {
    if (!(err instanceof InventoryGraphError)) throw err;
    throw new UserError({ code: 'inventory', message: `the FMC at ${cfg.url}: ${err.message}`, location: cfg.at('url') });
  }
}

/** The `firebook.fmc` source each host came from, per loaded inventory (for API checks). */
const fmcSources = new WeakMap<Inventory, Map<string, FmcSourceConfig>>();

/** The `firebook.fmc` file that listed `host` in `inv`, if any (the FMC host of
 * `include_fmc` and its devices); connectSettingsOf() turns it into login settings. */
export function fmcSourceOf(inv: Inventory, host: string): FmcSourceConfig | undefined {
  return fmcSources.get(inv)?.get(host);
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
  /** For `plugin: firebook.fmc` files: the API client's connect, the cache, warnings. */
  fmc?: FmcSourceOptions;
}

export async function loadInventory(path: string | readonly string[], opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const vault = opts.vault ?? new Vault();
  // Several sources (Ansible's `-i a -i b`) merge in order into one inventory; each one's
  // group_vars/ and host_vars/ apply, a later source's winning.
  const paths = typeof path === 'string' ? [path] : [...path];
  const builder = new InventoryBuilder();
  const fromFmc = new Map<string, FmcSourceConfig>();
  // Files in name order; an FMC source is read where it stands, so later files add to its hosts.
  const addInventoryFile = async (file: string) => {
    const cfg = parseInventoryFile(file, builder, vault);
    if (!cfg) return;
    const mapped = await loadFmcSource(cfg, vault, opts.fmc);
    addFmcHosts(mapped, cfg, builder);
    for (const h of mapped.hosts) fromFmc.set(h.name, cfg);
  };
  const baseDirs: string[] = [];
  for (const one of paths) {
    const source = resolve(one);
    const st = statOrUndefined(source);
    if (!st) {
      throw new UserError({
        code: 'file-not-found',
        message: `inventory ${one} does not exist`,
        hint: missingFileHint(one, 'pass an Ansible inventory file with -i (for example inventory/example.yml)'),
      });
    }
    if (st.isDirectory()) {
      baseDirs.push(source);
      const files = readdirSync(source)
        .sort()
        .filter((f) => !f.startsWith('.') && !IGNORED_IN_FOLDER.some((e) => f.endsWith(e)))
        .map((f) => join(source, f))
        .filter((f) => statOrUndefined(f)?.isFile());
      for (const f of files) await addInventoryFile(f);
    } else {
      baseDirs.push(dirname(source));
      await addInventoryFile(source);
    }
  }
  builder.reconcile();
  rejectHostGroupClashes(builder, paths[0]);
  const resolved = resolveInventory(builder, resolve(paths[0]), [...new Set(baseDirs)], vault);
  const inventory = vault.revealed.size > 0 ? { ...resolved, secretValues: [...vault.revealed] } : resolved;
  if (fromFmc.size > 0) fmcSources.set(inventory, fromFmc);
  return inventory;
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

function resolveInventory(builder: InventoryBuilder, source: string, baseDirs: readonly string[], vault: Vault): Inventory {
  const varsFor = (kind: 'group_vars' | 'host_vars', name: string, origins: Record<string, string>) => {
    let out: Record<string, unknown> = {};
    for (const dir of baseDirs) out = { ...out, ...loadVarsFor(dir, kind, name, vault, origins) };
    return out;
  };
  const groupFileVars = new Map<string, Record<string, unknown>>();
  // Where each value comes from, kept small (docs/scale.md): per group, and per host only for a
  // host with its own vars; varSource() walks the precedence below when a message needs it.
  const groupFiles = new Map<string, Record<string, string>>();
  const hostSources = new Map<string, { inline: Record<string, unknown>; files?: Record<string, string> }>();
  const groups = new Map<string, InventoryGroup>();
  for (const g of builder.groups.values()) {
    const files: Record<string, string> = {};
    const fileVars = varsFor('group_vars', g.name, files);
    groupFileVars.set(g.name, fileVars);
    groupFiles.set(g.name, files);
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
    const files: Record<string, string> = {};
    vars = { ...vars, ...h.vars, ...varsFor('host_vars', h.name, files) };
    const hasFiles = Object.keys(files).length > 0;
    if (hasFiles || Object.keys(h.vars).length > 0) hostSources.set(h.name, { inline: h.vars, ...(hasFiles ? { files } : {}) });
    hosts.set(h.name, { name: h.name, groups: mine.map((g) => g.name), vars });
  }
  const shown = (file: string) => {
    const rel = relative(process.cwd(), file);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  };
  // The same precedence as above, highest first.
  const varSource = (host: string, key: string): string | undefined => {
    const h = hosts.get(host);
    if (!h || !(key in h.vars)) return undefined;
    const own = hostSources.get(host);
    if (own?.files && key in own.files) return shown(own.files[key]);
    if (own && key in own.inline) return shown(source);
    const order = [...h.groups].reverse(); // sorted with `all` first: reversed, highest first
    for (const g of order) if (key in groupFiles.get(g)!) return shown(groupFiles.get(g)![key]);
    return shown(source);
  };
  return { source, hosts, groups, varSource };
}
