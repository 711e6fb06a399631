/** The input side of a PTY: buffers what the client types, edits lines (backspace, Ctrl-U,
 * Ctrl-A/Ctrl-K as unicon sends them), echoes like a terminal, and turns Ctrl-C into an interrupt. */
import { StringDecoder } from 'node:string_decoder';

/** A line read from the terminal; `eof` for Ctrl-D on an empty line, `interrupt` for Ctrl-C. */
export type ReadResult = { kind: 'line'; text: string } | { kind: 'eof' } | { kind: 'interrupt' } | { kind: 'closed' };

/** Reads lines and keys from a channel's data events. */
export class LineReader {
  private buf = '';
  private pos = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  private readonly decoder = new StringDecoder('utf8');
  private interruptWaiters: Array<() => void> = [];
  /** True while a command runs: Ctrl-C then interrupts it instead of editing a line. */
  commandRunning = false;
  /** Echo not yet written: a real tty echoes what arrived in one read as one chunk, so the
   * echo of a line typed at once reaches the client in one packet, not one per character. */
  private pendingEcho = '';

  constructor(
    private readonly echo: (text: string) => void,
    private readonly onInterrupt: () => void,
  ) {}

  /** Feeds received bytes. */
  push(data: Buffer | string): void {
    let text = typeof data === 'string' ? data : this.decoder.write(data);
    if (this.commandRunning && text.includes('\x03') && this.interruptWaiters.length > 0) {
      // ISIG: Ctrl-C flushes pending input and signals the running command.
      text = text.slice(text.lastIndexOf('\x03') + 1);
      this.buf = '';
      this.pos = 0;
      this.onInterrupt();
      const waiters = this.interruptWaiters;
      this.interruptWaiters = [];
      for (const w of waiters) w();
    }
    this.buf = this.buf.slice(this.pos) + text;
    this.pos = 0;
    this.wakeUp();
  }

  /** Marks the input closed; pending reads return `closed`. */
  close(): void {
    this.closed = true;
    this.wakeUp();
    const waiters = this.interruptWaiters;
    this.interruptWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves on the next Ctrl-C (or when the channel closes) while a command runs. */
  interrupted(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.interruptWaiters.push(resolve));
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private flushEcho(): void {
    if (this.pendingEcho === '') return;
    const text = this.pendingEcho;
    this.pendingEcho = '';
    this.echo(text);
  }

  private emit(text: string): void {
    this.pendingEcho += text;
  }

  private async nextChar(): Promise<string | null> {
    while (this.pos >= this.buf.length) {
      this.flushEcho();
      if (this.closed) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.buf[this.pos++];
  }

  /** Reads one key (pager). */
  async readKey(): Promise<string | null> {
    return this.nextChar();
  }

  /** Reads one line; echoes typed characters when `echo` is true. */
  async readLine(echo: boolean): Promise<ReadResult> {
    let line = '';
    let cursorAtStart = false;
    for (;;) {
      const c = await this.nextChar();
      if (c === null) return { kind: 'closed' };
      if (c === '\r' || c === '\n') {
        // A PTY maps CR to NL (ICRNL); swallow the LF of a CRLF pair.
        if (c === '\r' && this.buf[this.pos] === '\n') this.pos++;
        if (echo) this.emit('\r\n');
        this.flushEcho();
        return { kind: 'line', text: line };
      }
      if (c === '\x03') {
        this.emit('^C\r\n');
        this.flushEcho();
        return { kind: 'interrupt' };
      }
      if (c === '\x04') {
        if (line === '') return { kind: 'eof' };
        continue;
      }
      if (c === '\x7f' || c === '\b') {
        if (line.length > 0) {
          line = line.slice(0, -1);
          if (echo) this.emit('\b \b');
        }
        continue;
      }
      if (c === '\x15' || (c === '\x0b' && cursorAtStart)) {
        if (echo && line.length > 0) this.emit('\b \b'.repeat(line.length));
        line = '';
        cursorAtStart = false;
        continue;
      }
      if (c === '\x01') {
        cursorAtStart = true;
        continue;
      }
      if (c === '\x1b') {
        // Skip a CSI sequence (arrow keys) typed by the client.
        if (this.buf[this.pos] === '[') {
          this.pos++;
          while (this.pos < this.buf.length && !/[@-~]/.test(this.buf[this.pos])) this.pos++;
          this.pos++;
        }
        continue;
      }
      if (c < ' ' && c !== '\t') continue;
      line += c;
      cursorAtStart = false;
      if (echo) this.emit(c);
    }
  }
}
