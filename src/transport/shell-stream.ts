/** The one interactive PTY channel of a session: decodes and cleans what arrives, hands it to
 * one waiter at a time, and turns a lost channel or an abort into a TransportError. */
import { StringDecoder } from 'node:string_decoder';
import type { Duplex } from 'node:stream';
import { TransportError } from '../model/transport.js';
import { TerminalTextCleaner, applyLineEdits } from './terminal-text.js';

/** Returned by waitFor when the time ran out. */
export const TIMED_OUT: unique symbol = Symbol('timed-out');

/** A feed function: receives cleaned text, returns a value once it has seen enough. */
export type Feed<T> = (text: string) => T | undefined;

const IDLE_BUFFER_CHARS = 64 * 1024;
const RAW_TAIL_CHARS = 160;

interface Waiter {
  feed: Feed<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/** Wraps the shell channel (a Duplex). Not re-entrant: one waiter at a time. */
export class ShellStream {
  private readonly decoder = new StringDecoder('utf8');
  private readonly cleaner = new TerminalTextCleaner();
  /** Text that arrived while nobody waited (bounded). */
  private idle = '';
  private waiter: Waiter | undefined;
  /** The last raw (uncleaned) text received, for error messages. */
  private rawTail = '';
  private failure: TransportError | undefined;

  constructor(
    private readonly channel: Duplex,
    private readonly onRaw?: (chunk: string) => void,
  ) {
    const onData = (data: Buffer): void => this.receive(this.decoder.write(data));
    channel.on('data', onData);
    (channel as Duplex & { stderr?: Duplex }).stderr?.on('data', onData);
    channel.on('close', () => this.fail(new TransportError('disconnected', 'the device closed the shell')));
    channel.on('error', (err: Error) => this.fail(new TransportError('disconnected', `shell channel error: ${err.message}`)));
  }

  private receive(decoded: string): void {
    if (decoded === '') return;
    this.onRaw?.(decoded);
    this.rawTail = (this.rawTail + (decoded.length > RAW_TAIL_CHARS ? decoded.slice(-RAW_TAIL_CHARS) : decoded)).slice(-RAW_TAIL_CHARS);
    const text = this.cleaner.push(decoded);
    if (text === '') return;
    if (!this.waiter) {
      this.idle = applyLineEdits(this.idle, text).slice(-IDLE_BUFFER_CHARS);
      return;
    }
    this.deliver(text);
  }

  private deliver(text: string): void {
    const w = this.waiter;
    if (!w) return;
    let value: unknown;
    try {
      value = w.feed(text);
    } catch (err) {
      this.settle();
      w.reject(err);
      return;
    }
    if (value !== undefined) {
      this.settle();
      w.resolve(value);
    }
  }

  private settle(): void {
    if (this.waiter) clearTimeout(this.waiter.timer);
    this.waiter = undefined;
  }

  /** Ends the stream for good: the current waiter (and all later ones) reject with `error`. */
  fail(error: TransportError): void {
    if (this.failure) return;
    this.failure = error;
    const w = this.waiter;
    this.settle();
    w?.reject(error);
  }

  /** The error that ended the stream, if any. */
  get failed(): TransportError | undefined {
    return this.failure;
  }

  /** Feeds text (first anything buffered while idle) to `feed` until it returns a value, or
   * resolves TIMED_OUT after `timeoutMs`. Rejects when the channel is lost or on fail(). */
  waitFor<T>(feed: Feed<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.waiter) return Promise.reject(new TransportError('internal', 'shell is busy (concurrent wait)'));
    return new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle();
        resolve(TIMED_OUT);
      }, timeoutMs);
      this.waiter = { feed, resolve: resolve as (v: unknown) => void, reject, timer };
      const pending = this.idle;
      this.idle = '';
      if (pending !== '') this.deliver(pending);
    });
  }

  /** The last raw characters the device sent (escape sequences included), for messages. */
  recentRaw(): string {
    return this.rawTail;
  }

  /** Drops text buffered while idle (stale prompts) before a new exchange. */
  discardIdle(): void {
    this.idle = '';
  }

  /** Sends text to the shell. */
  write(text: string): void {
    if (this.failure) throw this.failure;
    this.channel.write(text);
  }
}
