/** The CLI as users run it: a child process, exit codes, Ctrl-C. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const fb = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('firebook CLI', () => {
  it('is built (npm ci / npm test build it)', () => expect(existsSync(CLI)).toBe(true));

  it('prints help and version', () => {
    expect(fb(['--help']).stdout).toMatch(/Usage: firebook <command>/);
    expect(fb(['run', '--help']).stdout).toMatch(/--accept-new-host-keys/);
    expect(fb(['--version']).stdout).toMatch(/^firebook \d+\.\d+\.\d+/);
  });

  it.each([
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--frobnicate'], /error\[cli-usage\].*frobnicate/],
    [["run", "playbooks/securex.yml", "-i", "nope.yml"], /nope\.yml does not exist/],
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '--forks', 'many'], /--forks must be a positive whole number/],
    [['validate', 'test/fixtures/playbooks/broken/unknown-key.yml'], /^test\/fixtures\/playbooks\/broken\/unknown-key\.yml:7:5: error\[unknown-key\]/m],
    [['run', 'playbooks/securex.yml', '-i', 'inventory/example.yml', '-e', 'dns_servers=192.0.2.1;reboot'], /error\[invalid-variable\]/],
  ])('invalid input exits 4 with one clear message and no stack trace: %j', (args, message) => {
    const r = fb(args);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('validates the shipped playbook against the example inventory', () => {
    const r = fb(['validate', 'playbooks/securex.yml', '-i', 'inventory/example.yml']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('explains a check in English and Japanese', () => {
    expect(fb(['explain', 'sse-api-reachable']).stdout).toMatch(/403 Forbidden is a success/);
    expect(fb(['explain', 'eventing-session', '--lang', 'ja']).stdout).toMatch(/FQDN/);
    expect(fb(['explain', 'sse-api-reachble']).stderr).toMatch(/did you mean 'sse-api-reachable'/);
  });
});

describe('Ctrl-C during a run', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 8, latencyMs: 150 });
  });
  afterAll(() => lab?.stop());

  it('stops starting hosts, writes a partial report that accounts for every host, exits 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fb-int-'));
    const child = spawn(process.execPath, [CLI, 'run', 'playbooks/securex.yml', '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--forks', '2', '--out', out, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    // Interrupt once the first host has finished.
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (existsSync(join(out, 'events.jsonl')) && readFileSync(join(out, 'events.jsonl'), 'utf8').includes('"type":"host-end"')) {
          clearInterval(timer);
          child.kill('SIGINT');
          resolve();
        }
      }, 50);
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect({ code, stdout: stdout.slice(-300) }).toMatchObject({ code: 130 });
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.incomplete).toBe(true);
    expect(report.exitCode).toBe(130);
    expect(report.hosts.length + report.notRun.length).toBe(8);
    expect(report.notRun.length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(stdout).toMatch(/hosts/);
  }, 60_000);
});
