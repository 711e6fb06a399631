/**
 * Ansible's INI inventory format, read line by line as ansible/plugins/inventory/ini.py does:
 * `[group]` host lines (`host[01:03]:port key=value ...`, split like a shell), `[group:vars]`
 * `key = value` lines, `[group:children]` lists, `#`/`;` comment lines. Every value goes
 * through Python-literal typing (see python-literal.ts); a `[g:children]` section may name a
 * group defined further down, and an undefined one is an error at the end.
 */
import { UserError } from '../model/errors.js';
import { isSecretName, redact } from '../model/redact.js';
import { InventoryBuilder, InventoryGraphError } from './builder.js';
import { expandHostEntry } from './host-range.js';
import { parsePythonLiteral } from './python-literal.js';
import { ShlexError, splitShellWords } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Types an INI value: a Python literal when it is one, else the text unchanged. */
export function typeIniValue(text: string): unknown {
  const r = parsePythonLiteral(text);
  return r.ok ? r.value : text;
}

interface Pending {
  line: number;
  col: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** What follows the first secret-named `key=` (or `key = `, or the mistaken `key:`) of a line,
 * whole and word by word: an error message never quotes it, even when the line cannot be split
 * (an unclosed quote). */
function secretTail(line: string): string[] {
  for (const m of line.matchAll(/(?:^|\s)([^\s=:]+)\s*[=:]/g)) {
    if (!isSecretName(m[1])) continue;
    const tail = line.slice(m.index + m[0].length).trim();
    return tail ? [tail, ...tail.split(/\s+/)] : [];
  }
  return [];
}

/** Parses INI inventory `text` (from `file`) into `builder`. Throws UserError code `inventory`. */
export function parseIniInventory(text: string, file: string, builder: InventoryBuilder): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    const lineNo = i + 1;
    const col = raw.length - raw.trimStart().length + 1;
    const fail = (message: string, hint?: string, atCol = col): never => {
      throw new UserError({ code: 'inventory', message: redact(message, secretTail(line)), location: { file, line: lineNo, col: atCol }, hint });
    };
    if (!line || line[0] === '#' || line[0] === ';') continue;
    const m = SECTION.exec(line);
    if (m) {
      group = m[1];
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        fail(`section [${m[1]}:${kind}] has unknown type '${kind}'`, 'a section is [group], [group:vars] or [group:children]');
      }
      state = kind as typeof state;
      const isVars = kind === 'vars';
      if (!builder.groups.has(group)) {
        if (isVars && !pending.has(group)) pending.set(group, { line: lineNo, col, state: 'vars', parents: [] });
        builder.addGroup(group);
      }
      const p = pending.get(group);
      if (p && !isVars) {
        if (p.state === 'children') attachPending(group, pending, builder, file);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`invalid section entry '${line}'`, 'section names may not contain spaces or other invalid characters');
    }
    if (state === 'hosts') {
      let words: string[];
      try {
        words = splitShellWords(line);
      } catch (err) {
        if (!(err instanceof ShlexError)) throw err;
        return fail(`cannot parse host line '${line}': ${err.message}`, 'close the quote or escape it with a backslash');
      }
      if (words.length === 0) continue;
      const entry = words[0];
      if (entry.trim() === '---') fail("invalid host '---'", 'this looks like a YAML file; name it .yml or .yaml');
      if (entry.endsWith(':')) fail(`invalid host '${entry}': a trailing ':' is reserved for a port`, 'write host:PORT or drop the colon');
      let expanded;
      try {
        expanded = expandHostEntry(entry);
      } catch (err) {
        return fail(`invalid host '${entry}': ${(err as Error).message}`, 'a range looks like ftd[01:03] or fw[a:c]');
      }
      const vars: [string, unknown][] = [];
      for (const w of words.slice(1)) {
        const eq = w.indexOf('=');
        if (eq < 0) {
          const at = raw.indexOf(w);
          fail(`expected key=value host variable, got '${w}'`, 'host variables are written key=value after the host name', at >= 0 ? at + 1 : col);
        }
        vars.push([w.slice(0, eq), typeIniValue(w.slice(eq + 1))]);
      }
      try {
        for (const h of expanded.hosts) {
          builder.addHost(h, group, expanded.port);
          for (const [k, v] of vars) builder.setHostVar(h, k, v);
        }
      } catch (err) {
        if (err instanceof InventoryGraphError) fail(err.message, 'split the fleet into several inventories (one run each), or raise the cap');
        throw err;
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`expected key=value in [${group}:vars], got '${line}'`, 'write one variable per line as key=value');
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      try {
        builder.setGroupVar(group, key, typeIniValue(value));
      } catch (err) {
        fail((err as Error).message);
      }
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) return fail(`expected a group name in [${group}:children], got '${line}'`, 'list one child group per line');
      const child = gm[1];
      if (!builder.groups.has(child)) {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineNo, col, state: 'children', parents: [group] });
      } else {
        try {
          builder.addChild(group, child);
        } catch (err) {
          fail((err as Error).message, 'a group cannot contain one of its own ancestors');
        }
      }
    }
  }
  for (const [name, p] of pending) {
    const location = { file, line: p.line, col: p.col };
    if (p.state === 'vars') {
      throw new UserError({ code: 'inventory', message: `section [${name}:vars] is for an undefined group '${name}'`, location, hint: `add a [${name}] or [${name}:children] section, or fix the spelling` });
    }
    throw new UserError({ code: 'inventory', message: `section [${p.parents[p.parents.length - 1]}:children] includes undefined group '${name}'`, location, hint: `add a [${name}] section (it may be empty), or fix the spelling` });
  }
}

function attachPending(group: string, pending: Map<string, Pending>, builder: InventoryBuilder, file: string): void {
  const p = pending.get(group)!;
  for (const parent of p.parents) {
    try {
      builder.addChild(parent, group);
    } catch (err) {
      throw new UserError({ code: 'inventory', message: (err as Error).message, location: { file, line: p.line, col: p.col } });
    }
    const pp = pending.get(parent);
    if (pp && pp.state === 'children') attachPending(parent, pending, builder, file);
  }
  pending.delete(group);
}
