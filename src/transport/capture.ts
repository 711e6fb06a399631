/** Bounded capture of cleaned command output: the first `capBytes` are kept, the rest is
 * drained and discarded except a short rolling tail used to find the end (marker or prompt). */
import { applyLineEdits } from './terminal-text.js';

/** Keeps at most `capBytes` of output plus a tail window; memory stays bounded. */
export class CappedCapture {
  private head = '';
  private headBytes = 0;
  private tail = '';
  private frozen = false;
  /** Output beyond the cap was discarded. */
  truncated = false;

  constructor(
    private readonly capBytes: number,
    private readonly tailChars = 4096,
  ) {}

  /** Appends cleaned text (line edits applied). */
  append(text: string): void {
    if (this.frozen) {
      this.tail = applyLineEdits(this.tail, text).slice(-this.tailChars);
      return;
    }
    this.head = applyLineEdits(this.head, text);
    this.headBytes += Buffer.byteLength(text);
    // Slack of one tail window so an end marker/prompt just past the cap is still found whole.
    if (this.headBytes > this.capBytes + this.tailChars * 4) {
      const exact = Buffer.from(this.head);
      if (exact.length > this.capBytes + this.tailChars * 4) {
        this.tail = this.head.slice(-this.tailChars);
        this.head = cutToBytes(this.head, this.capBytes);
        this.frozen = true;
        this.truncated = true;
      } else {
        this.headBytes = exact.length;
      }
    }
  }

  /** The most recent `n` characters seen (for end detection). */
  recent(n: number): string {
    return this.frozen ? this.tail.slice(-n) : this.head.slice(-n);
  }

  /** Everything kept; when not frozen this is all text so far. */
  text(): string {
    return this.head;
  }

  /** Removes the last `n` characters of the not-yet-frozen text (e.g. a pager prompt). */
  dropLast(n: number): void {
    if (this.frozen) this.tail = this.tail.slice(0, Math.max(0, this.tail.length - n));
    else this.head = this.head.slice(0, Math.max(0, this.head.length - n));
  }

  /** Final output: `text` (the kept part up to the end) cut at the cap. */
  finish(text: string): { output: string; truncated: boolean } {
    if (Buffer.byteLength(text) > this.capBytes) return { output: cutToBytes(text, this.capBytes), truncated: true };
    return { output: text, truncated: this.truncated };
  }

  /** True once output beyond the cap is being discarded. */
  isFrozen(): boolean {
    return this.frozen;
  }
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function cutToBytes(text: string, maxBytes: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= maxBytes) return text;
  return buf.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD$/, '');
}
