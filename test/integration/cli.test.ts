/** The CLI as users run it: a child process, exit codes, Ctrl-C. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';

import { CLI, fb, fbAsync } from '../cli/helpers.js';

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
    // The killed run's event log still renders (no device access).
    const rendered = fb(['report', 'render', join(out, 'events.jsonl'), '--format', 'md', '--out', join(out, 'again')]);
    expect(rendered.status).toBe(0);
    expect(readFileSync(join(out, 'again', 'report.md'), 'utf8')).toMatch(/incomplete|interrupted/i);
  }, 60_000);
});

describe('a complete run through the CLI', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'ftd-a', platform: 'ftd', scenario: 'dns-broken' }, { name: 'ftd-b', platform: 'ftd' }], password: 'Canary-Pa55-0xC0FFEE' });
  });
  afterAll(() => lab?.stop());

  it('writes every format, a verifiable SHA256SUMS, and no secret anywhere', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fb-full-'));
    const rec = join(out, 'rec');
    // Asynchronous: the lab lives in this process and must keep answering.
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(out, 'run'),
      '--format', 'json,html,md,junit,prom', '--json', '--record', rec, '-e', 'ansible_become_password=Canary-Pa55-0xC0FFEE']);
    expect(r.status).toBe(2);
    // --json streams one event per line on stdout.
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('run-begin');
    expect(events.at(-1).type).toBe('run-end');
    const files = ['report.json', 'report.html', 'report.md', 'junit.xml', 'firebook.prom', 'events.jsonl', 'SHA256SUMS'];
    for (const f of files) expect(existsSync(join(out, 'run', f))).toBe(true);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(out, 'run'), encoding: 'utf8' });
    expect(sums.status).toBe(0);
    const everything = [r.stdout, r.stderr, ...files.map((f) => readFileSync(join(out, 'run', f), 'utf8')), readFileSync(join(rec, 'ftd-a.json'), 'utf8')].join('\n');
    expect(everything).not.toContain('Canary-Pa55-0xC0FFEE');
    expect(everything).toContain('********');
    // A second run compares itself with the newest report in the same parent folder.
    const again = await fbAsync(['run', 'playbooks/securex.yml', '-i', writeInventory(lab), '--known-hosts', lab.knownHostsPath, '--out', join(out, 'run2'), '--baseline', 'latest', '--quiet']);
    expect(again.status).toBe(2);
    expect(readFileSync(join(out, 'run2', 'report.md'), 'utf8')).toMatch(/Drift since baseline/);
  }, 60_000);
});
