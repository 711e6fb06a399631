/** Terminal display width: CJK text (Japanese labels, device names) takes two columns per
 * character, so cutting a line by `.length` would still wrap a `--lang ja` progress line. */

/** East Asian Wide and Fullwidth ranges (the ones Japanese text uses), per UAX #11. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Columns `text` takes on a terminal (no control characters expected: see toOneLine). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
  return width;
}

/** Cuts `text` to at most `maxColumns` terminal columns, ending in `…` when cut. */
export function cutToWidth(text: string, maxColumns: number): string {
  if (displayWidth(text) <= maxColumns) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = isWide(ch.codePointAt(0) ?? 0) ? 2 : 1;
    if (width + w > maxColumns - 1) break;
    out += ch;
    width += w;
  }
  return maxColumns >= 1 ? `${out}…` : '';
}
