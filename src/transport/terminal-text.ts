/** Turning a PTY byte stream into plain text: ANSI escapes, control strings, BEL and CR handling.
 * FTD CLISH emits BEL (netmiko #698, unicon bell pattern) and shells emit ANSI colour/cursor
 * codes and window-title strings (docs/shells.md, docs/devices.md "Prompts"). Everything is cleaned here,
 * before any matching. */

/** Control strings: DCS `ESC P`, SOS `ESC X`, OSC `ESC ]`, PM `ESC ^`, APC `ESC _` (and their 8-bit
 * C1 forms), ended by ST (`ESC \` or 0x9c) or BEL. Their whole payload is removed, not just
 * the introducer. */
const CONTROL_STRING = /(?:\x1b[PX\]^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c)/;
const CONTROL_STRING_START = /\x1b[PX\]^_]|[\x90\x98\x9d\x9e\x9f]/;
const CONTROL_STRING_END = /\x07|\x1b\\|\x9c/;
const ESCAPE_SEQUENCE = new RegExp(
  // control string | CSI ... final | charset designation | other two-byte escapes (not the
  // introducers of control strings: an unterminated one must stay visible to the caller) | 8-bit CSI
  `${CONTROL_STRING.source}|\\x1b\\[[0-?]*[ -/]*[@-~]|\\x1b[()*+][0-9A-Za-z]|\\x1b[@-OQ-WYZ\\\\=>78]|\\x9b[0-?]*[ -/]*[@-~]`,
  'g',
);
const STICKY_ESCAPE = new RegExp(ESCAPE_SEQUENCE.source, 'y');
/** Control characters that carry no text (everything except \t \n \r \b), C1 controls included. */
const CONTROL_NOISE = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]/g;
/** Any control character besides \t \n \r \b: every escape, control string and noise starts with one. */
const HAS_CONTROL = new RegExp(CONTROL_NOISE.source);
const MAX_CARRY_CHARS = 64;

/** Removes escapes, control strings and control noise from a complete string; `\r\n` → `\n`,
 * bare `\r` kept. An unterminated control string is dropped to the end. */
export function stripTerminalNoise(text: string): string {
  let t = text.replace(ESCAPE_SEQUENCE, '');
  const open = CONTROL_STRING_START.exec(t);
  if (open) t = t.slice(0, open.index);
  return t.replace(/\r+\n/g, '\n').replace(CONTROL_NOISE, '');
}

/** Streaming version of stripTerminalNoise: an escape sequence, a control string (however long)
 * or `\r\n` split across chunks is held back or skipped until a later chunk completes it. */
export class TerminalTextCleaner {
  private carry = '';
  /** Inside a control string whose terminator has not arrived yet: its payload is skipped. */
  private inControlString = false;

  /** Cleans one decoded chunk; may hold back a trailing fragment. */
  push(chunk: string): string {
    let text = this.carry + chunk;
    this.carry = '';
    if (!this.inControlString && !HAS_CONTROL.test(text)) return this.plain(text);
    if (this.inControlString) {
      const end = CONTROL_STRING_END.exec(text);
      if (!end) {
        // Keep a lone trailing ESC: it may be the first half of ST (`ESC \`).
        if (text.endsWith('\x1b')) this.carry = '\x1b';
        return '';
      }
      this.inControlString = false;
      text = text.slice(end.index + end[0].length);
    }
    text = text.replace(ESCAPE_SEQUENCE, '');
    const open = CONTROL_STRING_START.exec(text);
    if (open) {
      // Complete control strings are gone; this one ends in a later chunk.
      this.inControlString = true;
      const rest = text.slice(open.index + open[0].length);
      if (rest.endsWith('\x1b')) this.carry = '\x1b';
      text = text.slice(0, open.index);
    } else {
      const esc = text.lastIndexOf('\x1b');
      if (esc !== -1 && text.length - esc < MAX_CARRY_CHARS) {
        STICKY_ESCAPE.lastIndex = esc;
        if (!STICKY_ESCAPE.test(text)) {
          this.carry = text.slice(esc);
          text = text.slice(0, esc);
        }
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

  /** Text with no control character but line ends (most output): only `\r\n` → `\n`, and trailing
   * CRs held back (their `\n` may come in the next chunk). The same result as the full path. */
  private plain(text: string): string {
    let end = text.length;
    while (end > 0 && text.charCodeAt(end - 1) === 0x0d) end--;
    if (end < text.length) {
      this.carry = text.slice(end);
      text = text.slice(0, end);
    }
    return text.includes('\r') ? text.replace(/\r+\n/g, '\n') : text;
  }

  /** Whatever is held back, cleaned (end of stream). */
  flush(): string {
    const rest = this.inControlString ? '' : this.carry;
    this.carry = '';
    this.inControlString = false;
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

/** Device text made safe and visible for a one-line message: control characters (ESC, CR,
 * BEL, C1…) as `\xNN`/`\r`/`\n`, backslash doubled, non-ASCII text kept. */
export function escapeDeviceText(text: string): string {
  return text.replace(/[\\\x00-\x1f\x7f-\x9f]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
