/**
 * Templating for commands and messages: Handlebars in isolated environments, strict (a missing
 * variable is an error), no HTML escaping, no prototype access.
 *
 * Commands: every interpolated string is checked where it is printed. CLISH has no quoting,
 * so at level `cli` a value must be plain (`^[A-Za-z0-9._:/@,=+-]*$`) or rendering fails; in
 * the Linux shells a value with any other character is single-quoted for sh. Control
 * characters (newline!) are refused everywhere: the transport types commands into an
 * interactive PTY, where a newline would submit half a command.
 */
import Handlebars from 'handlebars';
import type { Level, LocalizedText } from '../model/playbook.js';
import { getPath } from './context.js';
import { locateVariable, templateVariables, TemplateError, toTemplateError } from './template-ast.js';

export { TemplateError, templateVariables } from './template-ast.js';

type Mode = 'cli' | 'sh' | 'text';

const CLI_SAFE = /^[A-Za-z0-9._:/@,=+-]*$/;
const SH_PLAIN = /^[A-Za-z0-9._:/@,=+%^-]+$/;
const CONTROL = /[\x00-\x1f\x7f]/;

/** Single-quotes a string for sh (`'` becomes `'\''`). */
export function quoteForShell(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function rejectControl(raw: string, path: string): void {
  if (CONTROL.test(raw)) throw new TemplateError(`${path} contains a control character (newline, tab, ...) and cannot be put in a command`);
  // Quoting does not stop option injection (`-o/etc/...` stays an option to curl): no value may start with '-'.
  if (raw.startsWith('-')) throw new TemplateError(`${path} starts with '-' and would be read as an option by the command; refused`);
}

/** Checks a string for a CLI (CLISH) command; throws TemplateError naming the offending characters. */
export function checkCliValue(raw: string, path: string): string {
  rejectControl(raw, path);
  if (!CLI_SAFE.test(raw)) {
    const bad = [...new Set([...raw].filter((c) => !CLI_SAFE.test(c)))].map((c) => JSON.stringify(c)).join(' ');
    throw new TemplateError(`${path} contains characters the FTD CLI cannot take safely (${bad}); allowed: letters, digits and . _ : / @ , = + -`);
  }
  return raw;
}

/** A string from the context, sanitised for its command mode when Handlebars prints it.
 * The raw value lives in private fields: a template cannot reach it (`{{x.raw}}`, `{{#each x}}`). */
class SafeValue {
  readonly #raw: string;
  readonly #path: string;
  readonly #mode: Mode;
  constructor(raw: string, path: string, mode: Mode) {
    this.#raw = raw;
    this.#path = path;
    this.#mode = mode;
  }
  /** The unsanitised string and its context path (for helpers that quote it themselves). */
  static unwrap(v: SafeValue): { raw: string; path: string } {
    return { raw: v.#raw, path: v.#path };
  }
  toString(): string {
    if (this.#mode === 'cli') return checkCliValue(this.#raw, this.#path);
    if (this.#mode === 'sh') {
      rejectControl(this.#raw, this.#path);
      return SH_PLAIN.test(this.#raw) ? this.#raw : quoteForShell(this.#raw);
    }
    return this.#raw;
  }
  valueOf(): string {
    return this.toString();
  }
}

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

function rawOf(v: unknown): unknown {
  return v instanceof SafeValue ? SafeValue.unwrap(v).raw : v;
}

/** Copies the context into prototype-less objects, wrapping strings for the mode. With
 * `checkKeys`, object keys must be CLI-safe: `{{@key}}` prints a key as it is. */
function prepare(value: unknown, path: string, mode: Mode, seen: WeakSet<object>, checkKeys = false): unknown {
  if (typeof value === 'string') return mode === 'text' || value === '' ? value : new SafeValue(value, path, mode);
  if (typeof value === 'bigint') return String(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (seen.has(value)) throw new TemplateError(`template context has a cycle at ${path}`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((v, i) => prepare(v, `${path}[${i}]`, mode, seen, checkKeys));
      return mode === 'text' ? TextList.from(items) : items;
    }
    if (value instanceof Date) return prepare(value.toISOString(), path, mode, seen, checkKeys);
    const out: Record<string, unknown> = Object.create(CONTEXT_PROTO);
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (checkKeys) checkCliValue(k, `key of ${at}`);
      out[k] = prepare(v, at, mode, seen, checkKeys);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function joinHelper(mode: Mode) {
  return function join(list: unknown, sep: unknown): string {
    // Called as `join LIST` the second argument is Handlebars' options object: default separator.
    const separator = typeof sep === 'string' || sep instanceof SafeValue ? String(sep) : mode === 'text' ? ', ' : ',';
    const items = Array.isArray(list) ? list : [list];
    return items.map((v) => (v === null || v === undefined ? '' : String(v))).join(separator);
  };
}

function quoteHelper(mode: Mode) {
  return function quote(value: unknown): string {
    const one = (v: unknown) => {
      const raw = String(rawOf(v) ?? '');
      if (mode === 'cli') throw new TemplateError('the quote helper cannot be used in a CLI command: CLISH has no quoting');
      if (mode === 'sh') {
        rejectControl(raw, v instanceof SafeValue ? SafeValue.unwrap(v).path : 'quoted value');
        return quoteForShell(raw);
      }
      return `"${raw}"`;
    };
    return Array.isArray(value) ? value.map(one).join(',') : one(value);
  };
}

const ENVS = new Map<Mode, { env: typeof Handlebars; cache: Map<string, HandlebarsTemplateDelegate> }>();

function environment(mode: Mode) {
  let e = ENVS.get(mode);
  if (!e) {
    const env = Handlebars.create();
    env.registerHelper('join', joinHelper(mode));
    env.registerHelper('quote', quoteHelper(mode));
    e = { env, cache: new Map() };
    ENVS.set(mode, e);
  }
  return e;
}

function render(template: string, context: unknown, mode: Mode): string {
  const { env, cache } = environment(mode);
  let fn = cache.get(template);
  try {
    if (!fn) {
      env.parse(template); // surfaces syntax errors with their position before compile
      fn = env.compile(template, { strict: true, noEscape: true });
      if (cache.size > 1000) cache.clear();
      cache.set(template, fn);
    }
    const data = prepare(context ?? {}, '', mode, new WeakSet(), mode !== 'text' && template.includes('@key'));
    // No allowProtoPropertiesByDefault / allowProtoMethodsByDefault: prototype access stays off.
    return String(fn(data));
  } catch (e) {
    const err = toTemplateError(e);
    if (err.line === undefined) {
      const path = /^(\S+) contains/.exec(err.message)?.[1]?.replace(/\[\d+\]/g, '');
      const at = path ? locateVariable(template, path) : undefined;
      if (at) throw new TemplateError(err.message, at.line, at.col);
    }
    throw err;
  }
}

/** Renders a command template for a level; hostile values never reach the command unquoted
 * (`cli`: refused; `expert`/`root`: single-quoted). Throws TemplateError. */
export function renderCommand(template: string, context: Record<string, unknown>, level: Level): string {
  return render(template, context, level === 'cli' ? 'cli' : 'sh');
}

/** Renders a message template (no quoting; strict: a missing variable throws TemplateError). */
export function renderText(template: string, context: Record<string, unknown>): string {
  return render(template, context, 'text');
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
