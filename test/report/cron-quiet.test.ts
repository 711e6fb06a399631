/** `firebook run -q` is the cron mode, run as cron runs it (a child process, no terminal)
 * against the device lab: nothing at all when every check passed, else only the failures, the
 * report's path and the one-line verdict, last. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { writeInventory } from '../integration/helpers.js';
import { fbAsync } from '../cli/helpers.js';

/** The CLI without blocking this process (the lab answers from it). */
const fb = (args: string[], env: Record<string, string> = {}) => fbAsync(args, { env });

describe('cron mode (-q/--quiet) against the lab', () => {
  let lab: Lab;
  let inventory: string;
  const run = (limit: string, extra: string[] = [], env: Record<string, string> = {}) =>
    fb(['run', 'playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '--limit', limit, '--out', mkdtempSync(join(tmpdir(), 'fb-cron-')), ...extra], env);
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'good1', platform: 'ftd' }, { name: 'dns1', platform: 'ftd', scenario: 'dns-broken' }] });
    inventory = writeInventory(lab);
  });
  afterAll(() => lab?.stop());

  it('prints nothing at all when every check passed (the exit code says it)', async () => {
    const r = await run('good1', ['-q'], { FORCE_COLOR: '1' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it('prints only the failures and the verdict otherwise; the default on a non-TTY stays one line per event', async () => {
    const q = await run('dns1', ['--quiet']);
    expect(q.status).toBe(2);
    const lines = q.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Failing and undecided checks:');
    expect(q.stdout).toMatch(/✗ dns1 {2}dns-resolves-sse[^\n]*\(high\): /);
    expect(lines.at(-1)).toMatch(/^FAILED: \d+ failed checks on 1 of 1 hosts \(exit 2\)$/);
    // The report's path (where the evidence is), just before the verdict.
    expect(lines.at(-2)).toMatch(/^Reports: .*fb-cron-/);
    // No progress, no counts line, no colour (not a terminal).
    expect(q.stdout).not.toMatch(/\[firebook\]|\[1\/1\]|firebook: 1 hosts|\x1b/);
    const plain = await run('dns1');
    expect(plain.status).toBe(2);
    expect(plain.stdout).toMatch(/^\[1\/1\] dns1 reachable: pass \d+, fixed 0, fail \d+/m);
    expect(plain.stdout).toMatch(/^ {2}FAIL {2}dns1 dns-resolves-sse: /m);
    expect(plain.stdout.trimEnd().split('\n').at(-1)).toMatch(/^FAILED: /);
  }, 60_000);
});
