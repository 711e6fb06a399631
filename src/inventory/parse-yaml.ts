/**
 * Ansible's YAML (and JSON) inventory format (ansible/plugins/inventory/yaml.py): top-level
 * keys are groups; each group may hold `hosts:` (host → vars), `children:` (group → group
 * body) and `vars:`, processed in document order. Parsed as YAML 1.1 like PyYAML, so `yes`
 * and `on` are booleans. Stricter than Ansible on purpose: where Ansible warns and skips
 * (an unknown key in a group, a group body that is not a mapping), firebook stops with an
 * `inventory` error, because a skipped typo silently drops hosts from a fleet run.
 */
import { isMap, isPair, isScalar, isSeq, visit, type Node, type Pair, type Tags } from 'yaml';
import { suggest } from '../model/suggest.js';
import { UserError } from '../model/errors.js';
import type { SourceLocation } from '../model/playbook.js';
import { InventoryBuilder, InventoryGraphError } from './builder.js';
import { parseYamlDocument, yamlToJs } from '../io/input-limits.js';
import { expandHostEntry } from './host-range.js';
import { Vault } from './vault.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

/** PyYAML's YAML 1.1 resolvers differ from the `yaml` package's: `y`/`n` stay strings, and a
 * float needs a dot and a signed exponent (`1e3` is a string, `1.0e+3` a float). */
const PY_BOOL: Record<string, RegExp> = {
  true: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  false: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
};
const PY_FLOAT = /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)(?:[eE][-+][0-9]+)?$/;

/** Ansible's `!vault |` tag: the text stays as it is until `openVaultedValues` decrypts it. */
const VAULT_TAG = { tag: '!vault', resolve: (text: string) => text };

function pyyamlTags(tags: Tags): Tags {
  const out: Tags = [VAULT_TAG];
  for (const t of tags) {
    if (typeof t !== 'object' || !('test' in t) || !t.test) {
      out.push(t);
    } else if (t.tag === 'tag:yaml.org,2002:bool') {
      out.push({ ...t, test: t.test.test('true') ? PY_BOOL.true : PY_BOOL.false });
    } else if (t.tag === 'tag:yaml.org,2002:float' && !t.test.test('.nan')) {
      // Drop the exponent-only form; the plain float form takes PyYAML's pattern.
      if (!t.test.test('1e3')) out.push({ ...t, test: PY_FLOAT });
    } else out.push(t);
  }
  return out;
}

/** Options that make the `yaml` package read scalars as PyYAML (and so Ansible) does. */
export const PYYAML_COMPAT = { version: '1.1', customTags: pyyamlTags } as const;

/** Parses YAML text with positions; syntax errors become `yaml-syntax` UserErrors. Inline
 * `!vault` values are decrypted with `vault` (an error with their position without a password). */
export function parseYamlWithPositions(text: string, file: string, vault: Vault = new Vault()) {
  // YAML 1.1 and duplicate keys allowed (last wins): what PyYAML, and so Ansible, does.
  const { doc, lineCounter } = parseYamlDocument(text, file, { ...PYYAML_COMPAT, uniqueKeys: false });
  if (doc.errors.length > 0) {
    throw new UserError(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return {
          code: 'yaml-syntax' as const,
          message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
          location: { file, line: pos.line, col: pos.col },
          hint: 'fix the YAML syntax (indentation, quoting, a missing colon)',
        };
      }),
    );
  }
  const at = (node: unknown): SourceLocation => {
    const range = (node as Node | null)?.range;
    const p = lineCounter.linePos(range ? range[0] : 0);
    return { file, line: p.line, col: p.col };
  };
  if (text.includes('!vault')) {
    visit(doc, {
      Scalar(key, node, path) {
        if (node.tag !== '!vault') return;
        const parent = path[path.length - 1];
        const name = isPair(parent) && isScalar(parent.key) ? `'${String(parent.key.value)}'` : `item ${String(key)}`;
        const plaintext = vault.open(String(node.value), at(node), `the !vault value of ${name}`);
        vault.markRevealed(plaintext);
        // A vaulted value is a string (Ansible's AnsibleVaultEncryptedUnicode), never re-typed.
        node.value = plaintext;
        node.tag = undefined;
      },
    });
  }
  return { doc, at, toJS: () => yamlToJs(doc, file, lineCounter, { mapAsMap: true, maxAliasCount: 1000 }) };
}

/** Converts YAML values (Maps from `mapAsMap`) to what Ansible's JSON shows: plain objects,
 * dates as ISO text. */
export function toPlainValue(value: unknown): unknown {
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[k === null ? 'null' : String(k)] = toPlainValue(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toPlainValue);
  if (Array.isArray(value)) return value.map(toPlainValue);
  return value;
}

/** An inventory plugin file (a mapping with a `plugin` key): handed back to the caller. */
export interface PluginFile {
  data: Map<unknown, unknown>;
  /** Position of the value (or the key, `wantKey`) at a path of keys. */
  locate: (path: unknown[], wantKey?: boolean) => SourceLocation;
}

/** Parses a YAML/JSON inventory `text` (from `file`) into `builder`; a plugin file
 * (`plugin: firebook.fmc`) adds nothing and is returned instead. */
export function parseYamlInventory(text: string, file: string, builder: InventoryBuilder, vault?: Vault): PluginFile | undefined {
  const { doc, at, toJS } = parseYamlWithPositions(text, file, vault);
  // Maps keep key order and key types (a host written as 1 must be rejected, not renamed).
  const data = toJS();
  /** The AST node at a path of keys, for error positions; the nearest ancestor if absent. */
  const locate = (path: unknown[], wantKey = false): SourceLocation => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isSeq(node) && typeof seg === 'number') {
        if (!node.items[seg]) break;
        node = node.items[seg];
        keyNode = undefined;
        continue;
      }
      if (!isMap(node)) break;
      const pair = (node.items as Pair[]).filter((p) => isScalar(p.key) && p.key.value === seg).pop();
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    }
    return at((wantKey && keyNode) || node || keyNode);
  };
  const fail = (path: unknown[], message: string, hint?: string, wantKey = false): never => {
    throw new UserError({ code: 'inventory', message, location: locate(path, wantKey), hint });
  };
  if (data === null || data === undefined || data === '') {
    fail([], 'the YAML inventory is empty', 'start it with `all:` and list hosts under `hosts:`');
  }
  if (!(data instanceof Map)) return fail([], 'a YAML inventory must be a mapping of group names', 'start it with `all:`');
  // Ansible's auto plugin: a mapping with a `plugin` key configures an inventory plugin.
  if (data.has('plugin')) return { data, locate };

  const parseGroup = (name: unknown, body: unknown, path: unknown[]): string => {
    if (typeof name !== 'string' || name === '') fail(path, `group name ${JSON.stringify(name)} must be a non-empty string`, 'quote the name', true);
    const group = name as string;
    if (body !== null && body !== undefined && !(body instanceof Map)) {
      fail(path, `group '${group}' must be a mapping with hosts:, children: or vars:`, 'indent the group body under the group name');
    }
    builder.addGroup(group);
    if (!(body instanceof Map)) return group;
    for (const [key, raw] of body) {
      const keyPath = [...path, key];
      if (typeof key !== 'string' || !GROUP_KEYS.includes(key)) {
        const near = typeof key === 'string' ? suggest(key, GROUP_KEYS) : undefined;
        fail(keyPath, `unknown key '${String(key)}' in group '${group}'`, near ? `did you mean '${near}'? (a group may contain ${GROUP_KEYS.join(', ')})` : `a group may only contain ${GROUP_KEYS.join(', ')}`, true);
      }
      if (raw === null || raw === undefined) continue;
      // Ansible accepts `hosts: web1` as shorthand for a one-entry mapping.
      const value = typeof raw === 'string' ? new Map([[raw, null]]) : raw;
      if (!(value instanceof Map)) fail(keyPath, `'${key}' of group '${group}' must be a mapping`, `write '${key}:' followed by indented 'name:' entries`);
      for (const [k, v] of value as Map<unknown, unknown>) {
        const itemPath = [...keyPath, k];
        if (key === 'vars') {
          try {
            builder.setGroupVar(group, String(k), toPlainValue(v));
          } catch (err) {
            fail(itemPath, (err as Error).message);
          }
        } else if (key === 'children') {
          const child = parseGroup(k, v, itemPath);
          if (builder.hosts.has(child)) fail(itemPath, `'${child}' is both a host and a group`, 'rename the host or the group', true);
          try {
            builder.addChild(group, child);
          } catch (err) {
            fail(itemPath, (err as Error).message, 'a group cannot contain one of its own ancestors', true);
          }
        } else {
          if (typeof k !== 'string') fail(itemPath, `host name ${JSON.stringify(k)} must be a string`, 'enclose numbers in quotes', true);
          const entry = k as string;
          let expanded;
          try {
            expanded = expandHostEntry(entry);
          } catch (err) {
            return fail(itemPath, `invalid host '${entry}': ${(err as Error).message}`, 'a range looks like ftd[01:03] or fw[a:c]', true);
          }
          const vars = toPlainValue(v);
          if (vars !== null && vars !== undefined && (typeof vars !== 'object' || Array.isArray(vars))) {
            fail(itemPath, `variables of host '${entry}' must be a mapping`, 'write `key: value` lines indented under the host');
          }
          try {
            for (const h of expanded.hosts) {
              builder.addHost(h, group, expanded.port);
              for (const [vk, vv] of Object.entries((vars ?? {}) as Record<string, unknown>)) builder.setHostVar(h, vk, vv);
            }
          } catch (err) {
            if (err instanceof InventoryGraphError) fail(itemPath, err.message, 'split the fleet into several inventories (one run each), or raise the cap', true);
            throw err;
          }
        }
      }
    }
    return group;
  };

  for (const [k, v] of data) parseGroup(k, v, [k]);
  return undefined;
}
