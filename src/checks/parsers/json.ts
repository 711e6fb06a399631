/** `json`: a JSON answer (an `api:` step's evidence, docs/playbooks.md "API steps") as fields.
 * Without options: the top-level keys of the object, plus `item_count` when it has an `items`
 * list. `options.fields` picks values by field path — names and list indexes joined by dots,
 * `*` for every element of a list (the field is then a list) — optionally only the elements
 * whose own fields equal (`where`) or differ from (`where_not`) given values. Declarative:
 * no expression is evaluated. Only an object's own properties are read. */
import type { FieldValue } from '../../model/result.js';
import type { ParseResult } from './types.js';

type FieldSpec = string | { path: string; where?: Record<string, unknown>; where_not?: Record<string, unknown> };

const SCALAR = { type: ['string', 'number', 'boolean'] };
const PATH = { type: 'string', pattern: '^[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_*-]+)*$' };
const MATCH = { type: 'object', additionalProperties: SCALAR, propertyNames: { pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' } };

/** The options of `json` (JSON Schema; the playbook schema applies the same). */
export const JSON_OPTIONS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    fields: {
      type: 'object',
      propertyNames: { pattern: '^[a-z_][a-z0-9_]*$' },
      additionalProperties: {
        oneOf: [PATH, { type: 'object', additionalProperties: false, required: ['path'], properties: { path: PATH, where: MATCH, where_not: MATCH } }],
      },
    },
  },
} as const;

const own = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);

function read(v: unknown, parts: string[]): unknown {
  for (const p of parts) v = own(v, p);
  return v;
}

function matches(item: unknown, m: Record<string, unknown> | undefined, want: boolean): boolean {
  if (!m) return true;
  const all = Object.entries(m).every(([k, v]) => read(item, k.split('.')) === v);
  return want ? all : !Object.entries(m).some(([k, v]) => read(item, k.split('.')) === v);
}

/** Values at `path`; `*` fans out (filtered by where/where_not at the first `*`). */
function pick(root: unknown, spec: FieldSpec): unknown {
  const { path, where, where_not } = typeof spec === 'string' ? { path: spec } : spec;
  const parts = path.split('.');
  const star = parts.indexOf('*');
  if (star < 0) return read(root, parts);
  const list = read(root, parts.slice(0, star));
  if (!Array.isArray(list)) return undefined;
  const rest = parts.slice(star + 1);
  const out: unknown[] = [];
  for (const item of list) {
    if (!matches(item, where, true) || !matches(item, where_not, false)) continue;
    const v = rest.includes('*') ? pick(item, rest.join('.')) : read(item, rest);
    if (Array.isArray(v) && rest.includes('*')) out.push(...v);
    else if (v !== undefined) out.push(v);
  }
  return out;
}

/** A JSON value as a field: scalars as they are; a list keeps its strings and numbers, booleans
 * as `true`/`false` text; objects (and lists of them) are not fields (pick inside them). */
function asField(v: unknown): FieldValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (!Array.isArray(v)) return undefined;
  const out: Array<string | number> = [];
  for (const e of v) {
    if (typeof e === 'string' || typeof e === 'number') out.push(e);
    else if (typeof e === 'boolean') out.push(String(e));
    else if (e === null) out.push('null');
    else return undefined;
  }
  return out;
}

export function parseJson(output: string, _exit: number | null, options?: Record<string, unknown>): ParseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(output);
  } catch {
    return { fields: {}, error: `not JSON (${output.length} characters)` };
  }
  const fields: Record<string, FieldValue> = {};
  const spec = options?.fields as Record<string, FieldSpec> | undefined;
  if (spec) {
    for (const [name, s] of Object.entries(spec)) {
      const v = asField(pick(doc, s));
      if (v !== undefined) fields[name] = v;
    }
    return { fields };
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const k of Object.keys(doc)) {
      const v = asField((doc as Record<string, unknown>)[k]);
      if (v !== undefined) fields[k] = v;
    }
    const items = own(doc, 'items');
    if (Array.isArray(items)) fields.item_count = items.length;
  }
  return { fields };
}
