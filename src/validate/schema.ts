/** JSON Schema validation (ajv, draft 2020-12) with errors rewritten as sentences at file:line:col.
 * A built firebook loads validators precompiled by scripts/build-validators.mjs (ajv's standalone
 * code), so a run neither loads ajv's compiler nor compiles a schema at start-up. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv2020, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { UserIssue } from '../model/errors.js';
import type { SourceLocation } from '../model/playbook.js';
import { suggest } from '../model/suggest.js';
import { getPath } from '../model/dotted-path.js';
import { packagePath } from '../io/package-files.js';

const require = createRequire(import.meta.url);
const schemaCache = new Map<string, ValidateFunction>();

/** The options every schema is compiled with, at run time and by scripts/build-validators.mjs. */
export const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** What a validator is compiled from: the options and the schema's text. */
export function schemaFingerprint(schemaText: string): string {
  return createHash('sha256').update(JSON.stringify(AJV_OPTIONS)).update('\0').update(schemaText).digest('hex');
}

/** Where the build writes the precompiled validator of `schemas/<name>.schema.json`: beside the
 * built schema.js, so only dist/ has one (vitest, running src/, compiles at run time). */
export function compiledValidatorPath(name: string): string {
  return fileURLToPath(new URL(`./compiled/${name}.cjs`, import.meta.url));
}

/** An ajv instance with AJV_OPTIONS (plus `extra`), loaded only when a schema must be compiled. */
export function createAjv(extra: Record<string, unknown> = {}): Ajv2020 {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new Ajv2020({ ...AJV_OPTIONS, ...extra });
}

/** The validator of a published schema (`schemas/<name>.schema.json`): the precompiled one when it
 * was built from this very schema text and options, else compiled now. */
export function schemaValidator(name: string): ValidateFunction {
  let v = schemaCache.get(name);
  if (!v) {
    const text = readFileSync(packagePath(`schemas/${name}.schema.json`), 'utf8');
    v = precompiledValidator(name, text) ?? createAjv().compile(JSON.parse(text));
    schemaCache.set(name, v);
  }
  return v;
}

/** The built validator of `name`, if it was built from `schemaText` with AJV_OPTIONS. */
export function precompiledValidator(name: string, schemaText: string): ValidateFunction | undefined {
  const file = compiledValidatorPath(name);
  if (!existsSync(file)) return undefined;
  const built = require(file) as { fingerprint?: string; validate?: ValidateFunction };
  // A schema edited since the build (or other options) must never meet a stale validator.
  return built.fingerprint === schemaFingerprint(schemaText) ? built.validate : undefined;
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

function describe(e: ErrorObject, root: unknown): { message: string; hint?: string; key?: string; code: UserIssue['code'] } {
  const where = humanPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      const guess = suggest(key, allowed);
      const option = /\/parse\/options$/.test(e.instancePath);
      const parser = option ? `'${String(getPath(root, [...e.instancePath.split('/').slice(1, -1), 'parser']))}'` : '';
      return {
        code: 'unknown-key',
        key,
        message: option ? `unknown option '${key}' of parser ${parser} in ${where}` : `unknown key '${key}' in ${where}`,
        hint: option && allowed.length === 0 ? `parser ${parser} takes no options` : `${guess ? `did you mean '${guess}'? ` : ''}allowed ${option ? 'options' : 'keys'}: ${allowed.join(', ')}`,
      };
    }
    case 'required':
      return { code: 'schema', message: `${where} is missing the required key '${String(p.missingProperty)}'` };
    case 'type':
      return { code: 'schema', message: `${where} must be ${String(p.type).replace(',', ' or ')}, not ${typeName(e.data)}` };
    case 'enum':
      return { code: 'schema', message: `${where} must be one of: ${(p.allowedValues as unknown[]).join(', ')}`, hint: [suggestEnum(e), (e.parentSchema as { description?: string })?.description].filter(Boolean).join(' ') || undefined };
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

/** Of the branches of a failed `oneOf`, keeps the errors of the one the value was meant for: the
 * branch with the fewest errors about the value's own shape (its keys and type, not what is
 * inside them) when one branch has fewer than all others. `{parser: connector-log, options:
 * {windw_minutes: 60}}` is then a bad option of the parser branch, not also a missing `regex`. */
function intendedBranches(errors: ErrorObject[]): ErrorObject[] {
  let kept = errors;
  for (const one of errors.filter((e) => e.keyword === 'oneOf')) {
    const prefix = `${one.schemaPath}/`;
    const inside = (e: ErrorObject) => e.schemaPath.startsWith(prefix) && (e.instancePath === one.instancePath || e.instancePath.startsWith(`${one.instancePath}/`));
    const shape = new Map<string, number>();
    for (const e of kept.filter(inside)) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0];
      shape.set(branch, (shape.get(branch) ?? 0) + (e.instancePath === one.instancePath ? 1 : 0));
    }
    const fewest = Math.min(...shape.values());
    const best = [...shape].filter(([, n]) => n === fewest);
    if (best.length !== 1) continue;
    kept = kept.filter((e) => !inside(e) || e.schemaPath.startsWith(`${prefix}${best[0][0]}/`));
  }
  return kept;
}

/** Drops the noise ajv produces for `oneOf` branches when a more specific error exists below, and
 * the `if` wrapper of a `then` that failed (the failure itself says what is wrong). */
function pruneErrors(all: ErrorObject[]): ErrorObject[] {
  const errors = intendedBranches(all).filter((e) => e.keyword !== 'if');
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

/** A parsed document that can say where a JSON pointer stands (load/yaml-source.ts gives one). */
export interface LocatedDocument {
  readonly value: unknown;
  locate(pointer: string, opts?: { key?: boolean; offset?: number }): SourceLocation;
}

/** Validates `source.value` against a schema; returns issues located in the source. */
export function validateAgainstSchema(name: string, source: LocatedDocument): UserIssue[] {
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
    const d = describe(e, source.value);
    const pointer = d.key !== undefined ? `${e.instancePath}/${d.key}` : e.instancePath;
    return { code: d.code, message: d.message, hint: d.hint, location: source.locate(pointer, { key: d.key !== undefined }) };
  });
}
