/** Parser for the small POSIX-ish shell language automation sends to bash: quoting and
 * adjacent concatenation, `$VAR`/`${VAR}`/`$?`/`$(...)`, `;`, `&&`, `||`, `|` and redirections. */

/** A piece of a word; expansion happens at run time so `false; echo $?` sees the new status. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'var'; name: string; quoted: boolean }
  | { kind: 'cmd'; source: string; quoted: boolean };
/** A shell word: adjacent pieces concatenated (`'FB''X'` is one word). */
export type Word = WordPart[];

/** `fd` is -1 for `&>` (stdout and stderr). `>&` duplicates onto `dupFd`. */
export interface Redirect {
  fd: number;
  op: '>' | '>>' | '<' | '>&';
  target?: Word;
  dupFd?: number;
}

/** `NAME=value... word... redirections...`. */
export interface SimpleCommand {
  assigns: Array<{ name: string; value: Word }>;
  words: Word[];
  redirects: Redirect[];
}

/** Commands joined by `|`. */
export type Pipeline = SimpleCommand[];
/** Pipelines joined by `&&` / `||`. */
export interface AndOrList {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}
/** And-or lists separated by `;` or `&` (run in order). */
export type Script = AndOrList[];

/** `incomplete` means the line needs more input (PS2); `error` names the unexpected token. */
export type ParseResult = { kind: 'ok'; script: Script } | { kind: 'incomplete' } | { kind: 'error'; token: string };

type Token = { t: 'word'; word: Word } | { t: 'op'; op: string } | { t: 'redir'; fd: number; op: string };

class Incomplete extends Error {}
class BadToken extends Error {}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Reads `$...` at src[i] (src[i] === '$'); returns the part and the next index. */
function readDollar(src: string, i: number, quoted: boolean): [WordPart, number] {
  const c = src[i + 1];
  if (c === undefined) return [{ kind: 'lit', text: '$', quoted }, i + 1];
  if (c === '?' || c === '$' || c === '#' || /[0-9]/.test(c)) return [{ kind: 'var', name: c, quoted }, i + 2];
  if (c === '{') {
    const end = src.indexOf('}', i + 2);
    if (end < 0) throw new Incomplete();
    return [{ kind: 'var', name: src.slice(i + 2, end), quoted }, end + 1];
  }
  if (c === '(') {
    let depth = 1;
    let j = i + 2;
    let quote = '';
    for (; j < src.length && depth > 0; j++) {
      const ch = src[j];
      if (quote) {
        if (ch === quote) quote = '';
      } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '(') depth++;
      else if (ch === ')') depth--;
    }
    if (depth > 0) throw new Incomplete();
    return [{ kind: 'cmd', source: src.slice(i + 2, j - 1), quoted }, j];
  }
  if (NAME_START.test(c)) {
    let j = i + 1;
    while (j < src.length && NAME_CHAR.test(src[j])) j++;
    return [{ kind: 'var', name: src.slice(i + 1, j), quoted }, j];
  }
  return [{ kind: 'lit', text: '$', quoted }, i + 1];
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let word: Word | null = null;
  const lit = (text: string, quoted: boolean) => {
    word ??= [];
    const last = word[word.length - 1];
    if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
    else word.push({ kind: 'lit', text, quoted });
  };
  const endWord = () => {
    if (word) tokens.push({ t: 'word', word });
    word = null;
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      endWord();
      i++;
    } else if (c === '#' && !word) {
      break;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new Incomplete();
      lit(src.slice(i + 1, end), true);
      i = end + 1;
    } else if (c === '"') {
      word ??= [];
      lit('', true);
      i++;
      for (;;) {
        if (i >= src.length) throw new Incomplete();
        const d = src[i];
        if (d === '"') { i++; break; }
        if (d === '\\' && i + 1 < src.length && '$`"\\\n'.includes(src[i + 1])) { lit(src[i + 1], true); i += 2; continue; }
        if (d === '$') { const [part, next] = readDollar(src, i, true); word.push(part); i = next; continue; }
        lit(d, true);
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 >= src.length) throw new Incomplete();
      lit(src[i + 1], true);
      i += 2;
    } else if (c === '$') {
      const [part, next] = readDollar(src, i, false);
      word ??= [];
      word.push(part);
      i = next;
    } else if (c === '>' || c === '<') {
      // `2>` / `2>&1`: a lone unquoted digit right before the operator is its fd.
      let fd = c === '>' ? 1 : 0;
      const w: Word | null = word;
      if (w !== null && w.length === 1 && w[0].kind === 'lit' && !w[0].quoted && /^[0-9]$/.test(w[0].text)) {
        fd = Number(w[0].text);
        word = null;
      }
      endWord();
      let op: string = c;
      if (src[i + 1] === '>' && c === '>') { op = '>>'; i++; }
      else if (src[i + 1] === '&') { op = c + '&'; i++; }
      tokens.push({ t: 'redir', fd, op });
      i++;
    } else if (c === '&' && src[i + 1] === '>') {
      endWord();
      tokens.push({ t: 'redir', fd: -1, op: '>' });
      i += 2;
    } else if (c === '|' || c === '&' || c === ';') {
      endWord();
      const two = src.slice(i, i + 2);
      if (two === '&&' || two === '||' || two === ';;') { tokens.push({ t: 'op', op: two }); i += 2; }
      else { tokens.push({ t: 'op', op: c }); i++; }
    } else if (c === '(' || c === ')' || c === '`') {
      throw new BadToken(c);
    } else {
      lit(c, false);
      i++;
    }
  }
  endWord();
  return tokens;
}

const ASSIGN = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/** Parses one input line (or several joined by `\n` after a continuation prompt). */
export function parseShell(src: string): ParseResult {
  let tokens: Token[];
  try {
    tokens = tokenize(src);
  } catch (err) {
    if (err instanceof Incomplete) return { kind: 'incomplete' };
    if (err instanceof BadToken) return { kind: 'error', token: err.message };
    throw err;
  }
  const script: Script = [];
  let pos = 0;
  const parseCommand = (): SimpleCommand => {
    const cmd: SimpleCommand = { assigns: [], words: [], redirects: [] };
    while (pos < tokens.length) {
      const tok = tokens[pos];
      if (tok.t === 'op') break;
      pos++;
      if (tok.t === 'redir') {
        const next = tokens[pos];
        if (tok.op.endsWith('&')) {
          const target = next?.t === 'word' && next.word.length === 1 && next.word[0].kind === 'lit' ? next.word[0].text : '';
          if (!/^[0-9]$/.test(target)) throw new BadToken(next?.t === 'op' ? next.op : 'newline');
          pos++;
          cmd.redirects.push({ fd: tok.fd, op: '>&', dupFd: Number(target) });
          continue;
        }
        if (!next || next.t !== 'word') throw new BadToken(next?.t === 'op' ? next.op : 'newline');
        pos++;
        cmd.redirects.push({ fd: tok.fd, op: tok.op as Redirect['op'], target: next.word });
        continue;
      }
      const first = tok.word[0];
      const m = cmd.words.length === 0 && first?.kind === 'lit' && !first.quoted ? ASSIGN.exec(first.text) : null;
      if (m && first.kind === 'lit') {
        const rest: Word = [{ ...first, text: first.text.slice(m[0].length) }, ...tok.word.slice(1)];
        cmd.assigns.push({ name: m[1], value: rest });
      } else cmd.words.push(tok.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirects.length === 0) {
      const tok = tokens[pos];
      throw new BadToken(tok?.t === 'op' ? tok.op : 'newline');
    }
    return cmd;
  };
  const parsePipeline = (): Pipeline => {
    const cmds = [parseCommand()];
    while (tokens[pos]?.t === 'op' && (tokens[pos] as { op: string }).op === '|') {
      pos++;
      if (pos >= tokens.length) throw new Incomplete();
      cmds.push(parseCommand());
    }
    return cmds;
  };
  try {
    while (pos < tokens.length) {
      const list: AndOrList = { first: parsePipeline(), rest: [] };
      for (;;) {
        const tok = tokens[pos];
        if (tok?.t === 'op' && (tok.op === '&&' || tok.op === '||')) {
          pos++;
          if (pos >= tokens.length) throw new Incomplete();
          list.rest.push({ op: tok.op, pipeline: parsePipeline() });
        } else break;
      }
      script.push(list);
      const sep = tokens[pos];
      if (sep?.t === 'op') {
        if (sep.op !== ';' && sep.op !== '&') throw new BadToken(sep.op);
        pos++;
      }
    }
  } catch (err) {
    if (err instanceof Incomplete) return { kind: 'incomplete' };
    if (err instanceof BadToken) return { kind: 'error', token: err.message };
    throw err;
  }
  return { kind: 'ok', script };
}
