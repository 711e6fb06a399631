/** events.jsonl: one JSON event per line, appended and flushed as the run goes, so a killed
 * run still leaves a readable log. */
import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import { PRIVATE_FILE_MODE } from '../io/atomic-file.js';
import { UserError } from '../model/errors.js';
import type { RunEvent } from '../model/events.js';
import { readTextChunks } from './json-stream.js';

/** An open events.jsonl (or another JSON-lines log of `{ type, ... }` objects, e.g. a journal). */
export interface EventLog<E extends { type: string } = RunEvent> {
  /** Appends one event as one line, written through to the OS before returning (and, with
   * `fsync`, to the disk). */
  append(event: E): void;
  /** Flushes to disk (fsync) and closes. Safe to call twice. */
  close(): void;
}

/** Options of an event log. */
export interface EventLogOptions<E = unknown> {
  /** fsync after every line: the line is on disk before append returns, so it survives a
   * power cut, not only a killed process. The change journal needs it (a line written
   * before a device command is the promise resume relies on); events.jsonl does not. */
  fsync?: boolean;
  /** Create the file, refusing one that exists or a symlink (O_EXCL | O_NOFOLLOW): a journal is
   * never appended to an old one, nor written through a link planted in the run folder. */
  exclusive?: boolean;
  /** File mode when the file is created (default 0600: the owner's alone). */
  mode?: number;
  /** The line for an event (default JSON.stringify); the journal adds its hash chain here. */
  serialize?: (event: E) => string;
}

/** Opens (creating or appending to) an event log. */
export function openEventLog<E extends { type: string } = RunEvent>(path: string, opts: EventLogOptions<E> = {}): EventLog<E> {
  const flags = opts.exclusive ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_APPEND : 'a';
  // Events and journals may hold more than a report shows: the owner's alone (docs/secrets.md).
  let fd: number | undefined = openSync(path, flags, opts.mode ?? PRIVATE_FILE_MODE);
  const serialize = opts.serialize ?? ((e: E) => JSON.stringify(e));
  return {
    append(event) {
      if (fd === undefined) throw new Error(`event log ${path} is closed`);
      // writeSync on the fd: no user-space buffer, so a crash loses at most this line.
      writeSync(fd, serialize(event) + '\n');
      if (opts.fsync) fsyncSync(fd);
    },
    close() {
      if (fd === undefined) return;
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
        fd = undefined;
      }
    },
  };
}

/**
 * Reads an event log a line at a time (the file is never one string in memory). A truncated or
 * unparsable LAST line (the run was killed mid-write) is ignored; a bad line anywhere else is a
 * UserError `report-input` with its line number.
 */
export function readEventLog<E extends { type: string } = RunEvent>(path: string): E[] {
  return [...streamEventLog<E>(path)];
}

/** The events of an event log, one at a time (see readEventLog). */
export function* streamEventLog<E extends { type: string } = RunEvent>(path: string): Generator<E> {
  let chunks: Iterable<string>;
  try {
    chunks = readTextChunks(path);
  } catch (err) {
    throw new UserError({ code: 'report-input', message: `cannot read event log ${path}: ${(err as Error).message}` });
  }
  yield* eventsOfLines(linesOf(chunks), path);
}

/** Parses the text of an event log (see readEventLog). */
export function parseEventLog<E extends { type: string } = RunEvent>(text: string, file = 'events.jsonl'): E[] {
  return [...eventsOfLines<E>(text.split('\n'), file)];
}

/** The lines of a text given in pieces. */
function* linesOf(chunks: Iterable<string>): Generator<string> {
  let rest = '';
  for (const chunk of chunks) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    yield* lines;
  }
  yield rest;
}

function* eventsOfLines<E extends { type: string }>(lines: Iterable<string>, file: string): Generator<E> {
  // A line that does not parse is an error only when a non-empty line follows it.
  let pending: UserError | undefined;
  let i = 0;
  for (const raw of lines) {
    i++;
    const line = raw.trim();
    if (line === '') continue;
    if (pending) throw pending;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      pending = new UserError({
        code: 'report-input',
        message: `line ${i} is not valid JSON: ${(err as Error).message}`,
        location: { file, line: i, col: 1 },
        hint: 'only the last line of an event log may be cut off',
      });
      continue; // the run was killed while writing this line, if it is the last
    }
    if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') {
      throw new UserError({
        code: 'report-input',
        message: `line ${i} is not a firebook event (no "type")`,
        location: { file, line: i, col: 1 },
      });
    }
    yield value as E;
  }
}
