/** JSON Schema validation (ajv, draft 2020-12) with errors rewritten as sentences at file:line:col. */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { UserIssue } from '../model/errors.js';
import type { YamlSource } from '../load/yaml-source.js';
import { suggest } from '../model/suggest.js';
import { packagePath } from '../model/package-files.js';

const schemaCache = new Map<string, ValidateFunction>();

/** Loads and compiles a published schema from `schemas/<name>.schema.json`. */
export function schemaValidator(name: string): ValidateFunction {
  let v = schemaCache.get(name);
  if (!v) {
    const text = readFileSync(packagePath(`schemas/${name}.schema.json`), 'utf8');
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    v = ajv.compile(JSON.parse(text));
    schemaCache.set(name, v);
  }
  return v;
}

/** Human path: `/checks/3/expect/0` → `checks[3].expect[0]`. */
export function humanPath(pointer: string): string {
  const out = pointer
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('');
  return out.startsWith('.') ? out.slice(1) : out || '(top level)';
}

function describe(e: ErrorObject): { message: string; hint?: string; key?: string; code: UserIssue['code'] } {
  const where = humanPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = suggest(key, allowed);
      return {
        code: 'unknown-key',
        key,
        message: `unknown key '${key}' in ${where}`,
        hint: `${guess ? `did you mean '${guess}'? ` : ''}allowed keys: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { code: 'schema', message: `${where} is missing the required key '${String(p.missingProperty)}'` };
    case 'type':
      return { code: 'schema', message: `${where} must be ${String(p.type).replace(',', ' or ')}, not ${typeName(e.data)}` };
    case 'enum':
      return { code: 'schema', message: `${where} must be one of: ${(p.allowedValues as unknown[]).join(', ')}`, hint: suggestEnum(e) };
    case 'pattern':
      return { code: 'schema', message: `${where} '${String(e.data)}' does not match ${String(p.pattern)}`, hint: (e.parentSchema as { description?: string })?.description };
    case 'minItems':
      return { code: 'schema', message: `${where} must have at least ${String(p.limit)} item(s)` };
    default:
      return { code: 'schema', message: `${where} ${e.message ?? 'is invalid'}` };
  }
}

function suggestEnum(e: ErrorObject): string | undefined {
  const allowed = ((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(String);
  const guess = typeof e.data === 'string' ? suggest(e.data, allowed) : undefined;
  return guess ? `did you mean '${guess}'?` : undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** Drops the noise ajv produces for `oneOf` branches when a more specific error exists below. */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf');
  // For oneOf between a string and an object, the "must be string" branch error is noise when the
  // value is an object (and vice versa).
  const filtered = specific.filter(
    (e) => !(e.keyword === 'type' && specific.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'type')),
  );
  const out = filtered.length > 0 ? filtered : errors;
  const seen = new Set<string>();
  return out.filter((e) => {
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    return seen.has(k) ? false : (seen.add(k), true);
  });
}

/** Validates `source.value` against a schema; returns issues located in the source. */
export function validateAgainstSchema(name: string, source: YamlSource): UserIssue[] {
  const validate = schemaValidator(name);
  if (validate(source.value)) return [];
  const errors = pruneErrors(validate.errors ?? []);
  // A missing key that an unknown key is a typo of: report the typo only ("chekcs" → checks).
  const typoFixes = new Set(
    errors
      .filter((e) => e.keyword === 'additionalProperties')
      .map((e) => `${e.instancePath}|${suggest(String((e.params as { additionalProperty: string }).additionalProperty), Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}))}`),
  );
  const kept = errors.filter((e) => !(e.keyword === 'required' && typoFixes.has(`${e.instancePath}|${String((e.params as { missingProperty: string }).missingProperty)}`)));
  return kept.map((e) => {
    const d = describe(e);
    const pointer = d.key !== undefined ? `${e.instancePath}/${d.key}` : e.instancePath;
    return { code: d.code, message: d.message, hint: d.hint, location: source.locate(pointer, { key: d.key !== undefined }) };
  });
}
