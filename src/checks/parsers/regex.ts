/** Playbook regexes — `parse: { regex, all?, ignore_case?, types? }` (named groups become fields)
 * and the conditions `matches`, `not_matches`, `count.pattern` — run on RE2 (the `re2js`
 * package): matching takes time linear in the text whatever the pattern, so nothing a device
 * prints can freeze a run. RE2 has no lookaround and no backreferences; such a pattern is
 * refused at validate. See docs/playbooks.md "Regexes" and docs/faults.md "Playbook regexes". */
import { RE2JS } from 're2js';
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';

/** The declarative regex spec, as in ParseSpec. */
export interface RegexSpec {
  regex: string;
  all?: boolean;
  ignore_case?: boolean;
  types?: Record<string, 'number' | 'string'>;
}

/** Compiles a playbook regex: multiline always (`^`/`$` match at line ends), case-insensitive
 * on request. Throws when RE2 cannot compile it (playbookRegexError says why). */
export function compilePlaybookRegex(source: string, ignoreCase = false): RE2JS {
  return RE2JS.compile(source, RE2JS.MULTILINE | (ignoreCase ? RE2JS.CASE_INSENSITIVE : 0));
}

/** Why RE2 refuses the pattern (its own words, e.g. "invalid or unsupported Perl syntax: `(?=`"),
 * or undefined when it compiles. */
export function playbookRegexError(source: string): string | undefined {
  try {
    // No flags: they do not change what compiles, and would show up in the message as `(?m)`.
    RE2JS.compile(source);
    return undefined;
  } catch (e) {
    const why = (e as Error).message.replace(/^error parsing regexp: /, '');
    // RE2 reads `(?<=` / `(?<!` as a bad group name and `\1` as a bad escape: name them.
    if (/^invalid named capture: `\(\?<[=!]/.test(why)) return `lookbehind is not supported: ${why.slice(why.indexOf('`'), why.indexOf('`') + 5)}\``;
    if (/^invalid escape sequence: `\\([1-9]|k)/.test(why)) return `backreference is not supported: ${why.slice(why.indexOf('`'))}`;
    return why;
  }
}

/** Compiles the spec's regex (see compilePlaybookRegex); throws if RE2 refuses it. */
export function compileRegexSpec(spec: RegexSpec): RE2JS {
  return compilePlaybookRegex(spec.regex, spec.ignore_case === true);
}

/** Names of the named groups (`(?<n>…)`, `(?P<n>…)`), in the order they open. */
export function groupNames(re: RE2JS): string[] {
  return Object.entries(re.namedGroups())
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name);
}

/** The text a playbook regex reads: `\r\n` and a lone `\r` become `\n`, so `$` and `.` see
 * one kind of line end (RE2's `$` stops only before `\n`). */
export function regexText(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** How many (non-overlapping) matches the text holds, as JavaScript's matchAll counts them. */
export function regexCount(re: RE2JS, text: string): number {
  let n = 0;
  for (const _ of re.matchAll(regexText(text))) n++;
  return n;
}

function convert(name: string, value: string, spec: RegexSpec): string | number {
  if (spec.types?.[name] !== 'number') return value;
  const n = Number(value.trim());
  if (value.trim() === '' || Number.isNaN(n)) throw new Error(`group "${name}" captured ${JSON.stringify(value)}, not a number`);
  return n;
}

/** Applies the spec. No match → the groups are absent (a condition on them is undecidable), no error.
 * With `all`, each named group is a list (empty when nothing matched). */
export function parseWithRegex(spec: RegexSpec, output: string): ParseResult {
  let re: RE2JS;
  try {
    re = compileRegexSpec(spec);
  } catch {
    return { fields: {}, error: `invalid regex ${JSON.stringify(spec.regex)}: ${playbookRegexError(spec.regex)}` };
  }
  const text = regexText(output);
  const fields: Fields = {};
  try {
    if (!spec.all) {
      const m = re.exec(text) as RegExpExecArray | null;
      for (const [name, value] of Object.entries(m?.groups ?? {})) {
        if (value !== undefined) fields[name] = convert(name, value, spec);
      }
      return { fields };
    }
    const lists: Record<string, Array<string | number>> = Object.fromEntries(groupNames(re).map((n) => [n, []]));
    for (const m of re.matchAll(text)) {
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value !== undefined) lists[name].push(convert(name, value, spec));
      }
    }
    return { fields: lists };
  } catch (e) {
    return { fields: {}, error: `regex parse: ${(e as Error).message}` };
  }
}
