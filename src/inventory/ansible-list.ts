/**
 * The views `ansible-inventory` prints: `--list` (JSON) and `--graph` (a tree), built from a
 * loaded Inventory so the two tools can be compared byte for byte (modulo indentation).
 */
import type { Inventory } from '../model/inventory.js';
import { UserError } from '../model/errors.js';
import { redactVars } from '../model/redact.js';
import { hostsOfGroup } from './select.js';

/** Options for {@link toAnsibleList}. */
export interface AnsibleListOptions {
  /** Print secret variables (passwords, passphrases, tokens) instead of REDACTED. */
  showSecrets: boolean;
  /** Only these hosts (e.g. from `--limit`); groups left empty disappear, like empty groups do. */
  onlyHosts?: ReadonlySet<string>;
}

/** One group in `ansible-inventory --list` output. */
export interface AnsibleListGroup {
  hosts?: string[];
  children?: string[];
}

/** The whole `ansible-inventory --list` document. */
export type AnsibleList = { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, AnsibleListGroup | { hostvars: Record<string, Record<string, unknown>> }>;

/** Sorts object keys recursively, as ansible-inventory's `json.dumps(sort_keys=True)`. */
export function sortKeysDeep<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeysDeep) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeysDeep((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}

/** A host's variables as `firebook inventory` shows them: secret-named values (any depth) and
 * known secret values (`secretValues`, e.g. vaulted ones) become REDACTED (model/redact.ts). */
export function redactHostVars(vars: Record<string, unknown>, secretValues: readonly string[] = []): Record<string, unknown> {
  return redactVars(vars, { secretValues });
}

/** The JSON document `ansible-inventory -i FILE --list` prints (keys sorted). */
export function toAnsibleList(inv: Inventory, opts: AnsibleListOptions): AnsibleList {
  const keep = (h: string) => !opts.onlyHosts || opts.onlyHosts.has(h);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string): void => {
    const g = inv.groups.get(name);
    if (!g) return;
    const entry: AnsibleListGroup = {};
    // ansible-inventory never lists `all`'s own hosts: they are reachable through `ungrouped`.
    if (name !== 'all') {
      const hosts = g.hosts.filter(keep);
      if (hosts.length) entry.hosts = hosts;
    }
    const children: string[] = [];
    for (const c of g.children) {
      children.push(c);
      if (!seen.has(c)) {
        formatGroup(c);
        seen.add(c);
      }
    }
    if (children.length) entry.children = children;
    if (entry.hosts || entry.children) out[name] = entry;
  };
  formatGroup('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const h of hostsOfGroup(inv, 'all')) {
    if (!keep(h)) continue;
    const vars = inv.hosts.get(h)?.vars ?? {};
    if (Object.keys(vars).length === 0) continue;
    hostvars[h] = opts.showSecrets ? vars : redactHostVars(vars, inv.secretValues);
  }
  out._meta = { hostvars };
  return sortKeysDeep(out) as AnsibleList;
}

/**
 * The tree `ansible-inventory --graph [GROUP]` prints: `@group:` lines, child groups before
 * hosts, each level indented with `  |`. `group` defaults to `all`; an unknown group is a
 * UserError (code `inventory`). `onlyHosts` hides other hosts (their groups stay).
 */
export function renderGraph(inv: Inventory, group = 'all', onlyHosts?: ReadonlySet<string>): string {
  if (!inv.groups.has(group)) {
    throw new UserError({
      code: 'inventory',
      message: `'${group}' is not a group of ${inv.source}`,
      hint: `--graph takes a group name; groups: ${[...inv.groups.keys()].join(', ')}`,
    });
  }
  const lines: string[] = [];
  const label = (name: string, depth: number) => (depth ? `${'  |'.repeat(depth)}--${name}` : name);
  const walk = (name: string, depth: number): void => {
    lines.push(label(`@${name}:`, depth));
    const g = inv.groups.get(name)!;
    for (const c of g.children) walk(c, depth + 1);
    if (name !== 'all') for (const h of g.hosts) if (!onlyHosts || onlyHosts.has(h)) lines.push(label(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}
