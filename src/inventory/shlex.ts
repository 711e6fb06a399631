/**
 * POSIX `shlex.split(line, comments=True)`, the tokenizer Ansible's INI inventory uses for
 * host lines (ansible/plugins/inventory/ini.py `_parse_host_definition`). Its quirks matter
 * for compatibility: quotes are removed before the value is typed (`x="5"` is the integer 5),
 * and `#` starts a comment even in the middle of a word (`pw=a#b` is `a`).
 */

/** Thrown for an unterminated quote or a trailing escape, as Python's shlex does. */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

/** Splits `line` into words like Python's `shlex.split(line, comments=True, posix=True)`;
 * with `comments: false`, `#` is an ordinary character (`-e` key=value text). */
export function splitShellWords(line: string, opts: { comments?: boolean } = {}): string[] {
  const comments = opts.comments ?? true;
  const words: string[] = [];
  let token = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(token);
      token = '';
      inWord = false;
      i++;
    } else if (c === '#' && comments) {
      // Comment to end of line; emits the current word first.
      break;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      token += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      token += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ShlexError('No closing quotation');
        const d = line[i];
        if (d === '"') break;
        // In double quotes a backslash escapes only `"` and `\`.
        if (d === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          token += line[i + 1];
          i += 2;
          continue;
        }
        if (d === '\\' && i + 1 >= line.length) throw new ShlexError('No escaped character');
        token += d;
        i++;
      }
      inWord = true;
      i++;
    } else {
      token += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(token);
  return words;
}
