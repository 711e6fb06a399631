/**
 * Host patterns (`hosts:` in a play, `--limit`) with Ansible's semantics
 * (ansible/inventory/manager.py): `a,b` or `a:b` unions, `&g` intersections, `!g` exclusions
 * — applied unions first, then intersections, then exclusions, whatever order they are
 * written in — plus `all`/`*`, globs (`lab*`, `ftd0?`, `fw[12]`), `~regex` (anchored at the
 * start, as Python's re.match) and `group[0]` / `group[1:3]` subscripts.
 */
import type { Inventory } from '../model/inventory.js';
import { UserError } from '../model/errors.js';

/** Splits a pattern string into single patterns, as Ansible's split_host_pattern(). */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (/^[^:\s]+:\d+$/.test(pattern.trim()) || isIpv6Like(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function isIpv6Like(text: string): boolean {
  return /^\[?[0-9a-fA-F:.[\]]*\]?$/.test(text) && (text.match(/:/g) ?? []).length >= 2;
}

/** Translates a shell glob to an anchored RegExp, as Python's fnmatch.translate(). */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = '^' + body.slice(1);
      else if (body.startsWith('^')) body = '\\' + body;
      out += `[${body}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

function compileMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.startsWith('~')) {
    const re = globToRegExp(pattern);
    return (name) => re.test(name);
  }
  let re: RegExp;
  try {
    // Python's named groups `(?P<n>...)` are `(?<n>...)` in JavaScript.
    re = new RegExp(pattern.slice(1).replace(/\(\?P</g, '(?<'), 'y');
  } catch (err) {
    throw new UserError({
      code: 'inventory',
      message: `invalid host pattern '${pattern}': ${(err as Error).message}`,
      hint: "a regex pattern is '~' followed by a regular expression, e.g. '~ftd0[12]'",
    });
  }
  return (name) => {
    re.lastIndex = 0;
    return re.test(name);
  };
}

/** Hosts of a group and all its descendants, breadth-first, without duplicates. */
export function hostsOfGroup(inv: Inventory, group: string): string[] {
  const order = [group];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    for (const c of inv.groups.get(order[i])?.children ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        order.push(c);
      }
    }
  }
  const out: string[] = [];
  const seenHosts = new Set<string>();
  for (const g of order) {
    for (const h of inv.groups.get(g)?.hosts ?? []) {
      if (!seenHosts.has(h)) {
        seenHosts.add(h);
        out.push(h);
      }
    }
  }
  return out;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function matchOnePattern(inv: Inventory, raw: string): string[] {
  let pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
  let subscript: [number, number | undefined] | undefined;
  const m = pattern.startsWith('~') ? null : SUBSCRIPT.exec(pattern);
  if (m) {
    pattern = m[1];
    subscript = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
  }
  if (!pattern) return [];
  const matches = compileMatcher(pattern);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter(matches);
  // Loops, never push(...list): a spread of 100,000 hosts overflows the stack.
  for (const g of groups) for (const h of hostsOfGroup(inv, g)) results.push(h);
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    for (const h of inv.hosts.keys()) if (matches(h)) results.push(h);
  }
  if (!subscript || results.length === 0) return results;
  const [start, end] = subscript;
  if (end === undefined) {
    const idx = start < 0 ? results.length + start : start;
    return idx >= 0 && idx < results.length ? [results[idx]] : [];
  }
  return results.slice(start, (end === -1 ? results.length - 1 : end) + 1);
}

/**
 * Names of the hosts that `pattern` selects, in Ansible's order (the order in which the union
 * patterns enumerate them, each group's hosts in inventory order). A pattern that matches
 * nothing gives [] — callers decide whether that is an error.
 */
export function selectHosts(inv: Inventory, pattern: string): string[] {
  const parts = splitHostPattern(pattern);
  const regular = parts.filter((p) => p[0] !== '&' && p[0] !== '!');
  const ordered = [
    ...(regular.length ? regular : ['all']),
    ...parts.filter((p) => p[0] === '&'),
    ...parts.filter((p) => p[0] === '!'),
  ];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inv.hosts.has(p)) {
      hosts.push(p);
      continue;
    }
    const that = matchOnePattern(inv, p);
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const existing = new Set(hosts);
      for (const h of that) if (!existing.has(h)) hosts.push(h);
    }
  }
  return [...new Set(hosts)];
}
