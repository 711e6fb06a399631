/** Every built-in parser, and every playbook regex (on RE2, whatever its shape), runs in linear
 * time (docs/faults.md "Denial of service"). Each gets pathological text of growing size (1 KiB,
 * 32 KiB, 1 MiB: a super-linear parser fails at the small sizes instead of hanging at the big
 * one) and must take at most RATIO times as long as plain text of the same size — a ratio of
 * two timings on this machine, never a wall-clock bound. The issue's reproduction is the
 * `=[` + spaces line: 5,000 spaces froze show-network for 52 s. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'yaml';
import { compilePlaybookRegex, getParser, PARSER_NAMES, parseWithRegex, playbookRegexError, regexCount } from '../../src/checks/parsers/index.js';
import { parseShowVersion as factsShowVersion, parseSfVersion as factsSfVersion } from '../../src/transport/facts.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { UserError } from '../../src/model/errors.js';

const ROOT = join(import.meta.dirname, '../..');
const RATIO = 20;
const SIZES = [1024, 32 * 1024, 1024 * 1024];

const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

/** Plain text: short lines of words, digits and separators (as device output is). */
const plain = (size: number) => fill('fw01 ok: 10.2.3.4 (up) = [a]\n', size);

/** Shapes that make backtracking regexes explode: long runs of spaces (with and without a
 * line end), the issue's `=[` + spaces, headers and labels padded forever, repeated separators. */
const SHAPES: Record<string, (size: number) => string> = {
  'spaces then x': (n) => fill(' ', n - 1) + 'x',
  'spaces then newline': (n) => fill(' ', n - 1) + '\n',
  '=[ + spaces (the issue)': (n) => '=[' + fill(' ', n - 2),
  '--- [ + spaces + x': (n) => '--- [' + fill(' ', n - 6) + 'x',
  'label: + spaces + x': (n) => 'Model :' + fill(' ', n - 8) + 'x',
  'label + spaces, no colon': (n) => 'A' + fill(' ', n - 2) + 'b',
  'tabs then x': (n) => fill('\t', n - 1) + 'x',
  'word space word ...': (n) => fill('a ', n),
  'colons': (n) => fill(':', n),
  'equals': (n) => fill('=', n),
  'key = key = ...': (n) => fill('a = ', n),
  'dashes': (n) => fill('-', n),
  'brackets': (n) => fill('[', n),
  'parentheses': (n) => fill('(', n),
  'escaped quotes': (n) => 'level=error msg="' + fill('\\"', n - 17),
  'lookup lookup ...': (n) => 'level=error msg="connectWebSocket' + fill(' lookup a', n - 33),
  'exit exit ...': (n) => 'canConnect: System (x) ' + fill('exit   ', n - 23),
  'Version + spaces': (n) => 'Model : ' + fill(' ', n - 15) + 'Version',
  'Cisco + spaces': (n) => 'Cisco' + fill(' ', n - 6) + 'v',
  'Cisco v1 ...': (n) => fill('Cisco v1 ', n),
  'one long word': (n) => fill('x', n),
  'Model : x + spaces': (n) => 'Model : x' + fill(' ', n - 10) + 'y',
  'process + spaces': (n) => 'A (b) - ' + fill(' ', n - 9) + 'x',
  // Lines about as long as the plain ones: a parser's cost per line is not what is measured.
  'lines of spaces': (n) => fill(' '.repeat(23) + '\n', n),
};

/** Milliseconds per call: repeated until it adds up to 5 ms (one call when it is slow), best of `rounds`. */
function msPer(fn: () => unknown, rounds = 2): number {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    let calls = 0;
    const start = performance.now();
    do {
      fn();
      calls++;
    } while (performance.now() - start < 5 && calls < 100);
    best = Math.min(best, (performance.now() - start) / calls);
  }
  return best;
}

/** Ratio of pathological to plain at each size, stopping at the first size past RATIO. */
function ratios(run: (text: string) => unknown, shape: (n: number) => string, plainMs: Map<number, number>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const size of SIZES) {
    const text = shape(size);
    expect(text.length).toBe(size);
    if (!plainMs.has(size)) plainMs.set(size, msPer(() => run(plain(size)), 3));
    const ratio = msPer(() => run(text)) / plainMs.get(size)!;
    out.push([size, Math.round(ratio * 10) / 10]);
    if (ratio > RATIO) break;
  }
  return out;
}

const withinRatio = (rs: Array<[number, number]>) => rs.every(([, r]) => r <= RATIO) && rs.length === SIZES.length;

/** Every parser of device output: the built-in ones, and the facts read at login. */
const PARSERS: Array<[string, (text: string) => unknown]> = [
  ...PARSER_NAMES.filter((n) => n !== 'json').map((name): [string, (text: string) => unknown] => [name, (t) => getParser(name)!(t, 0, name === 'connector-log' ? { window_minutes: 60 } : undefined)]),
  // json reads a JSON answer: the text is its lines as a JSON document, picked with `*` and `where`.
  ['json', (t) => getParser('json')!(JSON.stringify({ items: t.split('\n').map((name) => ({ name, on: name.length % 2 === 0 })) }), 0, { fields: { names: 'items.*.name', on: { path: 'items.*.name', where: { on: true } } } })],
  ['facts: show version (login)', factsShowVersion],
  ['facts: sf-version (login)', factsSfVersion],
];

describe('built-in parsers run in linear time', () => {
  for (const [name, parser] of PARSERS) {
    it(`${name}: every pathological shape within ${RATIO}x of plain text, up to 1 MiB`, () => {
      const slow: Record<string, Array<[number, number]>> = {};
      const plainMs = new Map<number, number>();
      for (const [label, shape] of Object.entries(SHAPES)) {
        const rs = ratios(parser, shape, plainMs);
        if (!withinRatio(rs)) slow[label] = rs;
      }
      expect(slow).toEqual({});
    }, 120_000);
  }

  it('the issue line (`=[` + 5,000 spaces) is read as an unrecognised line, quickly', () => {
    const r = getParser('show-network')!(`=[${' '.repeat(5000)}\n`, null);
    expect(r.error).toMatch(/^show-network: unrecognised output/);
  });
});

/** Every `regex:`, `matches:`, `not_matches:` and `count.pattern` of the shipped playbooks and
 * the init template. */
function shippedRegexes(): string[] {
  const files = [
    ...readdirSync(join(ROOT, 'playbooks')).filter((f) => f.endsWith('.yml')).map((f) => join(ROOT, 'playbooks', f)),
    ...readdirSync(join(ROOT, 'templates/init/playbooks')).map((f) => join(ROOT, 'templates/init/playbooks', f)),
  ];
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && ['regex', 'matches', 'not_matches', 'pattern'].includes(k)) found.push(x);
        else walk(x);
      }
    }
  };
  for (const f of files) walk(parse(readFileSync(f, 'utf8')));
  return found;
}

/** Extra shapes for the classic backtracking traps: runs of one letter and of digits. */
const REGEX_SHAPES: Record<string, (size: number) => string> = {
  ...SHAPES,
  'a run then !': (n) => fill('a', n - 1) + '!',
  'digit run then x': (n) => fill('1', n - 1) + 'x',
  'digits and spaces': (n) => fill('1 ', n),
};

/** Measured ratios of one pattern, every shape and size, counting every match (as `all: true`
 * and `count.pattern` do: plain text matches early, and a first-match search would stop there). */
function regexRatios(source: string): { slow: Record<string, Array<[number, number]>>; worst: number } {
  const re = compilePlaybookRegex(source, true);
  const slow: Record<string, Array<[number, number]>> = {};
  const plainMs = new Map<number, number>();
  let worst = 0;
  // RE2 builds its automaton's states lazily: warm them on every shape first, so the first
  // shape measured does not pay for them.
  for (const shape of Object.values(REGEX_SHAPES)) regexCount(re, shape(SIZES[0]));
  for (const [label, shape] of Object.entries(REGEX_SHAPES)) {
    let rs = ratios((t) => regexCount(re, t), shape, plainMs);
    // Measured twice before it counts as slow: a pause of this shared machine can spoil one
    // small timing, a super-linear pattern fails every time.
    if (!withinRatio(rs)) rs = ratios((t) => regexCount(re, t), shape, plainMs);
    worst = Math.max(worst, ...rs.map(([, r]) => r));
    if (process.env.REGEX_RATIOS) console.log(source, label, JSON.stringify(rs));
    if (!withinRatio(rs)) slow[label] = rs;
  }
  return { slow, worst };
}

describe('playbook regexes', () => {
  const shipped = shippedRegexes();
  // As playbook authors write them; the old shape heuristic refused the last four.
  const typical = ['^MTU\\s+:\\s+(?<mtu>\\d+)', 'Version\\s+(?<v>[0-9.]+)', '^Registration\\s+: Completed', '(\\d{1,3}\\.){3}\\d{1,3}', '^< HTTP/1\\.1 40[0-9]', '\\d+ packets', '^\\s*$', '(?<peer>\\S+) is (?<state>\\w+)', 'Heartbeat Received Time\\s*:\\s*(?<t>.+)$'];
  // Shapes that take exponential, cubic or quadratic time in a backtracking engine: the old
  // heuristic refused each; on RE2 each is accepted and linear.
  const pathological = ['(a+)+$', '(.*)*x', '(a|aa)*b', '(\\d+)+x', 'x.*y', '\\w+\\s+\\w+', '^\\s*[=-]+\\s*\\[\\s*(.*?)\\s*\\]\\s*[=-]+\\s*$', '\\s*-*\\s*$', '^\\s*x', '(\\s*)*$'];

  it.each([...shipped, ...typical, ...pathological])(`/%s/ compiles on RE2 and every shape stays within ${RATIO}x of plain text, up to 1 MiB`, (source) => {
    expect(playbookRegexError(source)).toBeUndefined();
    const { slow, worst } = regexRatios(source);
    console.log(`ratio /${source}/: worst ${worst}`);
    expect(slow).toEqual({});
  }, 300_000);

  it('the measurement catches a backtracking engine: JavaScript\'s RegExp /x.*y/ (the old engine) on a long run of x', () => {
    const native = /x.*y/gim;
    const rs = ratios((t) => [...t.matchAll(native)].length, REGEX_SHAPES['one long word'], new Map());
    expect(withinRatio(rs), JSON.stringify(rs)).toBe(false);
    const re2 = regexRatios('x.*y');
    expect(re2.slow).toEqual({});
  }, 120_000);

  it('a 1 MiB output is read whole (no 64 KiB bound any more): /x.*y/ finds nothing, /x.*/ captures it all', () => {
    const text = fill('x', 1024 * 1024);
    expect(parseWithRegex({ regex: '(?<x>x.*y)' }, text)).toEqual({ fields: {} });
    expect((parseWithRegex({ regex: '(?<x>x.*)$' }, text).fields.x as string).length).toBe(1024 * 1024);
    expect(parseWithRegex({ regex: '(?<a>(a+)+)$', all: true }, fill('a', 1024 * 1024 - 1) + '!')).toEqual({ fields: { a: [] } });
  });

  it('validate refuses lookaround and backreferences at their file:line:col (exit 4), for parse and conditions alike', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fb-regex-')), 'refused.yml');
    writeFileSync(file, [
      'name: regexes RE2 cannot run',
      'checks:',
      '  - id: a',
      '    title: A',
      '    severity: low',
      '    collect:',
      "      - { level: cli, command: show network, parse: { regex: '(?<t>\\w+)(?=:)' } }",
      '    expect:',
      "      - { of: t, matches: '(a)\\1' }",
      "      - { of: t, not_matches: '(?<!no )shutdown' }",
      "      - { of: t, matches: '\\d+ packets' }",
      '',
    ].join('\n'));
    let error: unknown;
    try {
      loadPlaybook(file);
    } catch (e) {
      error = e;
    }
    // A UserError: the CLI prints each issue and exits 4, nothing ran.
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.issues.map((i) => [i.code, i.location?.line, i.location?.col, i.message, i.hint])).toEqual([
      ['schema', 7, 62, 'invalid regular expression /(?<t>\\w+)(?=:)/: invalid or unsupported Perl syntax: `(?=`', 'playbook regexes use RE2 syntax (linear time): no lookaround or backreferences — docs/playbooks.md'],
      ['schema', 9, 9, 'invalid regular expression /(a)\\1/: backreference is not supported: `\\1`', 'playbook regexes use RE2 syntax (linear time): no lookaround or backreferences — docs/playbooks.md'],
      ['schema', 10, 9, 'invalid regular expression /(?<!no )shutdown/: lookbehind is not supported: `(?<!`', 'playbook regexes use RE2 syntax (linear time): no lookaround or backreferences — docs/playbooks.md'],
    ]);
  });

  it('compiling any pattern never throws past playbookRegexError (fast-check, fixed seed)', () => {
    const piece = fc.constantFrom('a', 'x', '.', '\\s', '\\d', '\\w', '[^]', '[]', '[a-z]', '[^\\]x]', '(', ')', '(?:', '(?<n>', '(?P<m>', '(?=', '(?<!', '|', '*', '+', '?', '{2}', '{1,}', '{1,3}', '*?', '++', '^', '$', '\\b', '\\1', '\\k<n>', '\\u0041', '\\x41', '{', '}', ']', '\\\\');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const source = parts.join('');
        const why = playbookRegexError(source);
        if (why === undefined) expect(() => compilePlaybookRegex(source, true)).not.toThrow();
        else expect(why).toMatch(/^[^\n]+$/);
      }),
      { seed: 20261207, numRuns: 2000 },
    );
  });
});
