/**
 * Templating for messages (diagnoses, skip reasons): Handlebars in an isolated environment,
 * strict (a missing variable is an error), no HTML escaping (reports escape on output), no
 * prototype access. Commands do NOT use this: they are the command language of
 * command/template.ts, filled only through the gate in command/gate.ts.
 */
import Handlebars from 'handlebars';
import type { LocalizedText } from '../model/playbook.js';
import { getPath } from '../model/dotted-path.js';
import { templateVariables, toTemplateError } from './template-ast.js';

export { templateVariables } from './template-ast.js';

/** Lists in messages read `a, b`; an empty one reads `(none)`. */
class TextList extends Array<unknown> {
  override toString(): string {
    return this.length === 0 ? '(none)' : this.join(', ');
  }
}

// Prepared objects inherit nothing a template could name (`constructor`, `__proto__`), yet still
// convert to a string: Handlebars' strict-mode message does `'"x" not defined in ' + obj`.
const CONTEXT_PROTO: object = Object.freeze(
  Object.create(null, { [Symbol.toPrimitive]: { value: () => '[object]' } }),
);

/** Copies the context into prototype-less objects (lists print as `a, b`). */
function prepare(value: unknown, path: string, seen: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (seen.has(value)) throw new Error(`template context has a cycle at ${path}`);
  seen.add(value);
  try {
    if (Array.isArray(value)) return TextList.from(value.map((v, i) => prepare(v, `${path}[${i}]`, seen)));
    if (value instanceof Date) return value.toISOString();
    const out: Record<string, unknown> = Object.create(CONTEXT_PROTO);
    for (const [k, v] of Object.entries(value)) out[k] = prepare(v, path ? `${path}.${k}` : k, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

function join(list: unknown, sep: unknown): string {
  // Called as `join LIST` the second argument is Handlebars' options object: default separator.
  const separator = typeof sep === 'string' ? sep : ', ';
  const items = Array.isArray(list) ? list : [list];
  return items.map((v) => (v === null || v === undefined ? '' : String(v))).join(separator);
}

let env: typeof Handlebars | undefined;
const cache = new Map<string, HandlebarsTemplateDelegate>();

function render(template: string, context: unknown): string {
  if (!env) {
    env = Handlebars.create();
    env.registerHelper('join', join);
    // `{{add a b}}`: a sum of two numbers, for a bound that is a reading plus an input (docs/playbooks.md).
    env.registerHelper('add', (a: unknown, b: unknown) => String(Number(a) + Number(b)));
  }
  try {
    let fn = cache.get(template);
    if (!fn) {
      env.parse(template); // surfaces syntax errors with their position before compile
      fn = env.compile(template, { strict: true, noEscape: true });
      if (cache.size > 1000) cache.clear();
      cache.set(template, fn);
    }
    // No allowProtoPropertiesByDefault / allowProtoMethodsByDefault: prototype access stays off.
    return String(fn(prepare(context ?? {}, '', new WeakSet())));
  } catch (e) {
    throw toTemplateError(e);
  }
}

/** Renders a message template (no quoting; strict: a missing variable throws TemplateError). */
export function renderText(template: string, context: Record<string, unknown>): string {
  return render(template, context);
}

/** Renders a message, filling variables missing from the context with `(unknown)` instead of
 * failing — for diagnoses, which are written for failure cases where evidence is partial. */
export function renderTextLenient(template: string, context: Record<string, unknown>): string {
  try {
    return renderText(template, context);
  } catch {
    try {
      const filled = structuredClone(context) as Record<string, unknown>;
      for (const path of templateVariables(template)) {
        const parts = path.split('.');
        if (getPath(filled, parts) === undefined) fillPath(filled, parts, '(unknown)');
      }
      return renderText(template, filled);
    } catch {
      return template;
    }
  }
}

/** Sets a value at a dotted path, creating objects on the way; gives up at a non-object. */
function fillPath(root: Record<string, unknown>, parts: string[], value: unknown): void {
  let cur: Record<string, unknown> = root;
  for (const seg of parts.slice(0, -1)) {
    if (cur[seg] === undefined || cur[seg] === null) cur[seg] = {};
    if (typeof cur[seg] !== 'object') return;
    cur = cur[seg] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Renders both languages of a LocalizedText (leniently, see renderTextLenient). */
export function renderLocalized(text: LocalizedText, context: Record<string, unknown>): LocalizedText {
  if (typeof text === 'string') return renderTextLenient(text, context);
  const out: { en: string; ja?: string } = { en: renderTextLenient(text.en, context) };
  if (text.ja !== undefined) out.ja = renderTextLenient(text.ja, context);
  return out;
}
