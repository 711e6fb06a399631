/**
 * Read-only steps at levels expert/root (collect and capture `command:` and `file:`): the
 * template as a list of simple commands of WORDS and the few operators allowed. This one
 * structure is what validate judges (command/read-only.ts) and what the renderer sends, every
 * word single-quoted, so the argv each program receives is exactly the words judged.
 * Quotes in the template are the author's: after quote removal a word is literal text, with the
 * holes as separate typed values. Anything a shell would interpret (`$`, backquotes, braces,
 * globs, `~`, a leading `=`, `#`, `!`, parentheses, other redirections…) is refused outside
 * single quotes. See docs/commands.md "What the shell receives".
 */
import { CommandSyntaxError, commandTemplate, type Hole } from './template.js';

export type WordPart = { kind: 'text'; text: string } | { kind: 'hole'; hole: Hole };

/** One word after quote removal; `offset` is where it starts in the template. */
export interface Word {
  parts: WordPart[];
  offset: number;
}

/** The only redirections: discard output, merge stderr, read a file. */
export type ReadOnlyRedirection = { op: '2>/dev/null' | '>/dev/null' | '2>&1'; offset: number } | { op: '<'; target: Word; offset: number };

export interface ReadOnlyCommand {
  words: Word[];
  redirections: ReadOnlyRedirection[];
  offset: number;
}

export type ReadOnlyOperator = '|' | '&&' | '||' | ';';

/** Commands in order; `operators[i]` stands between `commands[i]` and `commands[i + 1]`. */
export interface ReadOnlyLine {
  commands: ReadOnlyCommand[];
  operators: ReadOnlyOperator[];
}

type Item = { ch: string; at: number } | { hole: Hole };

/** The template as characters with their offsets, one item per hole. */
function itemsOf(source: string): Item[] {
  const t = commandTemplate(source);
  const out: Item[] = [];
  let pos = 0;
  for (const p of t.parts) {
    if (p.kind === 'text') {
      for (let k = 0; k < p.text.length; k++) out.push({ ch: p.text[k], at: pos + k });
      pos += p.text.length;
    } else {
      out.push({ hole: p.hole });
      pos = source.indexOf('}}', p.hole.offset) + 2;
    }
  }
  return out;
}

/** Characters that stand for themselves outside quotes (a leading `=` excepted: zsh expands `=ls`). */
const PLAIN = /^[A-Za-z0-9._/@+=,:%^-]$/;

const QUOTE_HINT = "put it in single quotes for a literal character";

function unquotedRefusal(c: string): string {
  if (c === '$') return `'$' (parameter expansion, substitution or arithmetic) is not allowed in a read-only step; ${QUOTE_HINT}`;
  if (c === '`') return 'command substitution (backquotes) runs a program that a read-only step cannot check';
  if (c === '{' || c === '}') return `braces ('${c}') would be brace expansion; ${QUOTE_HINT}`;
  if (c === '*' || c === '?' || c === '[' || c === ']') return `'${c}' would be a glob pattern; ${QUOTE_HINT}`;
  if (c === '~') return `'~' would be tilde expansion; write the path, or ${QUOTE_HINT}`;
  if (c === '#') return `'#' would start a comment; ${QUOTE_HINT}`;
  if (c === '!') return `'!' would be history expansion in an interactive shell; ${QUOTE_HINT}`;
  if (c === '(' || c === ')') return 'subshells, groups and substitutions ( … ) are not allowed in a read-only step';
  if (c === '&') return "'&' (a background job) is not allowed in a read-only step";
  if (c === '>' || c === '<') return `redirection '${c}' is not allowed here: a read-only step may only discard output (2>/dev/null, >/dev/null), merge it (2>&1) or read a file (< path)`;
  return `${JSON.stringify(c)} is not a plain character in a read-only step; ${QUOTE_HINT}`;
}

const HOLE_IN_QUOTES = 'a {{variable}} inside quotes: write it outside quotes, firebook quotes every value itself';

/** Parses a read-only command at a POSIX level. Throws CommandSyntaxError at the construct. */
export function readOnlyLine(source: string): ReadOnlyLine {
  const it = itemsOf(source);
  const fail = (message: string, at: number): never => {
    throw new CommandSyntaxError(message, source, at);
  };
  const atOf = (k: number) => {
    const x = it[k];
    return x === undefined ? source.length : 'hole' in x ? x.hole.offset : x.at;
  };
  const ch = (k: number) => {
    const x = it[k];
    return x && !('hole' in x) ? x.ch : undefined;
  };
  const blank = (c: string | undefined) => c === ' ' || c === '\t';
  const ends = (k: number) => k >= it.length || blank(ch(k)) || ['|', '&', ';', '<', '>'].includes(ch(k)!);
  /** The literal text from k up to the next hole, quote or blank (for redirections). */
  const literal = (k: number) => {
    let s = '';
    for (; k < it.length && ch(k) !== undefined && !blank(ch(k)) && ch(k) !== "'" && ch(k) !== '"'; k++) s += ch(k);
    return s;
  };

  const commands: ReadOnlyCommand[] = [];
  const operators: ReadOnlyOperator[] = [];
  let cur: ReadOnlyCommand = { words: [], redirections: [], offset: atOf(0) };
  let i = 0;

  const readWord = (): Word => {
    const start = atOf(i);
    const parts: WordPart[] = [];
    let text = '';
    let quoted = false;
    const flush = () => {
      if (text !== '' || (quoted && parts.length === 0)) parts.push({ kind: 'text', text });
      text = '';
    };
    while (i < it.length) {
      const x = it[i];
      if ('hole' in x) {
        if (text !== '') flush();
        parts.push({ kind: 'hole', hole: x.hole });
        i++;
        continue;
      }
      const c = x.ch;
      if (ends(i)) break;
      if (c === "'" || c === '"') {
        quoted = true;
        i++;
        for (;;) {
          if (i >= it.length) fail('unterminated quote', x.at);
          const y = it[i];
          if ('hole' in y) fail(HOLE_IN_QUOTES, y.hole.offset);
          const d = (y as { ch: string }).ch;
          if (d === c) break;
          if (c === '"' && (d === '$' || d === '`' || d === '\\' || d === '!')) {
            fail(`'${d}' inside double quotes is read by the shell; use single quotes for literal text`, (y as { at: number }).at);
          }
          text += d;
          i++;
        }
        i++;
        continue;
      }
      if (c === '\\') {
        const next = ch(i + 1);
        if (next === undefined || /[A-Za-z0-9]/.test(next)) fail("a backslash here does not stand for a literal character; use single quotes", x.at);
        text += next;
        i += 2;
        continue;
      }
      const first = parts.length === 0 && text === '' && !quoted;
      // `[` and `]` alone are the test program and its last argument, not a pattern.
      if ((c === '[' || c === ']') && first && ends(i + 1)) {
        text += c;
        i++;
        continue;
      }
      if (c === '$' && ch(i + 1) === '(') fail('command substitution $( … ) runs a program that a read-only step cannot check', x.at);
      if (!PLAIN.test(c) || (c === '=' && first)) fail(c === '=' ? "a word starting with '=' is expanded by zsh (=ls is /usr/bin/ls); put it in single quotes" : unquotedRefusal(c), x.at);
      text += c;
      i++;
    }
    flush();
    const merged: WordPart[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (p.kind === 'text' && last?.kind === 'text') last.text += p.text;
      else merged.push(p);
    }
    return { parts: merged, offset: start };
  };

  const endCommand = (op: ReadOnlyOperator, at: number) => {
    if (cur.words.length === 0) fail(cur.redirections.length > 0 ? 'a redirection without a program' : `'${op}' needs a command before it`, at);
    commands.push(cur);
    operators.push(op);
    cur = { words: [], redirections: [], offset: atOf(i) };
  };

  while (i < it.length) {
    const c = ch(i);
    if (blank(c)) {
      i++;
      continue;
    }
    if (c === '|' || c === '&' || c === ';') {
      const two = ch(i + 1) === c ? c + c : c;
      if (c === '&' && ch(i + 1) === '>') fail("redirection '&>' writes a file; a read-only step may only discard output (2>/dev/null, >/dev/null) or merge it (2>&1)", atOf(i));
      if (two === '&' || two === ';;') fail(two === '&' ? unquotedRefusal('&') : "';;' is not allowed in a read-only step", atOf(i));
      const at = atOf(i);
      i += two.length;
      endCommand(two as ReadOnlyOperator, at);
      continue;
    }
    const lit = c === undefined ? '' : literal(i);
    if (/^[0-9]*[<>]/.test(lit)) {
      const at = atOf(i);
      const fixed = /^([12]?)>(\/dev\/null)?/.exec(lit);
      if (lit.startsWith('2>&1')) {
        if (!ends(i + 4)) fail(unquotedRefusal('>'), at);
        cur.redirections.push({ op: '2>&1', offset: at });
        i += 4;
        continue;
      }
      if (fixed) {
        let k = i + fixed[0].length;
        if (!fixed[2]) {
          while (blank(ch(k))) k++;
          if (literal(k).startsWith('/dev/null')) k += '/dev/null'.length;
          else fail(`redirection '${lit}' writes a file; a read-only step may only discard output (2>/dev/null, >/dev/null) or merge it (2>&1)`, at);
        }
        if (!ends(k)) fail(`redirection '${lit}' writes a file; a read-only step may only discard output (2>/dev/null, >/dev/null) or merge it (2>&1)`, at);
        cur.redirections.push({ op: fixed[1] === '2' ? '2>/dev/null' : '>/dev/null', offset: at });
        i = k;
        continue;
      }
      if (lit[0] === '<' && ch(i + 1) !== '<' && ch(i + 1) !== '(' && ch(i + 1) !== '>' && ch(i + 1) !== '&') {
        i++;
        while (blank(ch(i))) i++;
        if (i >= it.length || (ch(i) !== undefined && ends(i))) fail("'<' needs a file to read", at);
        cur.redirections.push({ op: '<', target: readWord(), offset: at });
        continue;
      }
      if (lit.startsWith('<<')) fail('here-documents are not allowed in a command', at);
      if (/^[<>]\(/.test(lit)) fail('process substitution runs a program that a read-only step cannot check', at);
      fail(`redirection '${lit}' is not allowed: a read-only step may only discard output (2>/dev/null, >/dev/null), merge it (2>&1) or read a file (< path)`, at);
    }
    if (cur.words.length === 0 && cur.redirections.length === 0) cur.offset = atOf(i);
    cur.words.push(readWord());
  }
  if (cur.words.length > 0) commands.push(cur);
  else if (cur.redirections.length > 0) fail('a redirection without a program', cur.offset);
  else if (operators.length > 0) fail(`a command may not end with '${operators[operators.length - 1]}'`, source.length);
  if (commands.length === 0) fail('the command is empty', 0);
  return { commands, operators };
}

/** Characters of a literal `file:` path (holes go through the gate as `path`-typed values would). */
const PATH_CHARS = /^[A-Za-z0-9._/@+=,:%-]+$/;

/** A `file:` step: `cat` and the path as ONE word. The path is literal path characters and
 * holes; anything else is refused. Throws CommandSyntaxError. */
export function fileLine(source: string): ReadOnlyLine {
  const t = commandTemplate(source);
  let pos = 0;
  for (const p of t.parts) {
    if (p.kind === 'hole') {
      pos = source.indexOf('}}', p.hole.offset) + 2;
      continue;
    }
    for (let k = 0; k < p.text.length; k++) {
      const c = p.text[k];
      if (!PATH_CHARS.test(c)) throw new CommandSyntaxError(`${JSON.stringify(c)} is not a path character: a file: path is letters, digits, . _ / @ + = , : % - and {{variable}} holes`, source, pos + k);
    }
    pos += p.text.length;
  }
  if (t.parts[0]?.kind === 'text' && t.parts[0].text.startsWith('-')) throw new CommandSyntaxError("a file: path may not start with '-'", source, 0);
  const cat: Word = { parts: [{ kind: 'text', text: 'cat' }], offset: 0 };
  const path: Word = { parts: t.parts.map((p) => (p.kind === 'text' ? { kind: 'text', text: p.text } : { kind: 'hole', hole: p.hole })), offset: 0 };
  return { commands: [{ words: [cat, path], redirections: [], offset: 0 }], operators: [] };
}

const CACHE = new Map<string, ReadOnlyLine>();

/** readOnlyLine (or fileLine, with `file`) with a bounded cache: a run renders the same
 * templates on every host. The result is shared: never modify it. Throws CommandSyntaxError. */
export function readOnlyLineOf(source: string, file = false): ReadOnlyLine {
  const key = `${file ? 'f' : 'c'}\u0000${source}`;
  let line = CACHE.get(key);
  if (!line) {
    line = file ? fileLine(source) : readOnlyLine(source);
    if (CACHE.size > 2000) CACHE.clear();
    CACHE.set(key, line);
  }
  return line;
}

/** A word's text: holes filled by `fill`, or written as `{{path}}` (for messages). */
export function wordText(w: Word, fill: (h: Hole) => string): string {
  return w.parts.map((p) => (p.kind === 'text' ? p.text : fill(p.hole))).join('');
}

/** Single-quotes a string for sh (`'` becomes `'\''`). */
export function singleQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The line sent to the shell: every word single-quoted, joined by single spaces and the
 * allowed operators and redirections. */
export function renderLine(line: ReadOnlyLine, fill: (h: Hole) => string): string {
  const cmd = (c: ReadOnlyCommand) =>
    [...c.words.map((w) => singleQuote(wordText(w, fill))), ...c.redirections.map((r) => (r.op === '<' ? `<${singleQuote(wordText(r.target, fill))}` : r.op))].join(' ');
  return line.commands.map((c, k) => (k === 0 ? cmd(c) : `${line.operators[k - 1]} ${cmd(c)}`)).join(' ');
}
