import { describe, it, expect } from 'vitest';
import { parseShell } from '../../src/lab/shell-parse.js';
import { formatPrintf } from '../../src/lab/builtins.js';
import { translateBre } from '../../src/lab/text-tools.js';

describe('lab shell parser', () => {
  it('concatenates adjacent quoted pieces into one word', () => {
    const r = parseShell(`echo 'FB''X' "a b"c`);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    const words = r.script[0].first[0].words.map((w) => w.map((p) => (p.kind === 'lit' ? p.text : `$${p.kind}`)).join(''));
    expect(words).toEqual(['echo', 'FBX', 'a bc']);
  });

  it('splits lists, and-or chains, pipes and redirections', () => {
    const r = parseShell('a; b && c || d | e 2>&1 >/dev/null');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.script).toHaveLength(2);
    expect(r.script[1].rest.map((x) => x.op)).toEqual(['&&', '||']);
    const last = r.script[1].rest[1].pipeline;
    expect(last).toHaveLength(2);
    expect(last[1].redirects).toEqual([
      { fd: 2, op: '>&', dupFd: 1 },
      { fd: 1, op: '>', target: [{ kind: 'lit', text: '/dev/null', quoted: false }] },
    ]);
  });

  it('reports unbalanced quotes as incomplete and stray tokens as errors', () => {
    expect(parseShell("echo 'abc").kind).toBe('incomplete');
    expect(parseShell('echo a &&').kind).toBe('incomplete');
    expect(parseShell('; echo')).toEqual({ kind: 'error', token: ';' });
  });

  it('keeps $? as a variable part for run-time expansion', () => {
    const r = parseShell('echo "rc=$?"');
    if (r.kind !== 'ok') throw new Error('parse failed');
    expect(r.script[0].first[0].words[1]).toContainEqual({ kind: 'var', name: '?', quoted: true });
  });

  it('formats printf and translates basic regexps', () => {
    expect(formatPrintf('%s=%d\\n', ['a', '7', 'b', '8'])).toBe('a=7\nb=8\n');
    expect(new RegExp(translateBre('a\\|b(c)')).test('b(c)')).toBe(true);
  });
});
