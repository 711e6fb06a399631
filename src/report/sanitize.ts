/**
 * Device output is hostile text: it can hold ANSI escapes, BEL, NUL and markup. Every string
 * that reaches a report or the terminal passes through `toVisibleText` first, so control
 * characters show as visible symbols (`\x1b` → `␛`) instead of acting on the reader's terminal
 * or breaking XML (which forbids most C0 characters outright). Non-ASCII text (Japanese) is kept.
 *
 * Bidirectional controls and zero-width characters are shown too (`<U+202E>`): a host name or
 * a line of output holding them ("Trojan Source") would otherwise reorder or hide what an
 * auditor reads. The JSON report keeps the data but writes them as `\u202e` escapes.
 */

import { isSecretName, redact, REDACTED } from '../model/redact.js';

/** Bidirectional controls (LRE..RLO, LRI..PDI, LRM, RLM, ALM) and zero-width characters
 * (ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM). */
export const BIDI_AND_ZERO_WIDTH = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** C0 controls except TAB and LF, DEL, C1 controls, lone surrogates, XML's U+FFFE/U+FFFF, and
 * BIDI_AND_ZERO_WIDTH. */
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const codePoint = (code: number) => `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;

function visibleFor(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀..␟ (␛ for ESC)
  if (code === 0x7f) return '\u2421'; // ␡
  // C1 controls, bidirectional and zero-width characters; lone surrogates and U+FFFE/U+FFFF
  // cannot be written at all.
  if (code < 0xd800 || code === 0xfeff) return codePoint(code);
  return '\ufffd';
}

/** Makes control characters visible; `\r\n` and lone `\r` become `\n`. Idempotent. */
export function toVisibleText(text: string | undefined | null): string {
  if (text === undefined || text === null) return '';
  return String(text).replace(/\r\n?/g, '\n').replace(UNSAFE_CHARS, visibleFor);
}

/** For the terminal, line by line (error messages, `inventory --graph`): like `toVisibleText`,
 * but a CR is shown (`␍`), never turned into a line break, so one message stays one line. */
export function toTerminalText(text: string): string {
  return text.replace(UNSAFE_CHARS, visibleFor);
}

/** Like `toVisibleText`, for one-line contexts (table cells, attributes, console lines):
 * newlines and tabs become spaces. */
export function toOneLine(text: string | undefined | null): string {
  return toVisibleText(text).replace(/[\n\t]+/g, ' ').trim();
}

/** JSON text with C1 controls (JSON.stringify escapes only C0) and BIDI_AND_ZERO_WIDTH written
 * as `\uXXXX` escapes. They only occur inside strings, where the escape means the same
 * character: the data is kept, a viewer or terminal shows it. */
export function escapeInvisibleJson(json: string): string {
  return json.replace(/[\u0080-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes text for XML character data and attribute values (quotes included). */
export function escapeXml(text: string): string {
  return toVisibleText(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Shortens text to `maxChars`, marking the cut. */
export function truncateText(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}

/** Ansible's `--ask-pass`, `--ask-become-pass`, `--ask-vault-pass`: secret-looking names, but
 * booleans — the next argument is a playbook, not a password. */
const BOOLEAN_SECRET_FLAG = /^--ask-/;

/** Masks one value: `name=value` pairs (space-separated, as `-e 'a=1 b=2'` takes them), where a
 * secret name masks its value and any other value is examined again (`x=ansible_password=v`);
 * inline JSON/YAML extra-vars holding a secret-looking name anywhere are masked whole. */
function maskValue(text: string): string {
  const t = text.trim();
  // `{"ssh_pass": "x"}`, `[...]`, `{ssh_pass: x}` or `password: x`: structure we do not parse;
  // masking the whole value is the safe choice (the secret may sit under any key).
  if (/[{[]/.test(t) && isSecretName(t)) return REDACTED;
  if (!t.includes('=')) return /:/.test(t) && isSecretName(t) ? REDACTED : text;
  return text
    .split(/(\s+)/)
    .map((token) => {
      const eq = token.indexOf('=');
      if (eq <= 0) return /:/.test(token) && isSecretName(token) ? REDACTED : token;
      const name = token.slice(0, eq);
      return isSecretName(name) ? `${name}=${REDACTED}` : `${name}=${maskValue(token.slice(eq + 1))}`;
    })
    .join('');
}

/** Masks secret-looking values in argv, names judged by `isSecretName` (model/redact.ts):
 * `--x-password v` and `--x-password=v` (the value masked whole), `-e a_token=v` and
 * `--extra-vars=a_token=v`, `-e 'user=u password=v'`, and JSON/YAML inline extra-vars holding a
 * secret-looking name (masked whole). A careless renderer would otherwise print `-e ssh_password=...`. */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) {
      out.push(maskValue(arg));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq < 0) {
      out.push(arg);
      if (isSecretName(arg) && !BOOLEAN_SECRET_FLAG.test(arg) && i + 1 < argv.length) {
        out.push(REDACTED);
        i++;
      }
      continue;
    }
    const flag = arg.slice(0, eq);
    out.push(isSecretName(flag) ? `${flag}=${REDACTED}` : `${flag}=${maskValue(arg.slice(eq + 1))}`);
  }
  return out;
}

/** `maskArgv`, then `redact()` of each element with the given secret values (e.g. every host's
 * secrets), so a secret passed under an innocent name (`-e x=<password>`) is masked too. */
export function redactArgv(argv: readonly string[], secrets: readonly string[]): string[] {
  return maskArgv(argv).map((arg) => redact(arg, secrets));
}

/** A field value as text. */
export function fieldText(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (Array.isArray(value)) return toVisibleText(value.map(String).join(', '));
  return toVisibleText(String(value));
}
