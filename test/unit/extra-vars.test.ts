/** `-e` in Ansible's forms: key=value, JSON, @file.yml and @file.json (YAML 1.1 as Ansible reads it). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExtraVars } from '../../src/cli/options.js';

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
