/** Playbook regexes run on RE2 (docs/playbooks.md "Regexes"): the semantics of `parse: regex`
 * and of `matches`, `not_matches`, `count.pattern` are kept, patterns the old shape heuristic
 * refused are accepted, and what RE2 cannot run is refused with the construct named. */
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/model/playbook.js';
import { compileRegexSpec, evaluateCondition, groupNames, parseWithRegex, playbookRegexError, type EvalContext } from '../../src/checks/index.js';

const OUT = 'fw01 is up\r\nfw02 is DOWN\r\nHeartbeat Received Time : Mon Dec 7 12:00:01 2026\r\n\r\n  1500 packets input\r\n   12 packets dropped\r\n';

const ctx = (output: string, fields: Record<string, unknown> = {}): EvalContext => ({
  steps: { main: [{ name: 'main', output, exitCode: 0, fields: fields as never }] },
  defaultStep: 'main',
  facts: {},
  vars: {},
  checks: {},
});

const judge = (c: Condition, output = OUT, fields: Record<string, unknown> = {}) => {
  const r = evaluateCondition(c, ctx(output, fields));
  expect(r.undecidable ?? false, r.reason).toBe(false);
  return r.holds;
};

describe('patterns the shape heuristic refused are accepted and behave as before', () => {
  it.each(['\\d+ packets', '^\\s*$', '(?<peer>\\S+) is (?<state>\\w+)', 'Heartbeat Received Time\\s*:\\s*(?<t>.+)$', 'x.*y', '\\w+\\s+\\w+', '(a+)+$', '(.*)*x', '(a|ab)*c', '\\s*-*\\s*$', '^\\s*x'])('/%s/ compiles', (source) => {
    expect(playbookRegexError(source)).toBeUndefined();
  });

  it('first match, named groups, CRLF read as LF (`$` ends the line, `.` keeps no \\r)', () => {
    expect(parseWithRegex({ regex: '(?<peer>\\S+) is (?<state>\\w+)' }, OUT)).toEqual({ fields: { peer: 'fw01', state: 'up' } });
    expect(parseWithRegex({ regex: 'Heartbeat Received Time\\s*:\\s*(?<t>.+)$' }, OUT)).toEqual({ fields: { t: 'Mon Dec 7 12:00:01 2026' } });
  });

  it('`all: true` makes each group a list; `types` converts; `(?P<n>…)` names a group too', () => {
    expect(parseWithRegex({ regex: '(?P<n>\\d+) packets (?<what>\\w+)', all: true, types: { n: 'number' } }, OUT)).toEqual({ fields: { n: [1500, 12], what: ['input', 'dropped'] } });
    expect(parseWithRegex({ regex: '^(?<none>zzz)', all: true }, OUT)).toEqual({ fields: { none: [] } });
  });

  it('`ignore_case`', () => {
    expect(parseWithRegex({ regex: '(?<h>\\S+) is down', ignore_case: true }, OUT).fields).toEqual({ h: 'fw02' });
    expect(parseWithRegex({ regex: '(?<h>\\S+) is down' }, OUT).fields).toEqual({});
  });

  it('an optional group that did not take part is absent, not undefined', () => {
    expect(parseWithRegex({ regex: '(?<a>fw01)(?<b>zzz)?' }, OUT)).toEqual({ fields: { a: 'fw01' } });
  });

  it('group names come from RE2, in order, for the condition-fields rule', () => {
    expect(groupNames(compileRegexSpec({ regex: '(?<a>x)(y)(?P<b>z)(?<c>(?<d>w))' }))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('conditions: matches, not_matches, count.pattern (multiline, ignore_case, CRLF)', () => {
    expect(judge({ of: 'output', matches: '^\\s*$' })).toBe(true);
    expect(judge({ of: 'output', matches: 'is down$' })).toBe(false);
    expect(judge({ of: 'output', matches: 'is down$', ignore_case: true })).toBe(true);
    expect(judge({ of: 'output', not_matches: '\\d+ packets dropped' })).toBe(false);
    expect(judge({ of: 'output', count: { pattern: '\\d+ packets', equals: 2 } })).toBe(true);
    expect(judge({ of: 'output', count: { pattern: '^fw\\d+', equals: 2 } })).toBe(true);
    expect(judge({ of: 'peers', count: { pattern: '^fw0[12]$', equals: 2 } }, OUT, { peers: ['fw01', 'fw02', 'fw03'] })).toBe(true);
    expect(judge({ of: 'peers', matches: 'fw03' }, OUT, { peers: ['fw01', 'fw03'] })).toBe(true);
  });

  it('a pattern RE2 cannot run is undecidable at run time, naming the construct', () => {
    const r = evaluateCondition({ of: 'output', matches: '(?=fw)' }, ctx(OUT));
    expect(r.undecidable).toBe(true);
    expect(r.reason).toMatch(/invalid regular expression \/\(\?=fw\)\/: invalid or unsupported Perl syntax: `\(\?=`/);
    expect(parseWithRegex({ regex: '(?<x>a)\\k<x>' }, OUT).error).toMatch(/backreference is not supported/);
  });
});

describe('what RE2 refuses, and why', () => {
  it.each([
    ['(?=x)y', /unsupported Perl syntax: `\(\?=`/],
    ['(?!x)y', /unsupported Perl syntax: `\(\?!`/],
    ['(?<=x)y', /lookbehind is not supported: `\(\?<=`/],
    ['(?<!x)y', /lookbehind is not supported: `\(\?<!`/],
    ['(a)\\1', /backreference is not supported: `\\1`/],
    ['(?<n>a)\\k<n>', /backreference is not supported: `\\k`/],
    ['a++', /invalid nested repetition operator: `\+\+`/],
    ['([a-z', /missing closing/],
    ['x{1001}', /invalid repeat count/],
  ])('/%s/', (source, why) => {
    expect(playbookRegexError(source)).toMatch(why);
  });
});
