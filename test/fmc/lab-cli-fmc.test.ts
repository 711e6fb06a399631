/** `firebook lab --fmc` (the built CLI): prints the FMC, its CA and the fmc.yml to use, and the
 * FMC it started answers with the CA it wrote; Ctrl-C stops both. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, ROOT } from '../cli/helpers.js';
import { connectFmc } from '../../src/fmc/index.js';

describe('firebook lab --fmc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-lab-fmc-'));
  const lab = spawn(process.execPath, [CLI, 'lab', '--hosts', '5', '--dir', dir, '--fmc'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  lab.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => lab.once('exit', resolve));
  const running = new Promise<void>((resolve, reject) => {
    lab.stdout.on('data', () => out.includes('lab running') && resolve());
    void exited.then((code) => reject(new Error(`lab exited ${code}: ${out}`)));
  });
  afterAll(async () => {
    if (lab.exitCode === null) lab.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the FMC, its CA and the inventory, and the FMC answers with that CA', async () => {
    await running;
    const invPath = /FMC inventory \(plugin: firebook\.fmc\): (.+)\n/.exec(out)?.[1];
    expect(invPath).toBe(join(dir, 'fmc.yml'));
    const password = /export FMC_PASSWORD=(\S+)\n/.exec(out)?.[1];
    expect(password).toBeDefined();
    expect(out).toContain(`-i ${join(dir, 'fmc.yml')}`);
    const inv = parse(readFileSync(invPath!, 'utf8')) as { plugin: string; url: string; username: string; ca_file: string };
    expect(inv.plugin).toBe('firebook.fmc');
    expect(inv.ca_file).toBe(join(dir, 'fmc-ca.pem'));
    const c = await connectFmc({ url: inv.url, username: inv.username, password: password!.replace(/^'|'$/g, ''), caFile: inv.ca_file });
    expect((await c.getAll('/devices/devicerecords')).map((d) => d.name)).toEqual(['ftd01', 'ftd02', 'ftd03', 'ftd04']);
  });

  it('stops the FMC with the lab on SIGTERM', async () => {
    await running;
    const inv = parse(readFileSync(join(dir, 'fmc.yml'), 'utf8')) as { url: string; username: string; ca_file: string };
    lab.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('lab stopped');
    expect(existsSync(join(dir, 'fmc.yml'))).toBe(true); // --dir is the user's: kept
    const err = await connectFmc({ url: inv.url, username: 'other', password: 'x', caFile: inv.ca_file }).catch((e: Error) => e);
    expect(err).toMatchObject({ triage: 'timeout' });
  });
});
