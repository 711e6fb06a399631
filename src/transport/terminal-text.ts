/** Turning a PTY byte stream into plain text: ANSI escapes, BEL and CR handling.
 * FTD CLISH emits BEL (netmiko #698, unicon bell pattern) and shells emit ANSI colour/cursor
 * codes (ftd-connector strips them) — docs/devices.md "Quirks". */

const ESCAPE_SEQUENCE =
  // CSI ... final | OSC ... BEL/ST | charset designation | other two-byte escapes | 8-bit CSI
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-9A-Za-z]|\x1b[@-Z\\-_=>78]|\x9b[0-?]*[ -/]*[@-~]/g;
const STICKY_ESCAPE = new RegExp(ESCAPE_SEQUENCE.source, 'y');
/** Control characters that carry no text (everything except \t \n \r \b). */
const CONTROL_NOISE = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f]/g;
const MAX_CARRY_CHARS = 64;

/** Removes escapes and control noise from a complete string; `\r\n` → `\n`, bare `\r` kept. */
export function stripTerminalNoise(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\r+\n/g, '\n').replace(CONTROL_NOISE, '');
}

/** Streaming version of stripTerminalNoise: an escape sequence or `\r\n` split across chunks is
 * held back until the next chunk completes it. */
export class TerminalTextCleaner {
  private carry = '';

  /** Cleans one decoded chunk; may hold back a trailing fragment. */
  push(chunk: string): string {
    let text = this.carry + chunk;
    this.carry = '';
    const esc = text.lastIndexOf('\x1b');
    if (esc !== -1 && text.length - esc < MAX_CARRY_CHARS) {
      STICKY_ESCAPE.lastIndex = esc;
      if (!STICKY_ESCAPE.test(text)) {
        this.carry = text.slice(esc);
        text = text.slice(0, esc);
      }
    }
    if (this.carry === '') {
      const crs = /\r+$/.exec(text);
      if (crs) {
        this.carry = crs[0];
        text = text.slice(0, crs.index);
      }
    }
    return stripTerminalNoise(text);
  }

  /** Whatever is held back, cleaned (end of stream). */
  flush(): string {
    const rest = this.carry;
    this.carry = '';
    return stripTerminalNoise(rest).replace(/\r+$/, '');
  }
}

/** Applies the line edits a terminal would show: a bare `\r` returns to the start of the line
 * (pager erase `\r   \r`, progress meters), `\b` deletes the previous character. */
export function applyLineEdits(buffer: string, text: string): string {
  if (!/[\r\b]/.test(text)) return buffer + text;
  let out = buffer;
  for (const part of text.split(/([\r\b])/)) {
    if (part === '\r') {
      out = out.slice(0, out.lastIndexOf('\n') + 1);
    } else if (part === '\b') {
      if (out.length > 0 && !out.endsWith('\n')) out = out.slice(0, -1);
    } else {
      out += part;
    }
  }
  return out;
}

/** Last line of a buffer (text after the last `\n`). */
export function lastLineOf(buffer: string): string {
  return buffer.slice(buffer.lastIndexOf('\n') + 1);
}
