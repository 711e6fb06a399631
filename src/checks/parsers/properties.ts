/** `key=value` files (connector.properties, docs/securex.md step 4) and a generic line splitter. */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

/** `key = value`: the key before the first `=`, both trimmed (indexOf, not a regex with
 * `[^=]*?\s*=`, which is quadratic on long runs of spaces: docs/faults.md). */
function property(line: string): [string, string] | undefined {
  const eq = line.indexOf('=');
  const key = eq < 0 ? '' : line.slice(0, eq).trim();
  return key === '' ? undefined : [key, line.slice(eq + 1).trim()];
}

/** Parses `key=value` lines; keys as written, values as strings. Comments (`#`, `!`) and blanks
 * are ignored — the seed capture starts with the echoed `# more /ngfw/etc/sf/connector.properties`. */
export function parseProperties(output: string, exitCode: number | null): ParseResult {
  const lines = contentLines(output);
  const fields: Fields = {};
  const strange: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith('!')) continue;
    const m = property(line);
    if (m) fields[m[0]] = m[1];
    else strange.push(line);
  }
  if (strange.length > 0 || (exitCode !== null && exitCode !== 0 && Object.keys(fields).length === 0)) {
    // `cat: /ngfw/etc/sf/connector.properties: No such file or directory` must not read as "no keys".
    return { fields: {}, error: detectShellError(output) ?? unrecognised('properties', strange.length > 0 ? strange : lines) };
  }
  return { fields };
}

/** Generic: the lines of the output (echo line and trailing blank lines removed). */
export function parseLines(output: string): ParseResult {
  const lines = contentLines(output);
  return { fields: { line_count: lines.length, lines } };
}
