/** Helpers shared by the parsers: line splitting, echo-line removal, shell error detection.
 *
 * Every parser runs in time linear in its input (docs/faults.md "Denial of service"): a regex
 * here is anchored or starts with a literal, and never has two quantifiers that can match the
 * same characters next to each other (`\s*(.*?)\s*`, `\s*-*\s*`); labels, values and titles
 * are cut with indexOf and trim instead. test/checks/parsers-linear.test.ts holds them to it. */

// A root/expert prompt followed by a command, as in the seed captures:
// `root@ftd01:~# curl -v -k ...`, `root@firepower:# lsof -i | grep conn`,
// `root@firepower:/ngfw/var/log/connector# lsof ...` (the guide's captures, docs/securex.md).
const SHELL_ECHO = /^[\w.-]+@[\w.-]+:[^\s#$]*\s?[#$]\s*\S/;
// The CLISH prompt followed by a command word: `> show network` (docs/securex.md step 2).
const CLISH_ECHO = /^>\s*[a-z][\w-]*(\s|$)/;

/** Splits output into lines (CRLF/CR tolerant, BEL and ANSI escapes removed). */
export function splitLines(output: string): string[] {
  // Transport already cleans output, but recorded evidence may not be (docs/devices.md "Quirks": BEL).
  const clean = output.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\x07/g, '').replace(/\r\n?/g, '\n');
  const lines = clean.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/** True when a line is an echoed command with its prompt. */
export function isEchoLine(line: string): boolean {
  return SHELL_ECHO.test(line) || CLISH_ECHO.test(line);
}

/** Lines without leading blank lines and without a leading echoed command line. */
export function contentLines(output: string): string[] {
  const lines = splitLines(output);
  let start = 0;
  while (start < lines.length && lines[start].trim() === '') start++;
  if (start < lines.length && isEchoLine(lines[start])) start++;
  return lines.slice(start);
}

const SHELL_ERRORS: Array<[RegExp, string]> = [
  [/No such file or directory/i, 'file not found'],
  [/command not found/i, 'command not found'],
  [/Permission denied/i, 'permission denied'],
  [/^Syntax error/m, 'CLI syntax error'],
  [/^ERROR:/m, 'CLI error'],
];

/** Names a shell/CLI error visible in the output (`cat: x: No such file or directory`), if any. */
export function detectShellError(output: string): string | undefined {
  for (const [re, what] of SHELL_ERRORS) {
    const m = re.exec(output);
    if (m) {
      const line = output.split('\n').find((l) => re.test(l)) ?? m[0];
      return `${what}: ${line.trim().slice(0, 200)}`;
    }
  }
  return undefined;
}

/** Message for output the parser does not recognise (first line quoted, shortened). */
export function unrecognised(parser: string, lines: string[]): string {
  const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
  return first === ''
    ? `${parser}: empty output, nothing to parse`
    : `${parser}: unrecognised output (first line: ${JSON.stringify(first.slice(0, 120))})`;
}

/** The title of a boxed header line, `--------[ title ]--------`: the text between the first
 * `[` and the last `]`, trimmed, when what is before the `[` and after the `]` is, once trimmed,
 * a non-empty run that `edge` accepts (e.g. /^[=-]+$/). Undefined for any other line. */
export function boxedTitle(line: string, edge: RegExp): string | undefined {
  const open = line.indexOf('[');
  const close = line.lastIndexOf(']');
  if (open < 0 || close < open) return undefined;
  if (!edge.test(line.slice(0, open).trim()) || !edge.test(line.slice(close + 1).trim())) return undefined;
  return line.slice(open + 1, close).trim();
}

/** A `Label : value` line: the label before the first `:` (trimmed, accepted by `label`) and
 * the value after it (trimmed). A value must be separated from the `:` by whitespace, so
 * `2620:119::35` is not a label; `allowBare`: a line ending at the `:` is one (empty value). */
export function labelledValue(line: string, label: RegExp, opts: { allowBare: boolean }): { label: string; value: string } | undefined {
  const colon = line.indexOf(':');
  if (colon < 0) return undefined;
  const name = line.slice(0, colon).trim();
  if (!label.test(name)) return undefined;
  const rest = line.slice(colon + 1);
  if (rest === '' ? !opts.allowBare : !/^\s/.test(rest)) return undefined;
  return { label: name, value: rest.trim() };
}

/** Converts a decimal string to a number when it is one, else keeps the string. */
export function toNumberIfNumeric(value: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/** Unique values in first-seen order. */
export function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
