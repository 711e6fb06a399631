import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { UserError } from '../../src/model/errors.js';

const dir = join(import.meta.dirname, '../fixtures/playbooks/broken');

/** Each broken playbook says on its first line what `validate` must report:
 * `# expect: <code> <line>:<col> [text the message or hint must contain]`. */
const cases = readdirSync(dir).filter((f) => f.endsWith('.yml')).map((file) => {
  const first = readFileSync(join(dir, file), 'utf8').split('\n')[0];
  const m = /^# expect: (\S+) (\d+):(\d+)(?: (.*))?$/.exec(first);
  if (!m) throw new Error(`${file}: first line must be '# expect: code line:col [text]'`);
  return { file, code: m[1], line: Number(m[2]), col: Number(m[3]), text: m[4] };
});

describe('validate rejects broken playbooks with file:line:col', () => {
  it('has a corpus', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases)('$file → $code at $line:$col', ({ file, code, line, col, text }) => {
    let error: unknown;
    try {
      loadPlaybook(join(dir, file), dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    const issue = (error as UserError).issues[0];
    expect(issue.code).toBe(code);
    expect(issue.location).toMatchObject({ file, line, col });
    if (text) expect(`${issue.message} ${issue.hint ?? ''}`).toContain(text);
    // The printed form starts with file:line:col, with no stack trace.
    expect((error as UserError).message.startsWith(`${file}:${line}:${col}: error[${code}]`)).toBe(true);
    expect((error as UserError).message).not.toMatch(/\n\s+at /);
  });
});

describe('the shipped playbooks are valid', () => {
  const pbDir = join(import.meta.dirname, '../../playbooks');
  it.each(readdirSync(pbDir).filter((f) => f.endsWith('.yml')))('%s', (file) => {
    const pb = loadPlaybook(join(pbDir, file));
    expect(pb.spec.checks.length).toBeGreaterThan(0);
    expect(pb.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
