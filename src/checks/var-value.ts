/** Validation of variable values against their declared type (`inputs:` in a playbook). */
import { isIP } from 'node:net';
import type { VarDeclaration } from '../model/playbook.js';

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, ≤ 253 chars. */
export function isHostname(value: string): boolean {
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l));
}

function asInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function checkScalar(kind: 'string' | 'ip' | 'hostname', value: unknown, show: string): string | undefined {
  if (typeof value !== 'string') return `must be a ${kind === 'string' ? 'string' : kind === 'ip' ? 'IP address' : 'host name'}, got ${typeof value}`;
  if (kind === 'ip' && isIP(value) === 0) return `${show} is not an IPv4 or IPv6 address`;
  if (kind === 'hostname' && !isHostname(value)) return `${show} is not a valid host name (RFC 1123: letters, digits, inner hyphens, dot-separated labels)`;
  return undefined;
}

/**
 * Checks a value against a declaration. Returns an error message (without the value when the
 * variable is secret) or undefined. Lists may be given as arrays or comma-separated strings.
 */
export function validateVarValue(decl: VarDeclaration, value: unknown): string | undefined {
  const show = (v: unknown) => (decl.secret ? 'the value' : JSON.stringify(v));
  switch (decl.type) {
    case 'string':
      if (decl.choices && !(typeof value === 'string' && decl.choices.includes(value))) return `${show(value)} is not one of ${decl.choices.join(', ')}`;
      return checkScalar(decl.type, value, show(value));
    case 'ip':
    case 'hostname':
      return checkScalar(decl.type, value, show(value));
    case 'port': {
      const n = asInteger(value);
      return n !== undefined && n >= 1 && n <= 65535 ? undefined : `${show(value)} is not a port number (1-65535)`;
    }
    case 'integer':
      return asInteger(value) !== undefined ? undefined : `${show(value)} is not an integer`;
    case 'ip-list':
    case 'hostname-list':
    case 'string-list': {
      const items = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s !== '') : value;
      if (!Array.isArray(items)) return `must be a list (YAML list or comma-separated string), got ${typeof value}`;
      const kind = decl.type === 'ip-list' ? 'ip' : decl.type === 'hostname-list' ? 'hostname' : 'string';
      for (let i = 0; i < items.length; i++) {
        const problem = checkScalar(kind, items[i], show(items[i]));
        if (problem) return `item ${i + 1}: ${problem}`;
      }
      return undefined;
    }
    default:
      return `unknown variable type ${JSON.stringify((decl as { type: unknown }).type)}`;
  }
}
