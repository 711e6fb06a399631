import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { issuesOf, writeTree } from './helpers.js';

describe('inventory errors name the file, line and column', () => {
  it('missing file → file-not-found naming the path, with a hint', async () => {
    const [issue] = await issuesOf(() => loadInventory('/nonexistent/inventory.yml'));
    expect(issue.code).toBe('file-not-found');
    expect(issue.message).toContain('/nonexistent/inventory.yml');
    expect(issue.hint).toBeTruthy();
  });

  it.each([
    ['unclosed flow mapping', 'all:\n  hosts:\n    fw1: {ansible_host: 192.0.2.1\n', 4],
    ['bad indentation', 'all:\n  hosts:\n    fw1:\n   bad: x\n  - item\n', 3],
  ])('bad YAML (%s) → yaml-syntax with a position', async (_name, text, line) => {
    const root = writeTree({ 'hosts.yml': text });
    const issues = await issuesOf(() => loadInventory(join(root, 'hosts.yml')));
    expect(issues[0].code).toBe('yaml-syntax');
    expect(issues[0].location?.file).toBe(join(root, 'hosts.yml'));
    expect(issues[0].location?.line).toBe(line);
    expect(issues[0].location?.col).toBeGreaterThan(0);
  });

  it.each([
    ['a host variable without =', '[fw]\nfw1 ansible_host=192.0.2.1 oops\n', 2, 28],
    ['a vars line without =', '[fw]\nfw1\n\n[fw:vars]\n  just_a_word\n', 5, 3],
    ['an unknown section type', '[fw:hostz]\nfw1\n', 1, 1],
    ['a section with spaces', '[my group]\n', 1, 1],
    ['an unterminated quote', '[fw]\nfw1 x="open\n', 2, 1],
    ['a host ending in a colon', '[fw]\nfw1:\n', 2, 1],
    ['a bad range', '[fw]\nfw[1:2:3:4]\n', 2, 1],
    ['a child group that is never defined', '[top:children]\nmissing\n', 2, 1],
    ['vars for a group that is never defined', '[ghost:vars]\nx=1\n', 1, 1],
    ['a children line with two names', '[top:children]\na b\n[a]\n', 2, 1],
  ])('bad INI (%s) → inventory error at line:col', async (_name, text, line, col) => {
    const root = writeTree({ 'hosts.ini': text });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issue.code).toBe('inventory');
    expect(issue.location).toEqual({ file: join(root, 'hosts.ini'), line, col });
    expect(issue.hint).toBeTruthy();
  });

  it('a cycle in INI children is an error', async () => {
    const root = writeTree({ 'hosts.ini': '[a:children]\nb\n\n[b:children]\na\n' });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issue.code).toBe('inventory');
    expect(issue.message).toMatch(/recursive dependency loop/);
    expect(issue.location?.line).toBe(5);
  });

  it('a cycle in YAML children is an error at the group closing the loop', async () => {
    const root = writeTree({ 'hosts.yml': 'a:\n  children:\n    b:\n      children:\n        a:\n' });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.yml')));
    expect(issue.code).toBe('inventory');
    expect(issue.message).toMatch(/recursive dependency loop/);
    // b is parsed (with a under it) first, so adding b under a closes the loop.
    expect(issue.location).toMatchObject({ line: 3, col: 5 });
  });

  it('a name that is both a host and a group is an error', async () => {
    const root = writeTree({ 'hosts.ini': '[fw]\nedge\n\n[edge]\nfw9\n' });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issue.code).toBe('inventory');
    expect(issue.message).toMatch(/'edge' is both a host and a group/);
  });

  it.each([
    ['an unknown key in a group (typo)', 'all:\n  host:\n    fw1:\n', 2, 3, /did you mean 'hosts'/],
    ['hosts given as a list', 'all:\n  hosts:\n    - fw1\n', 3, 5, /indented/],
    ['a numeric host name', 'all:\n  hosts:\n    10:\n', 3, 5, /quotes/],
    ['host vars that are not a mapping', 'all:\n  hosts:\n    fw1: 192.0.2.1\n', 3, 10, /key: value/],
    ['a plugin configuration file', 'plugin: aws_ec2\n', 1, 1, /static/],
    ['an empty file', '', 1, 1, /all:/],
  ])('bad YAML inventory (%s) → inventory error', async (_name, text, line, col, hint) => {
    const root = writeTree({ 'hosts.yml': text });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.yml')));
    expect(issue.code).toBe('inventory');
    expect(issue.location).toMatchObject({ line, col });
    expect(issue.hint).toMatch(hint);
  });

  it('a group_vars file that is not a mapping is an error naming the file', async () => {
    const root = writeTree({ 'hosts.ini': '[fw]\nfw1\n', 'group_vars/fw.yml': '- a\n- b\n' });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issue.code).toBe('inventory');
    expect(issue.location?.file).toBe(join(root, 'group_vars/fw.yml'));
  });

  it('a vault-encrypted vars file without a vault password is an error naming the flag', async () => {
    const root = writeTree({ 'hosts.ini': '[fw]\nfw1\n', 'host_vars/fw1.yml': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' });
    const [issue] = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issue).toMatchObject({ code: 'vault', location: { file: join(root, 'host_vars/fw1.yml'), line: 1, col: 1 } });
    expect(issue.message).toMatch(/Ansible Vault/);
    expect(issue.hint).toMatch(/--vault-password-file/);
  });
});

describe('an INI parse error never quotes a secret-named value (issue 17)', () => {
  it.each([
    ['an unclosed quote in a host line', '[fw]\nfw1 ansible_user=ops ansible_password="It s-Secret-pw\n'],
    ['a stray word after a password', '[fw]\nfw1 ansible_password=Secret-pw oops\n'],
    ['a bad section after a secret', '[fw]\nfw1 snmp_community=Secret-pw [x y]\n'],
    ['a YAML-style vars line', '[fw:vars]\nansible_password: Secret-pw\n'],
  ])('%s', async (_name, text) => {
    const root = writeTree({ 'hosts.ini': text });
    const issues = await issuesOf(() => loadInventory(join(root, 'hosts.ini')));
    expect(issues[0].code).toBe('inventory');
    expect(issues[0].location?.line).toBe(2);
    expect(JSON.stringify(issues)).not.toMatch(/Secret-pw|It s/);
  });
});
