/** Declarative regex capture (`parse: { regex, all?, ignore_case?, types? }`): named groups become fields. */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { regexInputTooLong } from './regex-safety.js';

/** The declarative regex spec, as in ParseSpec. */
export interface RegexSpec {
  regex: string;
  all?: boolean;
  ignore_case?: boolean;
  types?: Record<string, 'number' | 'string'>;
}

/** Compiles the spec's regex (multiline: `^`/`$` match at line ends); throws SyntaxError if invalid. */
export function compileRegexSpec(spec: RegexSpec): RegExp {
  return new RegExp(spec.regex, `m${spec.ignore_case ? 'i' : ''}${spec.all ? 'g' : ''}`);
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
  let re: RegExp;
  try {
    re = compileRegexSpec(spec);
  } catch (e) {
    return { fields: {}, error: `invalid regex ${JSON.stringify(spec.regex)}: ${(e as Error).message}` };
  }
  const text = output.replace(/\r\n?/g, '\n');
  const tooLong = regexInputTooLong(text);
  if (tooLong) return { fields: {}, error: `regex parse: ${tooLong}` };
  const fields: Fields = {};
  try {
    if (!spec.all) {
      const m = re.exec(text);
      for (const [name, value] of Object.entries(m?.groups ?? {})) {
        if (value !== undefined) fields[name] = convert(name, value, spec);
      }
      return { fields };
    }
    const names = groupNames(re);
    const lists: Record<string, Array<string | number>> = Object.fromEntries(names.map((n) => [n, []]));
    for (const m of text.matchAll(re)) {
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value !== undefined) lists[name].push(convert(name, value, spec));
      }
    }
    return { fields: lists };
  } catch (e) {
    return { fields: {}, error: `regex parse: ${(e as Error).message}` };
  }
}

/** Names of the named groups of a regex, in order (read from its source: JavaScript offers no API). */
export function groupNames(re: RegExp): string[] {
  const names: string[] = [];
  for (const m of re.source.matchAll(/(?<!\\)\(\?<([A-Za-z_$][\w$]*)>/g)) names.push(m[1]);
  return names;
}
