/** Terminal display width: CJK text (Japanese labels, device names) and most emoji take two
 * columns, combining marks and zero-width characters none, so cutting a line by `.length`
 * would wrap a `--lang ja` progress line or misalign the recap. The widths are string-width's
 * (Unicode East Asian Width and emoji data, one grapheme at a time). */
import stringWidth from 'string-width';

/** Columns `text` takes on a terminal (no control characters expected: see toOneLine). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `text` to at most `maxColumns` terminal columns, ending in `…` when cut. Cuts between
 * graphemes only: an accent stays on its letter, an emoji sequence stays whole. */
export function cutToWidth(text: string, maxColumns: number): string {
  if (displayWidth(text) <= maxColumns) return text;
  if (maxColumns < 1) return '';
  let out = '';
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = stringWidth(segment);
    if (width + w > maxColumns - 1) break;
    out += segment;
    width += w;
  }
  return `${out}…`;
}
