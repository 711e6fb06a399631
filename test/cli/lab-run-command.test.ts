/** `firebook lab` prints the `firebook run …` line to copy, and that line, pasted into a shell
 * as printed, runs the SecureX playbook against the lab with every host key verified. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { labRunCommand } from '../../src/cli/commands/lab.js';
import { CLI, ROOT, sh } from './helpers.js';

describe('firebook lab → the printed run command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-lab-copy-'));
  const lab = spawn(process.execPath, [CLI, 'lab', '--hosts', '3', '--scenarios', 'healthy', '--dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let labOut = '';
  lab.stdout.on('data', (d) => (labOut += d));
  const running = new Promise<void>((resolve, reject) => {
    lab.stdout.on('data', () => labOut.includes('lab running') && resolve());
    lab.on('exit', (code) => reject(new Error(`lab exited ${code}: ${labOut}`)));
  });
  afterAll(async () => {
    lab.kill('SIGTERM');
    await new Promise((r) => lab.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one copyable line naming the inventory and its known_hosts', async () => {
    await running;
    const line = /copy this\):\n {2}(.+)\n/.exec(labOut)?.[1];
    expect(line).toBe(`node dist/src/cli/main.js run playbooks/securex.yml -i ${join(dir, 'inventory.yml')} --known-hosts ${join(dir, 'known_hosts')}`);
  });

  it('runs exactly as printed: every host reached, host keys verified, nothing written to ~/.ssh', async () => {
    await running;
    const line = /copy this\):\n {2}(.+)\n/.exec(labOut)![1];
    const home = mkdtempSync(join(tmpdir(), 'fb-home-'));
    const r = await sh(line, ROOT, { ...process.env, HOME: home });
    const runDir = /reports\/\d{8}T\d{6}Z-[0-9a-f]{6}/.exec(r.stdout)?.[0];
    try {
      expect(r.stderr).not.toMatch(/host key|unreachable/i);
      expect(r.status).toBe(0);
      expect(runDir).toBeDefined();
      const report = JSON.parse(readFileSync(join(ROOT, runDir!, 'report.json'), 'utf8')) as { hosts: Array<{ host: string; status: string }>; meta: { hostKeyChecking: string } };
      expect(report.hosts.map((h) => [h.host, h.status])).toEqual([['ftd01', 'ok'], ['ftd02', 'ok'], ['ftd03', 'ok']]);
      expect(report.meta.hostKeyChecking).toBe('strict');
      expect(existsSync(join(home, '.ssh', 'known_hosts'))).toBe(false);
    } finally {
      if (runDir) rmSync(join(ROOT, runDir), { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('outside a checkout it names the installed firebook and the shipped playbook by full path', () => {
    const line = labRunCommand('/tmp', '/tmp/lab dir/inventory.yml', '/tmp/lab dir/known_hosts');
    expect(line).toBe(`firebook run ${join(ROOT, 'playbooks/securex.yml')} -i '/tmp/lab dir/inventory.yml' --known-hosts '/tmp/lab dir/known_hosts'`);
  });
});
