/** `-e` in Ansible's forms: key=value, JSON, @file.yml and @file.json (YAML 1.1 as Ansible reads it). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/cli/options.js';
import { main } from '../../src/cli/main.js';
import { UserError } from '../../src/model/errors.js';

const ROOT = join(import.meta.dirname, '../..');

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) });
  const code = await main(args, { stdout: sink, stderr: sink, cwd: ROOT, env: {} });
  return { code, out };
}

describe('-e', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-extra-'));
  writeFileSync(join(dir, 'v.yml'), 'ansible_user: ops\nenabled: yes\ncreds:\n  api_token: t\n');
  writeFileSync(join(dir, 'v.json'), '{"ansible_port": 2222, "dns_servers": ["192.0.2.53"]}');
  writeFileSync(join(dir, 'list.yml'), '- a\n');

  it('merges key=value, JSON and @files in order, later wins', () => {
    expect(parseExtraVars('run', ['ansible_user=first', `@${join(dir, 'v.yml')}`, `@${join(dir, 'v.json')}`, '{"ansible_port": 22}'])).toEqual({
      ansible_user: 'ops', enabled: true, creds: { api_token: 't' }, ansible_port: 22, dns_servers: ['192.0.2.53'],
    });
  });

  it('a file that is not a mapping, or is missing, is an input error', () => {
    expect(() => parseExtraVars('run', [`@${join(dir, 'list.yml')}`])).toThrow(/must contain a mapping of variables/);
    expect(() => parseExtraVars('run', [`@${join(dir, 'nope.yml')}`])).toThrow(/does not exist|not found|no such/i);
  });
});

describe('-e, issue 17', () => {
  it('key=value is split as Ansible splits it: quotes removed, a quoted space kept, # not a comment', () => {
    expect(parseExtraVars('run', [`ansible_password="a b" user='o p' x=c\\ d h=a#b`])).toEqual({ ansible_password: 'a b', user: 'o p', x: 'c d', h: 'a#b' });
    expect(() => parseExtraVars('run', ['ansible_password="a b'])).toThrow(UserError);
  });

  it('JSON nested deeper than the limit is refused before it is parsed: exit 4 naming the -e argument, no stack overflow', async () => {
    const n = 60_000;
    const deep = `{"a":${'['.repeat(n)}${']'.repeat(n)}}`;
    expect(() => parseExtraVars('run', [deep])).toThrow(/-e '\{"a":\[\[.*is JSON nested more than 64 levels deep/);
    const r = await cli(['validate', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '-e', deep]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/error\[limit\]: firebook validate: -e '\{"a":\[\[\[.*nested more than 64 levels/);
    expect(r.out).not.toMatch(/stack|internal error/);
    // 64 levels are fine.
    expect(parseExtraVars('run', [`{"a":${'['.repeat(63)}${']'.repeat(63)}}`])).toHaveProperty('a');
    expect(parseExtraVars('run', ['{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'])).toHaveProperty('a');
  });

  it('validate without -i never prints a secret -e value in its messages', async () => {
    const r = await cli(['validate', 'playbooks/securex.yml', '-e', '{"dns_servers": "nope", "ansible_password": "pw-canary-1", "creds": {"api_token": "tk-canary-2"}}']);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/input 'dns_servers' must be ip-list/);
    expect(r.out).not.toMatch(/pw-canary-1|tk-canary-2/);
  });
});
