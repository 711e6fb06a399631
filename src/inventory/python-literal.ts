/**
 * A parser for the subset of Python that `ast.literal_eval` accepts, because Ansible's INI
 * inventory types every `key=value` by running the value through `ast.literal_eval` and keeps
 * the raw text when that fails (ansible/plugins/inventory/ini.py `_parse_value`). So `port=22`
 * is the integer 22, `enabled=True` is a boolean, `name="x"` is `x` and `name=yes` stays "yes".
 *
 * Supported: str/bytes literals (all prefixes, single/double/triple quotes, escapes, implicit
 * concatenation), int (decimal, 0x/0o/0b, underscores), float, True/False/None, unary +/-,
 * lists, tuples (JSON arrays), dicts, sets (arrays), `#` comments. Complex numbers are not:
 * ansible-inventory itself cannot serialise them, so firebook keeps such a value as text.
 */

/** Result of {@link parsePythonLiteral}: the value, or `ok: false` when Python would reject it. */
export type LiteralResult = { ok: true; value: unknown } | { ok: false };

class LiteralSyntaxError extends Error {}

/** CPython's tokenizer refuses more than 200 nested brackets ("too many nested parentheses",
 * a SyntaxError), so Ansible keeps such a value as text; so do we, and the stack stays small. */
const MAX_NESTING = 200;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Parses `text` as `ast.literal_eval` would (a whole expression, nothing left over). */
export function parsePythonLiteral(text: string): LiteralResult {
  // literal_eval("  5") is an IndentationError in Python: leading blanks are not allowed.
  if (/^[ \t]/.test(text)) return { ok: false };
  try {
    const p = new LiteralParser(text);
    const value = p.parseTop();
    return { ok: true, value };
  } catch (err) {
    if (err instanceof LiteralSyntaxError) return { ok: false };
    throw err;
  }
}

class LiteralParser {
  private pos = 0;
  /** Bracket nesting depth: inside brackets, newlines are plain whitespace. */
  private depth = 0;
  constructor(private readonly src: string) {}

  parseTop(): unknown {
    this.skip();
    const first = this.parseExpr();
    this.skip();
    // A bare `1, 2` is a tuple in Python.
    if (this.peek() === ',') {
      const items = [first];
      while (this.peek() === ',') {
        this.pos++;
        this.skip();
        if (this.atEnd()) break;
        items.push(this.parseExpr());
        this.skip();
      }
      this.skip();
      if (!this.atEnd()) this.fail();
      return items;
    }
    if (!this.atEnd()) this.fail();
    return first;
  }

  private fail(): never {
    throw new LiteralSyntaxError(`invalid literal at ${this.pos}`);
  }

  private atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  private peek(): string {
    return this.src[this.pos] ?? '';
  }

  /** Skips blanks and comments; newlines only inside brackets (or trailing at top level). */
  private skip(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\f') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') while (!this.atEnd() && this.peek() !== '\n') this.pos++;
      else if (c === '\n' || c === '\r') {
        if (this.depth > 0 || /^[\s]*(#[^\n]*)?[\s]*$/.test(this.src.slice(this.pos))) this.pos++;
        else return;
      } else return;
    }
  }

  private parseExpr(): unknown {
    this.skip();
    const c = this.peek();
    if (c === '+' || c === '-') {
      this.pos++;
      this.skip();
      const v = this.parseExpr();
      if (typeof v !== 'number' || typeof v === 'boolean') this.fail();
      return c === '-' ? -v : v;
    }
    if (c === '[') return this.parseSeq('[', ']');
    if (c === '(') return this.parseSeq('(', ')');
    if (c === '{') return this.parseBrace();
    if (/[0-9.]/.test(c)) return this.parseNumber();
    if (/[A-Za-z_]/.test(c)) return this.parseNameOrString();
    if (c === '"' || c === "'") return this.parseStrings('');
    return this.fail();
  }

  private parseSeq(open: string, close: string): unknown {
    this.pos++;
    if (++this.depth > MAX_NESTING) this.fail();
    const items: unknown[] = [];
    let sawComma = false;
    this.skip();
    while (this.peek() !== close) {
      if (this.atEnd()) this.fail();
      items.push(this.parseExpr());
      this.skip();
      if (this.peek() === ',') {
        sawComma = true;
        this.pos++;
        this.skip();
      } else if (this.peek() !== close) this.fail();
    }
    this.pos++;
    this.depth--;
    // `(5)` is just 5; `(5,)` and `()` are tuples.
    if (open === '(' && items.length === 1 && !sawComma) return items[0];
    return items;
  }

  private parseBrace(): unknown {
    this.pos++;
    if (++this.depth > MAX_NESTING) this.fail();
    this.skip();
    if (this.peek() === '}') {
      this.pos++;
      this.depth--;
      return {};
    }
    const firstKey = this.parseExpr();
    this.skip();
    if (this.peek() !== ':') {
      // A set literal: `{1, 2}`.
      const items = [firstKey];
      while (this.peek() === ',') {
        this.pos++;
        this.skip();
        if (this.peek() === '}') break;
        items.push(this.parseExpr());
        this.skip();
      }
      if (this.peek() !== '}') this.fail();
      this.pos++;
      this.depth--;
      return items;
    }
    const out: Record<string, unknown> = {};
    let key: unknown = firstKey;
    for (;;) {
      if (this.peek() !== ':') this.fail();
      this.pos++;
      const value = this.parseExpr();
      if (key !== null && typeof key === 'object') this.fail(); // unhashable key
      out[pythonKeyText(key)] = value;
      this.skip();
      if (this.peek() === ',') {
        this.pos++;
        this.skip();
      }
      if (this.peek() === '}') break;
      if (this.atEnd()) this.fail();
      key = this.parseExpr();
      this.skip();
    }
    this.pos++;
    this.depth--;
    return out;
  }

  private parseNumber(): number {
    const rest = this.src.slice(this.pos);
    const m =
      /^0[xX](?:_?[0-9a-fA-F])+|^0[oO](?:_?[0-7])+|^0[bB](?:_?[01])+/.exec(rest) ??
      /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*|[0-9](?:_?[0-9])*\.?)(?:[eE][+-]?[0-9](?:_?[0-9])*)?/.exec(rest);
    if (!m || m[0] === '.') this.fail();
    const raw = m[0];
    this.pos += raw.length;
    if (/^[jJA-Za-z_0-9]/.test(this.peek())) this.fail(); // complex (1j) or garbage like 1abc
    const clean = raw.replace(/_/g, '');
    if (/^0[xXoObB]/.test(clean)) return Number(clean);
    // Python 3 rejects leading zeros on non-zero decimal integers (`017`).
    if (/^0[0-9]*$/.test(clean) && /[1-9]/.test(clean)) this.fail();
    return Number(clean);
  }

  private parseNameOrString(): unknown {
    const m = /^[A-Za-z_][A-Za-z_0-9]*/.exec(this.src.slice(this.pos));
    const word = m ? m[0] : '';
    const next = this.src[this.pos + word.length];
    if ((next === '"' || next === "'") && /^(?:[rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])$/.test(word)) {
      if (/[fF]/.test(word)) this.fail(); // f-strings are not literals
      this.pos += word.length;
      return this.parseStrings(word);
    }
    this.pos += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return this.fail();
  }

  /** One string literal, then any adjacent ones (`'a' 'b'` is `'ab'`). */
  private parseStrings(prefix: string): string {
    let out = this.parseOneString(prefix);
    for (;;) {
      const save = this.pos;
      this.skip();
      const m = /^(?:[rRuUbB]|[bB][rR]|[rR][bB])?(?=["'])/.exec(this.src.slice(this.pos));
      if (!m) {
        this.pos = save;
        return out;
      }
      this.pos += m[0].length;
      out += this.parseOneString(m[0]);
    }
  }

  private parseOneString(prefix: string): string {
    const raw = /[rR]/.test(prefix);
    const q = this.peek();
    const triple = this.src.startsWith(q.repeat(3), this.pos);
    const end = triple ? q.repeat(3) : q;
    this.pos += end.length;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail();
      if (this.src.startsWith(end, this.pos)) {
        this.pos += end.length;
        return out;
      }
      const c = this.src[this.pos];
      if (c === '\n' && !triple) this.fail();
      if (c === '\\') {
        const n = this.src[this.pos + 1] ?? '';
        if (raw) {
          out += c + n;
          this.pos += 2;
          continue;
        }
        this.pos += 2;
        out += this.readEscape(n);
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private readEscape(n: string): string {
    if (n in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[n];
    if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,2}/.exec(this.src.slice(this.pos)) ?? [''];
      this.pos += m[0].length;
      return String.fromCodePoint(parseInt(n + m[0], 8));
    }
    const width = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (width) {
      const hex = this.src.slice(this.pos, this.pos + width);
      if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) this.fail();
      this.pos += width;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    // Unknown escapes keep the backslash, as in Python.
    return '\\' + n;
  }
}

/** Dict keys become JSON object keys the way Python's json.dumps writes them. */
function pythonKeyText(key: unknown): string {
  if (key === true) return 'true';
  if (key === false) return 'false';
  if (key === null) return 'null';
  if (typeof key === 'number') return Number.isInteger(key) ? String(key) : String(key);
  return String(key);
}
