/**
 * The type of each command hole, from the playbook alone (so it is the same on every host):
 * an input's declared type; else the type of the value the playbook declares in `vars` /
 * `platform_vars` (a path stays a path when `-e` overrides it); else `value`.
 * `{{item}}` takes the element type of its step's `loop:`. See docs/commands.md.
 */
import type { CollectStep, PlaybookSpec } from '../model/playbook.js';
import { BASE_TYPES, isOfType, type BaseType, type HoleType, type HoleTypeOf } from './value-types.js';

/** Reads a declared value's type: `/ngfw/x` → path, `https://…` → url, `a.b.c` → hostname. */
export function inferHoleType(value: unknown): HoleType {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? 'integer' : 'value';
  if (typeof value === 'string') {
    if (value === '') return 'value';
    if (isOfType('ip', value)) return 'ip';
    if (isOfType('url', value)) return 'url';
    if (value.startsWith('/') && isOfType('path', value)) return 'path';
    if (value.includes('.') && isOfType('hostname', value)) return 'hostname';
    if (isOfType('word', value)) return 'word';
    return 'string';
  }
  if (Array.isArray(value) && value.length > 0) {
    const types = new Set(value.map(inferHoleType));
    const [only] = types;
    return types.size === 1 && (BASE_TYPES as readonly string[]).includes(only) ? (`${only as BaseType}-list` as HoleType) : 'value';
  }
  return 'value';
}

/** The element type of a list type (`ip-list` → ip); `value` otherwise. */
export function elementType(t: HoleType): HoleType {
  return t.endsWith('-list') ? (t.slice(0, -'-list'.length) as HoleType) : 'value';
}

/** The variable path a `loop:` names (`sse_endpoints`, `{{vars.x}}`), or undefined for a literal list. */
export function loopPath(loop: CollectStep['loop']): string | undefined {
  return typeof loop === 'string' ? loop.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '') : undefined;
}

const CACHE = new WeakMap<PlaybookSpec, (path: string) => HoleType>();

/** Hole types of a playbook's variables (`name` and `vars.name`). */
export function variableHoleTypes(spec: PlaybookSpec): (path: string) => HoleType {
  let f = CACHE.get(spec);
  if (f) return f;
  const declared = new Map<string, HoleType>();
  // vars_by_input blocks declare no type: each choice's value counts (a url-list in every
  // region stays a url-list when -e overrides it).
  const byInput = Object.values(spec.vars_by_input ?? {}).flatMap((blocks) => Object.values(blocks ?? {}));
  const sources = [spec.vars ?? {}, ...Object.values(spec.platform_vars ?? {}), ...byInput];
  for (const src of sources) {
    for (const [k, v] of Object.entries(src ?? {})) {
      const t = inferHoleType(v);
      const before = declared.get(k);
      declared.set(k, before === undefined || before === t ? t : 'value');
    }
  }
  for (const [k, d] of Object.entries(spec.inputs ?? {})) declared.set(k, d.type as HoleType);
  f = (path: string) => {
    const name = path.startsWith('vars.') ? path.slice('vars.'.length) : path;
    return declared.get(name) ?? 'value';
  };
  CACHE.set(spec, f);
  return f;
}

/** The hole types for one step: `item` from its loop, the rest from the playbook. */
export function stepHoleTypes(spec: PlaybookSpec, step?: Pick<CollectStep, 'loop'>): HoleTypeOf {
  const vars = variableHoleTypes(spec);
  const item: HoleType = step?.loop === undefined ? 'value' : Array.isArray(step.loop) ? elementType(inferHoleType(step.loop)) : elementType(vars(loopPath(step.loop)!));
  return (path) => (path === 'item' ? item : vars(path));
}
