/** Validation of variable values against their declared type (`inputs:` in a playbook). The
 * same type predicates as the command gate (value-types.ts): one meaning per type name. */
import type { VarDeclaration } from '../model/playbook.js';
import { suggest } from '../model/suggest.js';
import { isOfType, type BaseType } from './value-types.js';

const NOUN: Record<BaseType, string> = {
  string: 'string',
  ip: 'IPv4 or IPv6 address',
  hostname: 'valid host name (RFC 1123: letters, digits, inner hyphens, dot-separated labels)',
  port: 'port number (1-65535)',
  integer: 'integer',
  path: 'file path (letters, digits and . _ / @ + = , : % ~ -)',
  url: 'http:// or https:// URL',
  word: 'plain word (letters, digits and . _ : / @ , = + % ^ -)',
};

function asInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function checkScalar(kind: BaseType, value: unknown, show: string): string | undefined {
  if (kind === 'port' || kind === 'integer') {
    const n = asInteger(value);
    const ok = n !== undefined && (kind === 'integer' || (n >= 1 && n <= 65535));
    return ok ? undefined : `${show} is not ${kind === 'port' ? 'a port number (1-65535)' : 'an integer'}`;
  }
  if (typeof value !== 'string') return `must be a ${kind === 'string' ? 'string' : NOUN[kind].split(' (')[0]}, got ${typeof value}`;
  if (kind === 'string' || isOfType(kind, value)) return undefined;
  return `${show} is not ${/^[aeiou]/i.test(NOUN[kind]) ? 'an' : 'a'} ${NOUN[kind]}`;
}

/** The choice a value of an input with `choices` means: an alias (`apjc`) is replaced by its
 * choice (`apj`); anything else is returned as it is (docs/playbooks.md "Variables and inputs"). */
export function canonicalChoice(decl: VarDeclaration | undefined, value: unknown): unknown {
  if (typeof value !== 'string' || !decl?.aliases || !decl.choices) return value;
  return Object.prototype.hasOwnProperty.call(decl.aliases, value) ? decl.aliases[value] : value;
}

/** Why a value is not one of the choices (or an alias of one): the accepted values, and the
 * nearest of them for a near miss (never for a secret). */
function choiceProblem(decl: VarDeclaration, choices: string[], value: unknown, show: string): string | undefined {
  const choice = canonicalChoice(decl, value);
  if (typeof choice === 'string' && choices.includes(choice)) return undefined;
  const aliases = Object.entries(decl.aliases ?? {}).filter(([, c]) => choices.includes(c));
  const accepted = `${choices.join(', ')}${aliases.length > 0 ? ` (or ${aliases.map(([a, c]) => `${a} for ${c}`).join(', ')})` : ''}`;
  const guess = typeof value === 'string' && !decl.secret ? suggest(value, [...choices, ...aliases.map(([a]) => a)]) : undefined;
  return `${show} is not one of ${accepted}${guess !== undefined ? `; did you mean '${guess}'?` : ''}`;
}

/**
 * Checks a value against a declaration. Returns an error message (without the value when the
 * variable is secret) or undefined. Lists may be given as arrays or comma-separated strings.
 */
export function validateVarValue(decl: VarDeclaration, value: unknown): string | undefined {
  const show = (v: unknown) => (decl.secret ? 'the value' : JSON.stringify(v));
  const type = decl.type as string;
  if (type.endsWith('-list')) {
    const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
    if (!Array.isArray(items)) return `must be a list (YAML list or comma-separated string), got ${typeof value}`;
    const kind = type.slice(0, -'-list'.length) as BaseType;
    for (let i = 0; i < items.length; i++) {
      const problem = checkScalar(kind, items[i], show(items[i]));
      if (problem) return `item ${i + 1}: ${problem}`;
    }
    return undefined;
  }
  if (!(NOUN as Record<string, string>)[type]) return `unknown variable type ${JSON.stringify(type)}`;
  if (type === 'string' && decl.choices) return choiceProblem(decl, decl.choices, value, show(value));
  return checkScalar(type as BaseType, value, show(value));
}
