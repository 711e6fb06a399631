/** Recordings are written by the one atomic-write helper (src/io/atomic-file.ts): a fresh,
 * exclusive temp file, fsync, rename, mode 0600. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingConnector, readRecording } from '../../src/replay/recording.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';
import type { Connector } from '../../src/model/transport.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const spec = { name: 'ftd01', address: '127.0.0.1', port: 22, platform: 'ftd' } as ConnectionSpec;
/** A device that answers every command with a fixed line. */
const device: Connector = {
  connect: async () => ({
    facts: { platform: 'ftd', loginLevel: 'cli' },
    run: async (command, level) => ({ command, level, output: 'Model : Cisco Firepower Threat Defense', exitCode: null, durationMs: 1, truncated: false }),
    close: async () => {},
  }),
};

describe('recording files', () => {
  it('never write through a link planted at the temp name the old writer used (<file>.<pid>.tmp)', async () => {
    const dir = tmp('fb-rec-');
    const victim = join(tmp('fb-victim-'), 'authorized_keys');
    writeFileSync(victim, 'ssh-ed25519 AAAA… admin\n');
    symlinkSync(victim, join(dir, `ftd01.json.${process.pid}.tmp`));
    const s = await new RecordingConnector(device, dir).connect(spec);
    await s.run('show version', 'cli');
    await s.close();
    expect(readFileSync(victim, 'utf8')).toBe('ssh-ed25519 AAAA… admin\n');
    expect(readRecording(dir, 'ftd01').commands.map((c) => c.command)).toEqual(['show version']);
  });

  it('are the owner\'s alone and leave no temp file behind', async () => {
    const dir = tmp('fb-rec-');
    const s = await new RecordingConnector(device, dir).connect(spec);
    await s.run('show version', 'cli');
    await s.run('show network', 'cli');
    await s.close();
    expect(readdirSync(dir)).toEqual(['ftd01.json']);
    expect(statSync(join(dir, 'ftd01.json')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, 'ftd01.json'))).toBe(true);
  });
});
