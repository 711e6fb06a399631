/**
 * The one gate every value passes on its way into a command. A hole has a type (from the
 * playbook's `inputs`, inferred from its declared `vars`, or `value` by default); a value is
 * put in only when it passes the type AND the level's quoting rule:
 * - `cli` (CLISH): no quoting exists, so a value must be plain (`^[A-Za-z0-9._:/@,=+-]+$`);
 * - `expert`/`root` (POSIX shells): a value that is not a plain word is single-quoted.
 * Everywhere: no control character (the terminal would submit at a newline), no leading `-`
 * (it would be read as an option, quoted or not), never empty, never a mapping. Numbers and
 * booleans pass the same checks as text. See docs/commands.md.
 */
import type { Level } from '../model/playbook.js';
import { getPath } from '../model/dotted-path.js';
import { commandTemplate, type Hole } from './template.js';
import { checkCommandTemplate } from './programs.js';
import { singleQuote } from './words.js';
import { TemplateError } from './template-error.js';
import { isOfType, type BaseType, type HoleType, type HoleTypeOf } from './value-types.js';

const CLI_SAFE = /^[A-Za-z0-9._:/@,=+-]+$/;
// No ',' here: `{b,{{x}}}` would brace-expand an unquoted `c,-rf` into separate words. No
// leading '=' (zsh expands `=ls` to /usr/bin/ls) and no '^' (a zsh extended glob).
const SH_PLAIN = /^[A-Za-z0-9._:/@+%-][A-Za-z0-9._:/@=+%-]*$/;
const CONTROL = /[\x00-\x1f\x7f]/;

const DESCRIBE: Record<BaseType | 'value', string> = {
  ip: 'an IPv4 or IPv6 address',
  hostname: 'a host name (RFC 1123)',
  port: 'a port number (1-65535)',
  integer: 'a whole number',
  path: "a file path (letters, digits and . _ / @ + = , : % ~ -)",
  url: 'an http:// or https:// URL',
  word: "one plain word (letters, digits and . _ : / @ , = + % ^ -)",
  string: 'text',
  value: 'a value',
};

/** Single-quotes a string for sh (`'` becomes `'\''`). */
export const quoteForShell = singleQuote;

/** A scalar as command text, or a reason it cannot be one. */
function scalarText(v: unknown): string | { problem: string } {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : { problem: 'is not a finite number' };
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return { problem: 'has no value' };
  if (Array.isArray(v)) return { problem: 'is a list inside a list' };
  return { problem: 'is a mapping; a command takes a single value or a list' };
}

function fail(name: string, problem: string, hole?: Hole): never {
  throw new TemplateError(`${name} ${problem}`, hole?.line, hole?.col);
}

/** The refusal for one string at a level, or undefined when it may go in. */
function levelProblem(s: string, level: Level): string | undefined {
  if (CONTROL.test(s)) return 'contains a control character (newline, tab, ...) and cannot be put in a command';
  if (s.startsWith('-')) return "starts with '-' and would be read as an option by the command; refused";
  if (level === 'cli' && !CLI_SAFE.test(s)) {
    const bad = [...new Set([...s].filter((c) => !CLI_SAFE.test(c)))].map((c) => JSON.stringify(c)).join(' ');
    return `contains characters the FTD CLI cannot take safely (${bad}); allowed: letters, digits and . _ : / @ , = + -`;
  }
  return undefined;
}

/**
 * Checks a value for a hole and returns the command text. Lists (YAML lists, or a
 * comma-separated string for a list type) are written comma-separated. Throws TemplateError
 * naming the hole (`name`), never the value (it may be a secret).
 */
export function fillHole(value: unknown, type: HoleType, level: Level, name: string, hole?: Hole): string {
  const text = fillValue(value, type, level, name, hole);
  if (level === 'cli') return text;
  return SH_PLAIN.test(text) ? text : quoteForShell(text);
}

/** fillHole's checks, returning the value's text unquoted (read-only steps quote every word
 * themselves, command/read-only.ts). Throws TemplateError naming the hole. */
export function fillValue(value: unknown, type: HoleType, level: Level, name: string, hole?: Hole): string {
  const isList = type.endsWith('-list');
  const base = (isList ? type.slice(0, -'-list'.length) : type) as BaseType | 'value';
  if (value === undefined || value === null) fail(name, 'has no value', hole);
  let items: unknown[];
  if (Array.isArray(value)) {
    if (!isList && type !== 'value') fail(name, `is a list; expected ${DESCRIBE[base]}`, hole);
    items = value;
  } else if (isList && typeof value === 'string') items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  else items = [value];
  if (items.length === 0 || (items.length === 1 && items[0] === '')) fail(name, 'is empty: this command needs a value here', hole);
  const texts = items.map((v, i) => {
    const at = items.length > 1 || isList ? `${name} item ${i + 1}` : name;
    const t = scalarText(v);
    if (typeof t !== 'string') fail(at, t.problem, hole);
    if (t === '') fail(at, 'is empty: this command needs a value here', hole);
    if (!isOfType(base, t)) fail(at, `is not ${DESCRIBE[base]} (the type of ${name} in this command)`, hole);
    const problem = levelProblem(t, level);
    if (problem) fail(at, problem, hole);
    return t;
  });
  return texts.join(',');
}

/** A template's literal text with each hole's value (looked up in `context`, which must define
 * it) given to `fill`. Throws TemplateError. */
export function fillTemplate(template: string, context: Record<string, unknown>, fill: (value: unknown, hole: Hole) => string): string {
  let out = '';
  for (const part of commandTemplate(template).parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const { hole } = part;
    const value = getPath(context, hole.path.split('.'));
    if (value === undefined) throw new TemplateError(`"${hole.path}" not defined`, hole.line, hole.col);
    out += fill(value, hole);
  }
  return out;
}

/** Renders a command template for a level; every hole goes through fillHole. Throws TemplateError. */
export function renderCommand(template: string, context: Record<string, unknown>, level: Level, typeOf: HoleTypeOf = () => 'value'): string {
  checkCommandTemplate(template, level);
  return fillTemplate(template, context, (value, hole) => fillHole(value, typeOf(hole.path), level, hole.path, hole));
}
