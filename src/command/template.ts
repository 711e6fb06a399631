/**
 * The command language: what a playbook may write in anything that reaches a device
 * (collect/capture/apply/rollback commands, file paths). A template is literal text with
 * holes `{{path}}` (`{{dns_servers}}`, `{{vars.x}}`, `{{item}}`, `{{captured.before.dns_servers}}`).
 * Nothing else: no helpers, blocks, partials, triple braces, block parameters or `@data` —
 * each of those could print a value that never passed the gate (an object key through
 * `{{#each m as |v k|}}{{k}}`). Iteration is the step's `loop:`. See docs/commands.md.
 */
import { TemplateError } from './template-error.js';

/** A variable slot: `path` is the dotted path, `offset` where `{{` stands in the template. */
export interface Hole {
  path: string;
  offset: number;
  line: number;
  col: number;
}

export type CommandPart = { kind: 'text'; text: string } | { kind: 'hole'; hole: Hole };

/** A parsed command template: literal text and holes, in order. */
export interface CommandTemplate {
  source: string;
  parts: readonly CommandPart[];
  holes: readonly Hole[];
}

/** 1-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** A TemplateError at an offset of the template (the offset is kept for file positions). */
export class CommandSyntaxError extends TemplateError {
  constructor(
    message: string,
    template: string,
    readonly offset: number,
  ) {
    const { line, col } = positionOf(template, offset);
    super(message, line, col);
    this.name = 'CommandSyntaxError';
  }
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype', 'this', 'else']);
const LOOP_HINT = 'iterate with the step\'s loop: and {{item}}';

/** Why a `{{…}}` that is not a plain hole is refused, by its first characters. */
function refusal(inner: string): string {
  const body = inner.trim();
  if (inner.startsWith('{')) return 'triple braces are not allowed in a command: every value is checked and quoted, none is printed raw';
  if (body.startsWith('#')) return `block helper '{{${body.split(/\s/)[0]}' is not allowed in a command; ${LOOP_HINT}`;
  if (body.startsWith('/') || body.startsWith('^') || body === 'else' || body.startsWith('else ')) return `block syntax '{{${body.split(/\s/)[0]}' is not allowed in a command; ${LOOP_HINT}`;
  if (body.startsWith('>')) return 'partials are not allowed in a command';
  if (body.startsWith('!')) return 'comments are not allowed in a command';
  if (body.startsWith('&')) return "'{{&' (unescaped output) is not allowed in a command";
  if (inner.startsWith('~') || inner.endsWith('~')) return "whitespace control '~' is not allowed in a command";
  if (body.startsWith('@')) return `data variable '{{${body}}}' is not allowed in a command; ${LOOP_HINT}`;
  if (/\bas\s*\|/.test(body)) return `block parameters ('as |…|') are not allowed in a command; ${LOOP_HINT}`;
  if (body.includes('[')) return `'{{${body}}}' is not a variable path (letters, digits, '_' and '-', separated by dots)`;
  if (body.includes('(')) return 'sub-expressions are not allowed in a command: a hole holds one variable';
  if (body === '') return 'empty {{}} in a command';
  if (/^(this|\.\.?)(\/|\.|$)/.test(body)) return `'{{${body}}}' is not allowed in a command; ${LOOP_HINT}`;
  if (/\s/.test(body)) return `helper call '{{${body}}}' is not allowed in a command: a hole holds one variable (a list is written comma-separated)`;
  return `'{{${body}}}' is not a variable path (letters, digits, '_' and '-', separated by dots)`;
}

/** Parses a command template; throws CommandSyntaxError (with offset, line, col) on anything
 * that is not literal text or a plain hole, and on control characters (a command is one line:
 * the transport types it into a terminal, where a newline submits). */
export function parseCommandTemplate(source: string): CommandTemplate {
  const parts: CommandPart[] = [];
  const holes: Hole[] = [];
  let i = 0;
  let text = '';
  while (i < source.length) {
    const ch = source[i];
    if (/[\x00-\x1f\x7f]/.test(ch)) throw new CommandSyntaxError(`a command is one line: control character ${JSON.stringify(ch)} is not allowed`, source, i);
    if (!source.startsWith('{{', i)) {
      text += ch;
      i++;
      continue;
    }
    const close = source.indexOf('}}', i + 2);
    if (close < 0) throw new CommandSyntaxError("unclosed '{{' in a command", source, i);
    // `{{{x}}}`: the inner text runs to the third closing brace.
    const end = source[i + 2] === '{' && source[close + 2] === '}' ? close + 3 : close + 2;
    const inner = source.slice(i + 2, end - 2);
    const path = inner.trim();
    const segments = path.split('.');
    const plain = !inner.startsWith('{') && !inner.includes('~') && path !== 'else' && segments.every((s) => SEGMENT.test(s));
    if (!plain) throw new CommandSyntaxError(refusal(inner), source, i);
    const reserved = segments.find((s) => RESERVED.has(s));
    if (reserved) throw new CommandSyntaxError(`'${reserved}' cannot be used in a variable path in a command${reserved === 'this' ? `; ${LOOP_HINT}` : ''}`, source, i);
    if (text) parts.push({ kind: 'text', text });
    text = '';
    const hole: Hole = { path, offset: i, ...positionOf(source, i) };
    holes.push(hole);
    parts.push({ kind: 'hole', hole });
    i = end;
  }
  if (text) parts.push({ kind: 'text', text });
  return { source, parts, holes };
}

const CACHE = new Map<string, CommandTemplate>();

/** parseCommandTemplate with a bounded cache (a run renders the same templates per host). */
export function commandTemplate(source: string): CommandTemplate {
  let t = CACHE.get(source);
  if (!t) {
    t = parseCommandTemplate(source);
    if (CACHE.size > 2000) CACHE.clear();
    CACHE.set(source, t);
  }
  return t;
}

/** The dotted paths a command template uses (unique, in order). Throws CommandSyntaxError. */
export function commandVariables(source: string): string[] {
  return [...new Set(commandTemplate(source).holes.map((h) => h.path))];
}
