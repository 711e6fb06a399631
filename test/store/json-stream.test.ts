/** The streaming reader of report.json: the same values as JSON.parse, one array item at a time. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonStreamError, readJsonObjectStreaming, readTextChunks } from '../../src/store/json-stream.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-json-stream-'));
let n = 0;
const file = (text: string) => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, text);
  return p;
};
const read = (text: string) => {
  const seen: unknown[] = [];
  const { members, items } = readJsonObjectStreaming(file(text), 'hosts', (item, i) => {
    seen.push([i, item]);
    return item;
  });
  return { members, items, seen };
};

describe('readJsonObjectStreaming', () => {
  it('gives what JSON.parse gives, pretty or minified, whatever the member order', () => {
    const doc = {
      schemaVersion: 1,
      meta: { argv: ['a "quoted", {braced} [bracketed] \\ word', 'ü 東京 🚀'], n: -1.5e3, t: true, f: false, z: null },
      hosts: [{ host: 'a', checks: [{ id: '}]', out: '{"x": [1, 2]}' }] }, 'b', 3, [], {}, null],
      notRun: ['x,y'],
      empty: {},
      list: [],
    };
    for (const text of [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify({ hosts: doc.hosts, ...doc }, null, 4)]) {
      const { members, items, seen } = read(text);
      expect({ ...members, hosts: items }).toEqual(doc);
    expect(Object.keys(members)).toEqual(Object.keys(JSON.parse(text)));
      expect(seen).toEqual(doc.hosts.map((h, i) => [i, h]));
    }
    expect(read('{}')).toEqual({ members: {}, items: undefined, seen: [] });
    expect(read('{ "hosts": [ ] }')).toEqual({ members: { hosts: undefined }, items: [], seen: [] });
    expect(read('{"hosts": null}').members).toEqual({ hosts: null });
  });

  it('joins a character split between two reads', () => {
    const p = file(`{"k": "${'東'.repeat(5)}"}`);
    // 3-byte characters read 4 bytes at a time: every character is split once.
    expect([...readTextChunks(p, 4)].join('')).toBe(`{"k": "${'東'.repeat(5)}"}`);
  });

  it('refuses what is not one JSON object', () => {
    for (const bad of ['[1]', '{"a": 1} {"b": 2}', '{"a": 1', '{"hosts": [1, 2', '{"a" 1}', '{"hosts": [1,]}', '{"a": tru}', '{"a": 1,}', '']) {
      expect(() => read(bad), bad).toThrow(JsonStreamError);
    }
  });
});
