/**
 * Device output is hostile text: it can hold ANSI escapes, BEL, NUL and markup. Every string
 * that reaches a report or the terminal passes through `toVisibleText` first, so control
 * characters show as visible symbols (`\x1b` → `␛`) instead of acting on the reader's terminal
 * or breaking XML (which forbids most C0 characters outright). Non-ASCII text (Japanese) is kept.
 */

/** C0 controls except TAB and LF, DEL, C1 controls, lone surrogates and XML's U+FFFE/U+FFFF. */
const UNSAFE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleFor(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code); // ␀..␟ (␛ for ESC)
  if (code === 0x7f) return '\u2421'; // ␡
  if (code >= 0x80 && code <= 0x9f) return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
  return '\ufffd';
}

/** Makes control characters visible; `\r\n` and lone `\r` become `\n`. Idempotent. */
export function toVisibleText(text: string | undefined | null): string {
  if (text === undefined || text === null) return '';
  return String(text).replace(/\r\n?/g, '\n').replace(UNSAFE_CHARS, visibleFor);
}

/** Like `toVisibleText`, for one-line contexts (table cells, attributes, console lines):
 * newlines and tabs become spaces. */
export function toOneLine(text: string | undefined | null): string {
  return toVisibleText(text).replace(/[\n\t]+/g, ' ').trim();
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

/** Command-line flags and `name=value` pairs whose values are secrets by name (see
 * model/redact.ts); a careless renderer would otherwise print `-e ssh_password=...`. */
const SECRET_ARG = /(pass(word|wd|phrase)?|secret|token|api[_-]?key|private[_-]?key|credential|vault)/i;

/** Masks secret-looking values in argv: `--x-password=v`, `--x-password v`, `-e a_token=v`,
 * and JSON/YAML inline extra-vars holding a secret-looking key (masked whole). */
export function maskArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq < 0 && SECRET_ARG.test(arg) && i + 1 < argv.length) {
      out.push(arg, '********');
      i++;
    } else if (eq > 0 && SECRET_ARG.test(arg.slice(0, eq))) {
      out.push(`${arg.slice(0, eq)}=********`);
    } else if (/[{:]/.test(arg) && SECRET_ARG.test(arg)) {
      out.push('********');
    } else if (/\s/.test(arg) && arg.split(/\s+/).some((part) => part.includes('=') && SECRET_ARG.test(part.split('=')[0]))) {
      out.push(arg.split(/\s+/).map((p) => (p.includes('=') && SECRET_ARG.test(p.split('=')[0]) ? `${p.split('=')[0]}=********` : p)).join(' '));
    } else {
      out.push(arg);
    }
  }
  return out;
}
