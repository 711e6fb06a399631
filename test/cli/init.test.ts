/** `firebook init [DIR]` scaffolds a folder that validates as written, and never overwrites. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.js';
import { loadWaivers } from '../../src/load/waivers.js';
import { fb } from './helpers.js';

const SCAFFOLD = ['.firebook/schemas/playbook.schema.json', '.firebook/schemas/waivers.schema.json', '.gitignore', 'README.md', 'inventory/group_vars/all.yml', 'inventory/group_vars/fmc.yml', 'inventory/group_vars/ftd.yml', 'inventory/hosts.yml', 'playbooks/site.yml', 'waivers.yml'];

describe('firebook init', () => {
  it('creates the working folder; `firebook validate` passes on it as written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-'));
    const r = fb(['init', 'fw'], cwd);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const dir = join(cwd, 'fw');
    for (const f of SCAFFOLD) expect(existsSync(join(dir, f)), f).toBe(true);

    const v = fb(['validate', 'playbooks/site.yml', '-i', 'inventory/hosts.yml'], dir);
    expect(v.stderr).toBe('');
    expect(v.stdout).toMatch(/^ok: 1 playbook\(s\), 1 check\(s\), 2 host\(s\) resolved/);
    expect(v.status).toBe(0);

    // The playbook's $schema line names a schema that exists.
    const schema = /^# yaml-language-server: \$schema=(.+)$/m.exec(readFileSync(join(dir, 'playbooks/site.yml'), 'utf8'))?.[1];
    expect(schema).toBeDefined();
    // …inside the project, so it survives an upgrade or a move of the installed package.
    expect(schema).toBe('../.firebook/schemas/playbook.schema.json');
    expect(existsSync(join(dir, 'playbooks', schema!))).toBe(true);
    expect(readFileSync(join(dir, 'waivers.yml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.firebook\/schemas\/waivers\.schema\.json$/m);

    // The waivers example is valid, names a check of the stub, and expires in the future.
    const inventory = await loadInventory(join(dir, 'inventory/hosts.yml'));
    const waivers = loadWaivers(join(dir, 'waivers.yml'), inventory);
    expect(waivers.map((w) => [w.check, [...w.hostNames]])).toEqual([['dns-servers-configured', ['ftd-dc1-02']]]);
    expect(new Date(waivers[0].expires!).getTime()).toBeGreaterThan(Date.now());
    expect(inventory.hosts.get('ftd-dc1-01')?.vars.dns_servers).toEqual(['192.0.2.53', '192.0.2.54']);
  });

  it("every command in the scaffold's README that does not connect works there as written", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-'));
    expect(fb(['init'], cwd).status).toBe(0);
    const readme = readFileSync(join(cwd, 'README.md'), 'utf8');
    const lines = [...readme.matchAll(/^firebook (.+?)(?:\s{2,}#.*)?$/gm)].map((m) => m[1].trim());
    const offline = lines.filter((l) => !l.startsWith('run '));
    expect(offline.length).toBeGreaterThanOrEqual(5);
    for (const line of offline) {
      const r = fb(line.split(/\s+/), cwd);
      expect(r.stderr, line).toBe('');
      expect(r.status, line).toBe(0);
    }
    // The run lines name files that exist and flags that exist (validated without connecting).
    for (const line of lines.filter((l) => l.startsWith('run '))) {
      const args = line.split(/\s+/).slice(1);
      const r = fb(['run', ...args, '--limit', 'no-such-host'], cwd);
      expect(r.stderr, line).toMatch(/--limit 'no-such-host' matches no host/);
    }
  });

  it('refuses to overwrite: one line, exit 4, nothing written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-'));
    mkdirSync(join(cwd, 'inventory'));
    writeFileSync(join(cwd, 'inventory/hosts.yml'), 'mine\n');
    const r = fb(['init'], cwd);
    expect(r.status).toBe(4);
    expect(r.stderr).toBe("error[cli-usage]: firebook init: inventory/hosts.yml already exists; nothing was written (choose an empty folder: firebook init DIR)\n");
    expect(readFileSync(join(cwd, 'inventory/hosts.yml'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(cwd, 'README.md'))).toBe(false);
  });

  it('a second init in the same folder changes nothing', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-init-'));
    expect(fb(['init', '.'], cwd).status).toBe(0);
    const before = readFileSync(join(cwd, 'waivers.yml'), 'utf8');
    const again = fb(['init', '.'], cwd);
    expect(again.status).toBe(4);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(join(cwd, 'waivers.yml'), 'utf8')).toBe(before);
  });
});
