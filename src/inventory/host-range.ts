/**
 * Host entries as Ansible reads them from an inventory: an optional `:port` suffix and
 * `[01:03]` / `[a:c]` / `[0:10:2]` ranges (ansible/plugins/inventory/__init__.py
 * `expand_hostname_range`, ansible/parsing/utils/addresses.py `parse_address`).
 */

/** Expanded hosts of one entry, and the port given with `host:port` (if any). */
export interface ExpandedHosts {
  hosts: string[];
  port?: number;
}

import { INPUT_LIMITS } from '../io/input-limits.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Splits `name:port` / `[v6]:port` (numeric port only) and expands ranges.
 * Throws an Error (the caller adds the file position) for a malformed range. */
export function expandHostEntry(entry: string): ExpandedHosts {
  let pattern = entry;
  let port: number | undefined;
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(entry);
  const plain = /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/.exec(entry);
  // `[2001:db8::1]:22` — the only way to give an IPv6 address a port.
  if (bracketed && /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/.test(bracketed[1])) {
    pattern = bracketed[1];
    port = Number(bracketed[2]);
  } else if (plain) {
    pattern = plain[1];
    port = Number(plain[2]);
  }
  const hosts = pattern.includes('[') ? expandRanges(pattern) : [pattern];
  return port === undefined ? { hosts } : { hosts, port };
}

/** Expands the first `[x:y(:step)]` range, then recurses for the rest. */
export function expandRanges(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open < 0 || close < 0) throw new Error(`host range in '${line}' has no closing ']'`);
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new Error('host range must be begin:end or begin:end:step');
  const beg = bounds[0] || '0';
  const end = bounds[1];
  const step = bounds.length === 3 ? Number(bounds[2]) : 1;
  if (!end) throw new Error('host range must specify end value');
  if (!Number.isInteger(step) || step <= 0) throw new Error(`host range step must be a positive integer, got '${bounds[2]}'`);
  let width = 0;
  if (beg[0] === '0' && beg.length > 1) {
    width = beg.length;
    if (width !== end.length) throw new Error('host range must specify equal-length begin and end formats');
  }
  const seq: string[] = [];
  const tooMany = () => new Error(`host range expands to more than ${INPUT_LIMITS.maxHostsPerRange} hosts (the limit for one inventory entry)`);
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  if (beg.length === 1 && end.length === 1 && iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new Error('host range must have begin <= end');
    for (let i = iBeg; i <= iEnd; i += step) seq.push(LETTERS[i]);
  } else {
    if (!/^-?\d+$/.test(beg) || !/^-?\d+$/.test(end)) throw new Error(`invalid host range '[${bounds.join(':')}]'`);
    for (let i = Number(beg); i <= Number(end); i += step) {
      if (seq.length >= INPUT_LIMITS.maxHostsPerRange) throw tooMany();
      seq.push(width ? String(i).padStart(width, '0') : String(i));
    }
  }
  const out: string[] = [];
  for (const part of seq) {
    const name = head + part + tail;
    // A loop, not push(...many): a spread of 100,000 arguments overflows the stack.
    if (name.includes('[')) for (const n of expandRanges(name)) out.push(n);
    else out.push(name);
    if (out.length > INPUT_LIMITS.maxHostsPerRange) throw tooMany();
  }
  return out;
}
