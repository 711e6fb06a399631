import { describe, expect, it } from 'vitest';
import { parsePythonLiteral, splitShellWords } from '../../src/inventory/index.js';

// What Python's ast.literal_eval returns (checked with python3), or REJECT when it raises.
const REJECT = Symbol('reject');
const CASES: [string, unknown][] = [
  ['5', 5],
  ['-5', -5],
  ['+7', 7],
  ['1_000', 1000],
  ['0x1F', 31],
  ['0o17', 15],
  ['0b101', 5],
  ['017', REJECT],
  ['00', 0],
  ['2.5', 2.5],
  ['1e3', 1000],
  ['.5', 0.5],
  ['True', true],
  ['False', false],
  ['None', null],
  ['"text"', 'text'],
  ["'a' 'b'", 'ab'],
  ["r'\\d'", '\\d'],
  ["'tab\\there'", 'tab\there'],
  ["b'bytes'", 'bytes'],
  ['[1, "two", None]', [1, 'two', null]],
  ['(1, 2)', [1, 2]],
  ['(1)', 1],
  ['1, 2', [1, 2]],
  ['{"a": 1, "b": [True]}', { a: 1, b: [true] }],
  ['{1: "x"}', { 1: 'x' }],
  ['{}', {}],
  ['3 # comment', 3],
  ['yes', REJECT],
  ['a b', REJECT],
  // Python accepts complex numbers, but ansible-inventory cannot print them: kept as text.
  ['1j', REJECT],
  ['1+2', REJECT],
  ['{a:1}', REJECT],
  ['f"x"', REJECT],
  ['', REJECT],
  ['"unterminated', REJECT],
];

describe('parsePythonLiteral (ast.literal_eval)', () => {
  it.each(CASES)('%s', (text, expected) => {
    const r = parsePythonLiteral(text);
    if (expected === REJECT) {
      expect(r.ok).toBe(false);
    } else {
      expect(r).toEqual({ ok: true, value: expected });
    }
  });
});

describe('splitShellWords (shlex.split, comments=True)', () => {
  it.each([
    ['host a=1 b=2', ['host', 'a=1', 'b=2']],
    ['host x="a b" y=\'c d\'', ['host', 'x=a b', 'y=c d']],
    ['host pw=a#b c=d', ['host', 'pw=a']],
    ['host # comment', ['host']],
    ['host x=\'"5"\'', ['host', 'x="5"']],
    ['host x="q\\"q"', ['host', 'x=q"q']],
    ['host e=\'\'', ['host', 'e=']],
    ['host a\\ b', ['host', 'a b']],
  ])('%s', (line, expected) => {
    expect(splitShellWords(line)).toEqual(expected);
  });

  it('rejects an unterminated quote', () => {
    expect(() => splitShellWords('host x="open')).toThrow(/closing quotation/);
  });
});
