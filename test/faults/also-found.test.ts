/** Holes a code read found (issue 9, "Also found"): recordings that overwrote each other,
 * `--replay --apply`, waivers that never expired. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordingConnector, ReplayConnector, readRecording, recordingFile } from '../../src/replay/recording.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';
import type { Connector } from '../../src/model/transport.js';
import { UserError } from '../../src/model/errors.js';
import { loadWaivers } from '../../src/load/waivers.js';
import { loadInventory } from '../../src/inventory/index.js';
import { main } from '../../src/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('recordings', () => {
  const spec = (name: string) => ({ name, address: '127.0.0.1', port: 22, platform: 'ftd' }) as ConnectionSpec;
  /** A device that answers every command with its own host name. */
  const echoHost: Connector = {
    connect: async (s) => ({
      facts: { platform: 'ftd', loginLevel: 'cli' },
      run: async (command, level) => ({ command, level, output: `I am ${s.name}`, exitCode: null, durationMs: 1, truncated: false }),
      close: async () => {},
    }),
  };

  it('names are stable, plain names stay readable, others get a short hash', () => {
    expect(basename(recordingFile('/r', 'ftd01'))).toBe('ftd01.json');
    expect(basename(recordingFile('/r', 'fw;1'))).toMatch(/^fw_1-[0-9a-f]{8}\.json$/);
    expect(recordingFile('/r', 'fw;1')).toBe(recordingFile('/r', 'fw;1'));
    expect(recordingFile('/r', 'FW1')).not.toBe(recordingFile('/r', 'fw1'));
    expect(basename(recordingFile('/r', '../etc/passwd'))).toMatch(/^_\._etc_passwd-[0-9a-f]{8}\.json$/);
    expect(recordingFile('/r', '../etc/passwd').startsWith('/r/')).toBe(true);
  });

  it('two hosts whose names sanitise alike keep separate recordings that replay to their own host', async () => {
    const dir = tmp('fb-rec-');
    const rec = new RecordingConnector(echoHost, dir);
    for (const name of ['fw;1', 'fw_1', 'fw 1']) {
      const s = await rec.connect(spec(name));
      await s.run('show version', 'cli');
      await s.close();
    }
    expect(readdirSync(dir).length).toBe(3);
    const replay = new ReplayConnector(dir);
    for (const name of ['fw;1', 'fw_1', 'fw 1']) {
      const s = await replay.connect(spec(name));
      expect((await s.run('show version', 'cli')).output).toBe(`I am ${name}`);
    }
  });

  it('a reconnect appends to the host recording instead of starting it over', async () => {
    const dir = tmp('fb-rec-');
    const rec = new RecordingConnector(echoHost, dir);
    for (const command of ['show version', 'show network']) {
      const s = await rec.connect(spec('ftd01'));
      await s.run(command, 'cli');
      await s.close();
    }
    expect(readRecording(dir, 'ftd01').commands.map((c) => c.command)).toEqual(['show version', 'show network']);
  });

  it("a recording file of another host is refused, not replayed as this one's", () => {
    const dir = tmp('fb-rec-');
    writeFileSync(join(dir, 'ftd01.json'), JSON.stringify({ formatVersion: 1, host: 'ftd02', recordedAt: '', facts: { platform: 'ftd', loginLevel: 'cli' }, commands: [] }));
    expect(() => readRecording(dir, 'ftd01')).toThrow(/is for host 'ftd02', not 'ftd01'/);
  });
});

describe('--replay --apply', () => {
  it('is refused: exit 4, one error line, nothing runs', async () => {
    let err = '';
    const stderr = new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) });
    const code = await main(['run', 'playbooks/securex.yml', '-i', 'test/fixtures/recordings/seed/inventory.yml', '--replay', 'test/fixtures/recordings/seed', '--apply'], {
      stdout: new Writable({ write: (_c, _e, cb) => cb() }),
      stderr,
      cwd: ROOT,
      env: {},
    });
    expect(code).toBe(4);
    expect(err.split('\n')[0]).toBe('error[cli-usage]: firebook run: --replay and --apply exclude each other: nothing can be applied to a recording');
    expect(err.split('\n').filter((l) => l.startsWith('error')).length).toBe(1);
  });
});

describe('waivers must expire, and have an approver and a maximum lifetime', () => {
  const write = (text: string) => {
    const path = join(tmp('fb-waive-'), 'waivers.yml');
    writeFileSync(path, text);
    return path;
  };
  const TODAY = '2026-12-07';
  const load = async (text: string, maxDays?: number) => loadWaivers(write(text), await loadInventory(join(ROOT, 'test/fixtures/recordings/seed/inventory.yml')), { today: TODAY, maxDays });
  const issue = async (text: string, maxDays?: number) => {
    try {
      await load(text, maxDays);
    } catch (e) {
      if (e instanceof UserError) return e.issues[0];
      throw e;
    }
    throw new Error('expected a UserError');
  };
  const OWNED = '    approver: j.doe\n    approved: 2026-12-01\n';

  it('a waiver without expires is an input error at its position, with the fix', async () => {
    const i = await issue(`waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n${OWNED}`);
    expect(i).toMatchObject({ code: 'waiver', message: "waivers[0] is missing the required key 'expires'", location: { line: 2, col: 5 } });
    expect(i.hint).toMatch(/expires: YYYY-MM-DD/);
  });

  it('an impossible date is refused where it stands', async () => {
    const i = await issue(`waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: 2027-02-30\n${OWNED}`);
    expect(i).toMatchObject({ code: 'waiver', message: "waivers[0].expires '2027-02-30' is not a calendar date", location: { line: 4, col: 14 } });
  });

  it('a dated, approved waiver loads', async () => {
    const w = await load(`waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: "2027-02-28"\n${OWNED}`);
    expect(w[0]).toMatchObject({ expires: '2027-02-28', approver: 'j.doe', approved: '2026-12-01' });
  });

  it('a waiver without an approver is an input error at its position (exit 4)', async () => {
    const i = await issue('waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: 2027-02-28\n    approved: 2026-12-01\n');
    expect(i).toMatchObject({ code: 'waiver', message: "waivers[0] is missing the required key 'approver'", location: { line: 2, col: 5 } });
    expect(i.hint).toMatch(/approver: the person who accepted the failure/);
  });

  it('a waiver without its approval date is an input error (a maximum lifetime needs a start)', async () => {
    const i = await issue('waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: 2027-02-28\n    approver: j.doe\n');
    expect(i).toMatchObject({ code: 'waiver', message: "waivers[0] is missing the required key 'approved'", location: { line: 2, col: 5 } });
  });

  it('a waiver over the maximum lifetime (default 365 days) is refused at its expires', async () => {
    const text = 'waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: 2099-12-31\n    approver: j.doe\n    approved: 2026-12-01\n';
    const i = await issue(text);
    expect(i).toMatchObject({ code: 'waiver', message: 'waivers[0] runs 26693 days, from approved 2026-12-01 to expires 2099-12-31: over the maximum of 365', location: { line: 4, col: 14 } });
    expect(i.hint).toMatch(/--waiver-max-days/);
    // Exactly 365 days passes; the maximum is configurable.
    expect(await load(text.replace('2099-12-31', '2027-12-01'))).toHaveLength(1);
    expect(await issue(text.replace('2099-12-31', '2027-12-02'))).toMatchObject({ message: /runs 366 days/ });
    expect(await issue(text.replace('2099-12-31', '2027-01-01'), 30)).toMatchObject({ message: /runs 31 days.*over the maximum of 30$/ });
  });

  it('an approval date in the future, or an expiry before it, is refused', async () => {
    const base = 'waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    approver: j.doe\n';
    expect(await issue(`${base}    approved: 2026-12-08\n    expires: 2027-01-01\n`)).toMatchObject({ message: 'waivers[0].approved 2026-12-08 is in the future (today is 2026-12-07)', location: { line: 5, col: 15 } });
    expect(await issue(`${base}    approved: 2026-12-01\n    expires: 2026-11-30\n`)).toMatchObject({ message: 'waivers[0].expires 2026-11-30 is before approved 2026-12-01' });
  });

  it('firebook run: a waiver without an approver exits 4 before anything runs; --waiver-max-days is a flag', async () => {
    const path = write('waivers:\n  - check: dns-resolves-sse\n    justification: CHG-1\n    expires: 2027-02-28\n');
    const run = async (...extra: string[]) => {
      let err = '';
      const stderr = new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) });
      const argv = ['run', 'playbooks/securex.yml', '-i', 'test/fixtures/recordings/seed/inventory.yml', '--replay', 'test/fixtures/recordings/seed', '--waivers', path, '--out', tmp('fb-waive-out-'), ...extra];
      const code = await main(argv, { stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr, cwd: ROOT, env: {} });
      return { code, err };
    };
    const r = await run();
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/waivers\.yml:2:5: error\[waiver\]: waivers\[0\] is missing the required key 'approver'/);
    const bad = await run('--waiver-max-days', '0');
    expect(bad.code).toBe(4);
    expect(bad.err).toMatch(/--waiver-max-days must be a positive whole number/);
  });

});
