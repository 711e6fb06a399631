/**
 * Reads a file holding one JSON object 64 KiB at a time, handing the items of one array member
 * (report.json's `hosts`) to a callback one by one: the file is never one string in memory, only
 * the other members and the item being read (docs/scale.md "Reading a report back").
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** Why a file could not be read as one JSON object (the message ends with the character offset). */
export class JsonStreamError extends Error {}


const WS = new Set([' ', '\t', '\n', '\r']);
const QUOTE_OR_BACKSLASH = /["\\]/g;

/** Bytes read at a time: small, as a piece of a piece (a host's text) keeps the whole piece alive. */
const READ_CHUNK = 64 * 1024;

/** The file's pieces, decoded (a character split between two reads is joined). The file is
 * opened at once (a missing file throws here), and closed when the pieces are read. */
export function readTextChunks(path: string, chunkBytes = READ_CHUNK): Generator<string> {
  const fd = openSync(path, 'r');
  return (function* () {
    try {
      const buf = Buffer.allocUnsafe(chunkBytes);
      const decoder = new StringDecoder('utf8');
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) yield decoder.write(buf.subarray(0, n));
      const rest = decoder.end();
      if (rest) yield rest;
    } finally {
      closeSync(fd);
    }
  })();
}

/**
 * Reads the JSON object in `path`. Every member but `streamKey` is returned (that one as
 * undefined, keeping its place, unless it is not an array); each item of the array `streamKey`
 * is parsed alone and passed to `onItem` (with its index) as soon as it ends, and what `onItem`
 * returns is collected as `items`. Throws JsonStreamError when the file is not one JSON object
 * (also when a second value follows it).
 */
export function readJsonObjectStreaming<T>(path: string, streamKey: string, onItem: (item: unknown, index: number) => T): { members: Record<string, unknown>; items: T[] | undefined } {
  const members: Record<string, unknown> = {};
  let items: T[] | undefined;
  type State = 'start' | 'key' | 'colon' | 'value' | 'streamed' | 'items' | 'after-items' | 'end';
  let state: State = 'start';
  let key = '';
  // The value (or key, or array item) being read: its text so far, and where it stands.
  let text: string[] = [];
  let capturing = false;
  let inString = false;
  let escaped = false;
  let depth = 0;
  let offset = 0;
  const fail = (what: string): never => {
    throw new JsonStreamError(`${what} at character ${offset}`);
  };
  const parse = (raw: string): unknown => {
    try {
      return JSON.parse(raw);
    } catch (err) {
      return fail(`invalid JSON (${(err as Error).message})`);
    }
  };

  for (const chunk of readTextChunks(path)) {
    let from = 0; // start of the captured part of this chunk
    for (let i = 0; i < chunk.length; i++, offset++) {
      if (inString && !escaped) {
        // Inside a string only `"` and `\` matter: skip to the next one (device output is long).
        QUOTE_OR_BACKSLASH.lastIndex = i;
        const next = QUOTE_OR_BACKSLASH.exec(chunk) ? QUOTE_OR_BACKSLASH.lastIndex - 1 : chunk.length;
        offset += next - i;
        i = next;
        if (i === chunk.length) break;
      }
      const ch = chunk[i]!;
      if (capturing) {
        if (inString) {
          if (escaped) escaped = false;
          else if (ch === '\\') escaped = true;
          else if (ch === '"') {
            inString = false;
            if (state === 'key' && depth === 0) {
              // A member's name ends.
              text.push(chunk.slice(from, i + 1));
              key = parse(text.join('')) as string;
              text = [];
              capturing = false;
              state = 'colon';
            }
          }
          continue;
        }
        if (ch === '"') inString = true;
        else if (ch === '{' || ch === '[') depth++;
        else if ((ch === '}' || ch === ']') && depth > 0) depth--;
        else if (depth === 0 && (ch === ',' || ch === '}' || ch === ']')) {
          // A value (or an item) ends at its container's next comma or closing bracket.
          text.push(chunk.slice(from, i));
          const value = parse(text.join(''));
          text = [];
          capturing = false;
          if (state === 'items') {
            if (ch === '}') fail('expected "," or "]"');
            items!.push(onItem(value, items!.length));
            if (ch === ']') state = 'after-items';
          } else {
            if (ch === ']') fail('expected "," or "}"');
            members[key] = value;
            state = ch === ',' ? 'key' : 'end';
          }
        }
        continue;
      }
      if (WS.has(ch)) continue;
      const begin = () => {
        capturing = true;
        depth = 0;
        inString = ch === '"';
        escaped = false;
        from = i;
        if (ch === '{' || ch === '[') depth = 1;
      };
      switch (state) {
        case 'start':
          if (ch !== '{') fail('not a JSON object');
          state = 'key';
          break;
        case 'key':
          if (ch === '}' && Object.keys(members).length === 0 && items === undefined) state = 'end';
          else if (ch !== '"') fail('expected a member name');
          else {
            begin();
            inString = true;
          }
          break;
        case 'colon':
          if (ch !== ':') fail('expected ":"');
          state = key === streamKey ? 'streamed' : 'value';
          // The streamed member keeps its place among the others (undefined until it is read).
          if (state === 'streamed') members[key] = undefined;
          break;
        case 'value':
          begin();
          break;
        case 'items':
          // After "[" or ",": an item, or "]" when the array is empty.
          if (ch === ']' && items!.length === 0) state = 'after-items';
          else begin();
          break;
        case 'after-items':
          if (ch === ',') state = 'key';
          else if (ch === '}') state = 'end';
          else fail('expected "," or "}"');
          break;
        case 'end':
          fail('more than one JSON value');
          break;
        case 'streamed':
          // The streamed member's value: an array is read item by item; anything else whole.
          if (ch === '[') {
            items = [];
            state = 'items';
          } else {
            state = 'value';
            begin();
          }
      }
    }
    if (capturing) text.push(chunk.slice(from));
  }
  if (state !== 'end') fail('the JSON ends early');
  return { members, items };
}
