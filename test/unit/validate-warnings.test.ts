/** `firebook validate` warns (stderr, exit 0) about checks whose failures would not explain themselves. */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { command } from '../../src/cli/commands/validate.js';

const ROOT = join(import.meta.dirname, '../..');

async function validate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  const code = await command.run(args, { stdout: out, stderr: err, cwd: ROOT, env: {} });
  return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}

describe('validate warnings', () => {
  it('names each check without a (fallback) diagnosis with file:line:col, and still exits 0', async () => {
    const r = await validate(['test/fixtures/playbooks/warn/no-diagnosis.yml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^test\/fixtures\/playbooks\/warn\/no-diagnosis\.yml:4:5: warning\[no-diagnosis\]: check 'bare' has expect but no diagnosis/m);
    expect(r.stderr).toMatch(/no-diagnosis\.yml:\d+:\d+: warning\[no-fallback-diagnosis\]: check 'no-fallback'/);
    expect(r.stdout).toBe('ok: 1 playbook(s), 2 check(s), 2 warning(s)\n');
  });

  it('the SecureX playbook has none', async () => {
    const r = await validate(['playbooks/securex.yml']);
    expect(r).toEqual({ code: 0, stdout: 'ok: 1 playbook(s), 14 check(s)\n', stderr: '' });
  });
});
