/**
 * The shape of a command template as the device's shell will read it: which programs it runs,
 * with which words and redirections, and where each hole stands. Used for:
 * - every level: a hole stands outside quotes and substitutions (firebook quotes values itself;
 *   a value quoted inside `'…'` would close the author's quote), never right after `$`, and
 *   never where the shell parses text again (`$(…)`, `sh -c`, `eval`…); no unquoted `#`
 *   starting a word, no unterminated quote, no here-document;
 * - CLISH read-only steps: the verb list (command/read-only.ts). Read-only steps at the POSIX
 *   levels are read into words by words.ts, the one reading that is judged and sent.
 * Stricter than a real shell on purpose: what it cannot read is refused, never guessed.
 */
import type { Level } from '../model/playbook.js';
import { CommandSyntaxError, commandTemplate, type CommandTemplate } from './template.js';

/** Stands for a hole in word texts. */
export const HOLE = '\uE000';

/** A word after quote removal; `holes` counts the holes in it; `offset` is in the template. */
export interface ShellWord {
  text: string;
  offset: number;
  holes: number;
}

/** `2>/dev/null`, `2>&1`, `< file`, `> file`… */
export interface Redirection {
  op: string;
  fd?: number;
  target?: ShellWord;
  offset: number;
}

/** One program run: its words (`words[0]` is the program) and redirections. */
export interface SimpleCommand {
  words: ShellWord[];
  redirections: Redirection[];
  offset: number;
}

/** A construct found while reading: what it is and where. */
export interface ShellFinding {
  kind: 'substitution' | 'background' | 'subshell' | 'heredoc' | 'history' | 'unterminated' | 'quoted-hole' | 'dollar-hole' | 'escaped-hole' | 'comment' | 'reparsed-hole';
  offset: number;
  text: string;
}

export interface CommandShape {
  template: CommandTemplate;
  commands: SimpleCommand[];
  /** Constructs the read-only rule refuses (substitutions, `&`, subshells, heredocs…). */
  findings: ShellFinding[];
}

const OPERATORS = ['&&', '||', ';', '|', '&', '(', ')'];

/** Reads a template as a POSIX shell line (levels expert/root). */
function readShell(t: CommandTemplate): CommandShape {
  // The skeleton: literal text with one HOLE character per hole; `at` maps each of its
  // characters back to its offset in the template (for positions in errors).
  let src = '';
  const at: number[] = [];
  let pos = 0;
  for (const p of t.parts) {
    if (p.kind === 'text') {
      for (let k = 0; k < p.text.length; k++) at.push(pos + k);
      src += p.text;
      pos += p.text.length;
    } else {
      src += HOLE;
      at.push(p.hole.offset);
      pos = t.source.indexOf('}}', p.hole.offset) + 2;
    }
  }

  const commands: SimpleCommand[] = [];
  const findings: ShellFinding[] = [];
  const where = (i: number) => (i < at.length ? at[i] : t.source.length);
  let cur: SimpleCommand = { words: [], redirections: [], offset: where(0) };
  let pendingRedirect: Redirection | undefined;
  const endCommand = () => {
    if (cur.words.length > 0 || cur.redirections.length > 0) commands.push(cur);
    cur = { words: [], redirections: [], offset: 0 };
  };
  const pushWord = (w: ShellWord) => {
    if (pendingRedirect) {
      pendingRedirect.target = w;
      cur.redirections.push(pendingRedirect);
      pendingRedirect = undefined;
      return;
    }
    if (cur.words.length === 0) cur.offset = w.offset;
    cur.words.push(w);
  };

  const escaped = new Set<number>(); // characters taken literally after a backslash
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    // Redirection: [n]> [n]>> [n]< [n]>& [n]<& &> <> <<
    const redir = /^(\d*)(<<-?|<>|>>|>\||>&|<&|&>>?|>|<)/.exec(src.slice(i));
    if (redir) {
      if (redir[2].startsWith('<<')) findings.push({ kind: 'heredoc', offset: where(i), text: redir[2] });
      if (src[i + redir[0].length] === '(') findings.push({ kind: 'substitution', offset: where(i), text: `${redir[2]}(` });
      pendingRedirect = { op: redir[2], fd: redir[1] ? Number(redir[1]) : undefined, offset: where(i) };
      i += redir[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      if (op === '&') findings.push({ kind: 'background', offset: where(i), text: '&' });
      if (op === '(' || op === ')') findings.push({ kind: 'subshell', offset: where(i), text: op });
      endCommand();
      i += op.length;
      continue;
    }
    // A word: runs until unquoted whitespace or an operator character.
    const start = i;
    // `#` starting a word comments out the rest of the line (and the transport's end marker).
    if (c === '#') findings.push({ kind: 'comment', offset: where(i), text: '#' });
    let text = '';
    let holes = 0;
    let quote: "'" | '"' | '' = '';
    for (; i < src.length; i++) {
      const ch = src[i];
      if (quote === "'") {
        if (ch === "'") quote = '';
        else if (ch === HOLE) findings.push({ kind: 'quoted-hole', offset: where(i), text: "'" });
        else text += ch;
        continue;
      }
      if (ch === HOLE) {
        if (quote === '"') findings.push({ kind: 'quoted-hole', offset: where(i), text: '"' });
        if (src[i - 1] === '$' && !escaped.has(i - 1)) findings.push({ kind: 'dollar-hole', offset: where(i), text: '$' });
        text += HOLE;
        holes++;
        continue;
      }
      if (ch === '\\') {
        // `\'…'`: the backslash would take the opening quote of a quoted value away.
        if (src[i + 1] === HOLE) findings.push({ kind: 'escaped-hole', offset: where(i + 1), text: '\\' });
        else if (i + 1 < src.length) {
          text += src[++i];
          escaped.add(i);
        }
        continue;
      }
      if (ch === '`') {
        findings.push({ kind: 'substitution', offset: where(i), text: '`' });
        continue;
      }
      if (ch === '$' && (src[i + 1] === '(' || src[i + 1] === "'" || src[i + 1] === '"' || src[i + 1] === '[')) {
        findings.push({ kind: 'substitution', offset: where(i), text: `$${src[i + 1]}` });
      }
      if (ch === '!') findings.push({ kind: 'history', offset: where(i), text: '!' });
      if (quote === '"') {
        if (ch === '"') quote = '';
        else text += ch;
        continue;
      }
      if (ch === "'" || ch === '"') {
        quote = ch;
        continue;
      }
      if (ch === ' ' || ch === '\t' || /[;&|()<>]/.test(ch)) break;
      text += ch;
    }
    if (quote) findings.push({ kind: 'unterminated', offset: where(start), text: quote });
    pushWord({ text, offset: where(start), holes });
  }
  if (pendingRedirect) cur.redirections.push(pendingRedirect);
  endCommand();
  for (const at of substitutedHoles(src)) findings.push({ kind: 'reparsed-hole', offset: where(at), text: '$(' });
  for (const cmd of commands) {
    const bad = reparsedHole(cmd);
    if (bad) findings.push({ kind: 'reparsed-hole', offset: bad.offset, text: bad.text });
  }
  return { template: t, commands, findings };
}

/** Holes inside `$(…)`, backquotes, `<(…)`, `>(…)`, `$((…))` or `((…))`: text the shell parses
 * (or evaluates) again. Over-strict on purpose: any hole after an unclosed opener counts. */
function substitutedHoles(src: string): number[] {
  const out: number[] = [];
  const stack: boolean[] = []; // per open parenthesis: does it re-parse?
  let quote = '';
  let backquote = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === HOLE) {
      if (backquote || stack.some((x) => x)) out.push(i);
      continue;
    }
    if (c === '`') backquote = !backquote;
    else if (c === '"') quote = quote === '"' ? '' : '"';
    else if (c === "'" && quote === '') quote = "'";
    else if (c === '(') stack.push(src[i - 1] === '$' || src[i - 1] === '<' || src[i - 1] === '>' || src[i + 1] === '(' || src[i - 1] === '(');
    else if (c === ')') stack.pop();
  }
  return out;
}

/** Programs whose operands are parsed again as shell text (or as arithmetic). */
const REPARSE = new Set(['eval', 'source', '.', 'xargs', 'ssh', 'let', 'trap', 'alias', 'watch', 'parallel']);
const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox', 'su']);
/** Programs that run the program named after them (`sudo sh -c …`). */
const PREFIXES = new Set(['sudo', 'doas', 'runuser', 'env', 'nohup', 'nice', 'ionice', 'timeout', 'time', 'exec', 'command', 'builtin', 'setsid', 'stdbuf', 'chroot', 'flock', 'setpriv', 'unshare', 'nsenter', 'systemd-run', 'pkexec', 'taskset', 'chrt']);
const DECLARE = new Set(['declare', 'typeset', 'local', 'export', 'readonly']);

/** A hole where the shell parses text again: the script of `sh -c`, after `eval`, `source`,
 * `.`, `xargs`, `ssh`, `let`; the operand of `test -v`; `[[ … -eq … ]]`; `declare -i`. */
function reparsedHole(cmd: SimpleCommand): ShellFinding | undefined {
  const words = cmd.words;
  const base = (w: ShellWord) => (w.holes > 0 ? '' : w.text.slice(w.text.lastIndexOf('/') + 1));
  const hole = (from: number) => words.slice(from).find((w) => w.holes > 0);
  const at = (w: ShellWord | undefined, text: string) => (w ? { kind: 'reparsed-hole' as const, offset: w.offset, text } : undefined);
  const first = words[0] ? base(words[0]) : '';
  const starts = PREFIXES.has(first) ? words.map((w, k) => k) : [0];
  for (const k of starts) {
    const name = words[k] ? base(words[k]) : '';
    if (REPARSE.has(name)) return at(hole(k + 1), name);
    if (SHELLS.has(name)) {
      for (let j = k + 1; j < words.length; j++) {
        const w = words[j];
        if (/^-[A-Za-z]*c/.test(w.text) || w.text === '--command') {
          if (w.holes > 0) return at(w, `${name} -c`);
          if (words[j + 1]?.holes) return at(words[j + 1], `${name} -c`);
        }
      }
    }
  }
  if (first === 'test' || first === '[' || first === '[[') {
    const v = words.findIndex((w) => w.text === '-v' || w.text === '-R');
    if (v >= 0 && words[v + 1]?.holes) return at(words[v + 1], 'test -v');
    if (first === '[[' && words.some((w) => /^-(eq|ne|lt|le|gt|ge)$/.test(w.text))) return at(hole(1), '[[ arithmetic');
  }
  if (DECLARE.has(first) && words.some((w) => /^-[A-Za-z]*i/.test(w.text))) return at(hole(1), `${first} -i`);
  return undefined;
}

/** Reads a template as a CLISH line: words separated by spaces, nothing else is syntax. */
function readClish(t: CommandTemplate): CommandShape {
  const words: ShellWord[] = [];
  let text = '';
  let holes = 0;
  let start = -1;
  let pos = 0;
  const flush = () => {
    if (start >= 0) words.push({ text, offset: start, holes });
    text = '';
    holes = 0;
    start = -1;
  };
  for (const p of t.parts) {
    if (p.kind === 'hole') {
      if (start < 0) start = p.hole.offset;
      text += HOLE;
      holes++;
      pos = t.source.indexOf('}}', p.hole.offset) + 2;
      continue;
    }
    for (let k = 0; k < p.text.length; k++) {
      const ch = p.text[k];
      if (ch === ' ' || ch === '\t') flush();
      else {
        if (start < 0) start = pos + k;
        text += ch;
      }
    }
    pos += p.text.length;
  }
  flush();
  const commands = words.length > 0 ? [{ words, redirections: [], offset: words[0].offset }] : [];
  return { template: t, commands, findings: [] };
}

/** Reads a command template for its level. Throws CommandSyntaxError for a bad template. */
export function commandShape(source: string, level: Level): CommandShape {
  const t = commandTemplate(source);
  return level === 'cli' ? readClish(t) : readShell(t);
}

const PLACEMENT: Partial<Record<ShellFinding['kind'], string>> = {
  'quoted-hole': 'a {{variable}} inside quotes: write it outside quotes, firebook quotes every value itself',
  'dollar-hole': "a {{variable}} right after '$' would be read as shell syntax",
  'escaped-hole': "a {{variable}} right after '\\' would lose its quoting",
  comment: "an unquoted '#' starting a word comments out the rest of the line; put it in quotes",
  unterminated: 'unterminated quote: a command is one line, the shell would wait for the rest',
  heredoc: 'here-documents are not allowed in a command: a command is one line',
  'reparsed-hole': 'a {{variable}} where the shell parses text again (%s) would run its value as code; refused',
};

const CHECKED = new Set<string>();

/** Checks a command template for its level: the language (parseCommandTemplate) and where the
 * holes stand (outside quotes, not after `$` or `\`). Throws CommandSyntaxError. */
export function checkCommandTemplate(source: string, level: Level): void {
  const key = `${level}\u0000${source}`;
  if (CHECKED.has(key)) return;
  const shape = commandShape(source, level);
  const bad = shape.findings.find((f) => PLACEMENT[f.kind]);
  if (bad) throw new CommandSyntaxError(PLACEMENT[bad.kind]!.replace('%s', bad.text === '$(' ? 'inside $(…), backquotes or arithmetic' : `as the text of ${bad.text}`), source, bad.offset);
  if (CHECKED.size > 2000) CHECKED.clear();
  CHECKED.add(key);
}
