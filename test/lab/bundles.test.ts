/** The lab's troubleshoot bundles (docs/bundles.md "The lab's bundles"): the layout as the real
 * `tar` lists it, contents equal to what the same device answers over SSH, names that follow
 * from the device and the time, and bundles that follow the device's state. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, writeLabBundles, type Lab } from '../../src/lab/index.js';
import { bundleTopFolder, commandOutputName, packBundle } from '../../src/lab/bundles.js';
import { runLab } from '../../src/cli/commands/lab.js';
import { SshConnector } from '../../src/transport/index.js';
import type { DeviceSession, Level } from '../../src/model/transport.js';
import { UserError } from '../../src/model/errors.js';
import { memoryIo } from '../support/memory-io.js';
import { main } from '../../src/cli/main.js';
import type { RunReport } from '../../src/model/result.js';

const NOW = new Date('2026-03-04T05:06:07.000Z');
const TOP = 'results-2026-03-04--050607';
const SFCLI = 'command-outputs/usr-local-sf-bin-sfcli.pl';

const tarList = (file: string) => execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
function untar(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'fb-bundle-x-'));
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  return join(dir, TOP);
}
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** connector.log's lines with their `time="…"` masked: its entries are dated relative to "now". */
const maskTimes = (text: string) => text.replace(/time="[^"]*"/g, 'time="T"');

describe("the lab's bundles", () => {
  let lab: Lab;
  let dir: string;
  let paths: string[];
  const skipped: string[] = [];
  const sessions = new Map<string, DeviceSession>();

  async function answer(host: string, command: string, level: Level): Promise<string> {
    let session = sessions.get(host);
    if (!session) {
      const h = lab.hosts.find((x) => x.name === host)!;
      session = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0 }).connect({
        name: host, address: h.address, port: h.port, user: 'admin', password: lab.password, becomePassword: lab.password, platform: h.platform,
        connectTimeoutMs: 10_000, commandTimeoutMs: 10_000, hostTimeoutMs: 60_000,
      });
      sessions.set(host, session);
    }
    const result = await session.run(command, level);
    expect(result.exitCode ?? 0).toBe(0);
    return result.output;
  }

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'ftd-healthy', platform: 'ftd', scenario: 'healthy' },
        { name: 'ftd-dns', platform: 'ftd', scenario: 'dns-broken' },
        { name: 'ftd-72', platform: 'ftd', scenario: 'newer-release' },
        { name: 'fmc-a', platform: 'fmc', scenario: 'egress-blocked' },
        { name: 'ftd-noauth', platform: 'ftd', faults: { authFail: true } },
      ],
    });
    dir = mkdtempSync(join(tmpdir(), 'fb-bundles-'));
    paths = await writeLabBundles(lab, dir, { now: NOW, onSkip: (host, reason) => skipped.push(`${host}: ${reason}`) });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...sessions.values()].map((s) => s.close()));
    await lab?.stop();
  });

  it('writes <device>-troubleshoot.tar.gz per device, in host order, and skips a device no one can log in to', () => {
    expect(paths).toEqual(['ftd-healthy', 'ftd-dns', 'ftd-72', 'fmc-a'].map((h) => join(dir, `${h}-troubleshoot.tar.gz`)));
    expect(readdirSync(dir).sort()).toEqual(paths.map((p) => p.slice(dir.length + 1)).sort());
    expect(skipped).toEqual(['ftd-noauth: it refuses every login, so no one can run sf_troubleshoot.pl on it']);
  });

  it('names its top folder after the generation time and its command outputs after the command path', () => {
    expect(bundleTopFolder(NOW)).toBe(TOP);
    expect(commandOutputName('/usr/local/sf/bin/sfcli.pl show managers')).toBe('usr-local-sf-bin-sfcli.pl show managers.output');
  });

  it('has the layout of a real FTD bundle, as the real tar lists it', () => {
    expect(tarList(paths[0])).toEqual([
      `${TOP}/`,
      `${TOP}/command-outputs/`,
      `${TOP}/${SFCLI} show managers.output`,
      `${TOP}/${SFCLI} show version.output`,
      `${TOP}/${SFCLI} show network.output`,
      `${TOP}/dir-archives/`,
      `${TOP}/dir-archives/var-log/`,
      `${TOP}/dir-archives/var-log/action_queue.log`,
      `${TOP}/dir-archives/var-log/connector/`,
      `${TOP}/dir-archives/var-log/connector/connector.log`,
      `${TOP}/dir-archives/etc/`,
      `${TOP}/dir-archives/etc/sf/`,
      `${TOP}/dir-archives/etc/sf/connector.properties`,
      `${TOP}/dir-archives/etc/sf/ims.conf`,
      `${TOP}/dir-archives/etc/hostname`,
    ]);
  });

  it('an FMC bundle has sf-version and no show managers (the FMC does not answer it)', () => {
    const names = tarList(paths[3]);
    expect(names).toContain(`${TOP}/dir-archives/etc/sf/sf-version`);
    expect(names).not.toContain(`${TOP}/${SFCLI} show managers.output`);
    expect(names).toContain(`${TOP}/${SFCLI} show version.output`);
    expect(names).toContain(`${TOP}/dir-archives/var-log/action_queue.log`);
  });

  it('holds, for each file, what the same device answers over SSH', async () => {
    for (const [index, host] of [[0, 'ftd-healthy'], [1, 'ftd-dns'], [2, 'ftd-72'], [3, 'fmc-a']] as const) {
      const root = untar(paths[index]);
      const file = (name: string) => readFileSync(join(root, name), 'utf8');
      const ftd = host.startsWith('ftd');
      const ngfw = ftd ? '/ngfw' : '';
      const commands = ftd ? ['show managers', 'show version', 'show network'] : ['show version', 'show network'];
      for (const c of commands) expect(file(`${SFCLI} ${c}.output`).trimEnd(), `${host} ${c}`).toBe((await answer(host, c, 'cli')).trimEnd());
      expect(file('dir-archives/var-log/action_queue.log'), host).toBe(await answer(host, `cat ${ngfw}/var/log/action_queue.log`, 'root'));
      expect(file('dir-archives/etc/sf/connector.properties'), host).toBe(await answer(host, `cat ${ngfw}/etc/sf/connector.properties`, 'root'));
      expect(file('dir-archives/etc/sf/ims.conf'), host).toBe(await answer(host, `cat ${ngfw}/etc/sf/ims.conf`, 'root'));
      expect(file('dir-archives/etc/hostname'), host).toBe(`${host}\n`);
      expect(file('dir-archives/etc/hostname'), host).toBe(await answer(host, 'cat /etc/hostname', 'root'));
      const live = await answer(host, `cat ${ngfw}/var/log/connector/connector.log`, 'root');
      expect(maskTimes(file('dir-archives/var-log/connector/connector.log')), host).toBe(maskTimes(live));
      if (!ftd) expect(file('dir-archives/etc/sf/sf-version')).toBe(await answer(host, 'cat /etc/sf/sf-version', 'root'));
    }
  }, 120_000);

  it('dates the logs from the generation time', () => {
    const log = readFileSync(join(untar(paths[0]), 'dir-archives/var-log/connector/connector.log'), 'utf8');
    // The newest entry is 1 min 29 s before NOW, in the device's -05:00 zone.
    expect(log).toContain('time="2026-03-04T00:04:37.');
  });

  it('is the same bytes when made again from the same state and time, and follows the state when it changes', async () => {
    const again = mkdtempSync(join(tmpdir(), 'fb-bundles-again-'));
    const second = await writeLabBundles(lab, again, { now: NOW });
    expect(second.map(sha256)).toEqual(paths.map(sha256));
    // Fix the DNS of ftd-dns over SSH: its next bundle shows the new server and no failing probe.
    expect(readFileSync(join(untar(paths[1]), 'dir-archives/var-log/action_queue.log'), 'utf8')).toContain('failed, exit code 6');
    await answer('ftd-dns', 'configure network dns servers 192.0.2.53', 'cli');
    const fixed = await writeLabBundles(lab, mkdtempSync(join(tmpdir(), 'fb-bundles-fixed-')), { now: NOW });
    const root = untar(fixed[1]);
    expect(readFileSync(join(root, 'dir-archives/var-log/action_queue.log'), 'utf8')).not.toContain('failed');
    expect(readFileSync(join(root, `${SFCLI} show network.output`), 'utf8')).toMatch(/DNS Servers +: 192\.0\.2\.53\n/);
  }, 60_000);

  it('stores names over 100 bytes so that the real tar reads them back', async () => {
    const long = `dir-archives/var-log/sf/${'Cisco_FTD_Upgrade-7.0.1-84'.repeat(4)}/upgrade_readiness/upgrade_readiness_status.json`;
    const file = join(mkdtempSync(join(tmpdir(), 'fb-bundle-long-')), 'long.tar.gz');
    writeFileSync(file, await packBundle(TOP, [{ name: long, content: '{}\n' }], NOW));
    expect(`${TOP}/${long}`.length).toBeGreaterThan(155);
    expect(tarList(file)).toContain(`${TOP}/${long}`);
    expect(readFileSync(join(untar(file), long), 'utf8')).toBe('{}\n');
  });
});

describe('firebook lab --bundles', () => {
  it('writes the bundles at start, prints one line per bundle and the run line that reads them, which works as printed', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-lab-bundles-'));
    const m = memoryIo(cwd);
    const controller = new AbortController();
    const done = runLab(['--hosts', '2', '--bundles', 'out'], m.io, controller.signal);
    while (!m.out().includes('lab running')) await new Promise((r) => setTimeout(r, 20));
    const out = m.out();
    for (const h of ['ftd01', 'ftd02']) expect(out).toContain(`bundle:      ${join(cwd, 'out', `${h}-troubleshoot.tar.gz`)}\n`);
    expect(out).toMatch(/run the SecureX playbook on the bundles \(copy this\):\n {2}\S.* run \S+securex\.yml --bundle \S+ftd01-troubleshoot\.tar\.gz --bundle \S+ftd02-troubleshoot\.tar\.gz\n/);
    expect(tarList(join(cwd, 'out', 'ftd01-troubleshoot.tar.gz'))).toContainEqual(expect.stringMatching(/^results-[\d-]+--\d{6}\/dir-archives\/etc\/hostname$/));
    // The printed line works as printed (outside a checkout: the installed `firebook`).
    const words = /run the SecureX playbook on the bundles \(copy this\):\n {2}(.*)\n/.exec(out)![1].split(' ');
    expect(words[0]).toBe('firebook');
    const run = memoryIo(cwd, { HOME: cwd });
    const report = join(cwd, 'report');
    expect(await main([...words.slice(1), '--out', report, '--format', 'json', '-q'], run.io), run.err()).toBe(0);
    const hosts = (JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as RunReport).hosts;
    expect(hosts.map((h) => [h.host, h.bundle?.file])).toEqual([['ftd01', 'ftd01-troubleshoot.tar.gz'], ['ftd02', 'ftd02-troubleshoot.tar.gz']]);
    controller.abort();
    expect(await done).toBe(0);
  }, 60_000);

  it('refuses a folder it cannot create before starting anything (cli-usage)', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fb-lab-bundles-bad-'));
    writeFileSync(join(cwd, 'file'), 'x');
    const m = memoryIo(cwd);
    const err = await runLab(['--hosts', '1', '--bundles', 'file/sub'], m.io, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).issues[0]).toMatchObject({ code: 'cli-usage', message: 'firebook lab: --bundles file/sub: cannot create the folder (ENOTDIR)' });
    expect(m.out()).toBe('');
  });
});
