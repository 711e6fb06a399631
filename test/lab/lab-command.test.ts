import { describe, it, expect } from 'vitest';
import { PassThrough } from 'node:stream';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command, runLab } from '../../src/cli/commands/lab.js';
import { UserError } from '../../src/model/errors.js';
import type { CliIO } from '../../src/cli/command.js';
import { connect } from './expect.js';

function memoryIo(): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => (text += d.toString()));
  return { stdout, stderr, cwd: process.cwd(), env: {}, out: () => text };
}

async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

describe('firebook lab', () => {
  it('rejects bad flags with cli-usage', async () => {
    for (const argv of [[], ['--hosts', 'x'], ['--hosts', '2', '--scenarios', 'healthy,nope'], ['--hosts', '2', '--bogus'], ['--hosts', '1', 'extra']]) {
      const err = await command.run(argv, memoryIo()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).issues[0].code).toBe('cli-usage');
    }
  });

  it('prints paths, password and hosts, serves SSH, and stops on abort', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-lab-cmd-'));
    const io = memoryIo();
    const controller = new AbortController();
    const done = runLab(['--hosts', '3', '--scenarios', 'dns-broken', '--latency-ms', '1', '--dir', dir], io, controller.signal);
    await waitFor(() => io.out().includes('lab running'));
    const out = io.out();
    expect(out).toContain(`inventory:   ${join(dir, 'inventory.yml')}\n`);
    expect(out).toContain(`known_hosts: ${join(dir, 'known_hosts')}\n`);
    const password = /password: +(\S+)/.exec(out)![1];
    const m = /^ftd01 +ftd 6\.5\.0 127\.0\.0\.1:(\d+) scenario=dns-broken$/m.exec(out);
    expect(m).not.toBeNull();
    const client = await connect(Number(m![1]), { password });
    client.end();
    expect(await readFile(join(dir, 'inventory.yml'), 'utf8')).toContain('scenario_dns_broken:');
    controller.abort();
    expect(await done).toBe(0);
    expect(io.out()).toContain('lab stopped\n');
    await rm(dir, { recursive: true, force: true });
  });

  it('command.run stops cleanly on SIGTERM', async () => {
    const io = memoryIo();
    const done = command.run(['--hosts', '1'], io);
    await waitFor(() => io.out().includes('lab running'));
    process.emit('SIGTERM');
    expect(await done).toBe(0);
  });
});
