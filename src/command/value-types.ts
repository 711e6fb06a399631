/** The value types of the command language and their predicates: one meaning per type name,
 * shared by the gate (gate.ts) and input validation (var-value.ts). See docs/commands.md. */
import { isIP } from 'node:net';

/** What a hole accepts. `value` (the default) is any text, number or a list of them. */
export const BASE_TYPES = ['ip', 'hostname', 'port', 'integer', 'path', 'url', 'word', 'string'] as const;
export type BaseType = (typeof BASE_TYPES)[number];
export type HoleType = BaseType | `${BaseType}-list` | 'value';

/** Resolves the type of a hole path (`dns_servers`, `vars.x`, `item`). */
export type HoleTypeOf = (path: string) => HoleType;

const PATH = /^[A-Za-z0-9._/@+=,:%~-]+$/;
const WORD = /^[A-Za-z0-9._:/@,=+%^-]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, ≤ 253 chars. */
export function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

function isUrl(s: string): boolean {
  if (/\s/.test(s)) return false;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function isInteger(s: string): boolean {
  return /^\d+$/.test(s) && Number.isSafeInteger(Number(s));
}

/** Whether a string is of a base type (after it became a string). */
export function isOfType(base: BaseType | 'value', s: string): boolean {
  switch (base) {
    case 'ip':
      return isIP(s) !== 0;
    case 'hostname':
      return isHostname(s);
    case 'port':
      return isInteger(s) && Number(s) >= 1 && Number(s) <= 65535;
    case 'integer':
      return isInteger(s);
    case 'path':
      return PATH.test(s);
    case 'url':
      return isUrl(s);
    case 'word':
      return WORD.test(s);
    default:
      return true;
  }
}

