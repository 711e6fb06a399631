/** `-e` in Ansible's forms: key=value, JSON, @file.yml and @file.json (YAML 1.1 as Ansible reads it). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The Python that runs the installed ansible-core (CI installs it), from `ansible`'s #! line. */
function ansiblePython(): string | undefined {
  const which = spawnSync('sh', ['-c', 'command -v ansible'], { encoding: 'utf8' });
  const path = which.stdout.trim();
  if (which.status !== 0 || !path) return undefined;
  const shebang = readFileSync(path, 'utf8').split('\n')[0];
  const words = shebang.replace(/^#!\s*/, '').split(/\s+/).filter(Boolean);
  return words[0]?.endsWith('/env') ? words[1] : words[0];
}

describe('-e, issue 18: key=value split as Ansible splits it', () => {
  it("-e \"motd='a b' x=1\" is two variables: motd = 'a b', x = '1' (text, as in Ansible)", () => {
    expect(parseExtraVars('run', ["motd='a b' x=1"])).toEqual({ motd: 'a b', x: '1' });
    expect(parseExtraVars('run', ['motd="a b"   x=1 ', 'y=2'])).toEqual({ motd: 'a b', x: '1', y: '2' });
  });

  it('through the CLI: one argument, two typed inputs, each checked on its own', async () => {
    const ok = await cli(['validate', 'playbooks/securex.yml', '-e', "sse_region='eu' dns_servers=192.0.2.53,192.0.2.54"]);
    expect(ok.code, ok.out).toBe(0);
    // The quoted space stays inside the one value (it is not split into a second argument).
    const bad = await cli(['validate', 'playbooks/securex.yml', '-e', "sse_region='e u' dns_servers=192.0.2.53"]);
    expect(bad.code).toBe(4);
    expect(bad.out).toMatch(/-e sse_region="e u": input 'sse_region' must be string: "e u" is not one of us, eu, apj/);
    expect(bad.out).not.toMatch(/dns_servers/);
  });

  const python = ansiblePython();
  it.skipIf(!python)('gives what ansible-core\'s own parse_kv gives (run on the installed Ansible)', () => {
    const cases = [
      "motd='a b' x=1",
      'ansible_password="p w" user=ops',
      'a="x\\"y" b=c',
      'h=a#b e= n="a b" m=\'c d\'',
      'dns_servers=192.0.2.53,192.0.2.54 sse_region=apj',
      "msg='it is \"quoted\"' k=v",
    ];
    const script = 'import json,sys\nfrom ansible.parsing.splitter import parse_kv\nprint(json.dumps([parse_kv(a) for a in json.loads(sys.stdin.read())]))';
    const r = spawnSync(python!, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ansible = JSON.parse(r.stdout) as Array<Record<string, string>>;
    cases.forEach((c, i) => expect(parseExtraVars('run', [c]), c).toEqual(ansible[i]));
  });
});
