import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FANCY_PS1, LAB_KEY_PASSPHRASE, startLab, type Lab, type LabHostSpec } from '../../src/lab/index.js';
import { SshConnector, type SshConnectorOptions } from '../../src/transport/index.js';
import { TransportError, type DeviceSession } from '../../src/model/transport.js';
import { NodeSSH } from 'node-ssh';
import { ShellStream } from '../../src/transport/shell-stream.js';
import { awaitArrival, pinPosixShell, type PinState } from '../../src/transport/pinned-shell.js';
import { runMarkedCommand } from '../../src/transport/shell-ops.js';
import { CLISH_PROMPT } from '../../src/transport/prompts.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';

const HOSTS: LabHostSpec[] = [
  { name: 'ftd1', platform: 'ftd' },
  { name: 'fmc-cli', platform: 'fmc', fmcLogin: 'cli' },
  { name: 'fmc-bash', platform: 'fmc', fmcLogin: 'bash' },
  { name: 'locked', platform: 'ftd', scenario: 'expert-disabled' },
  { name: 'slow', platform: 'ftd', faults: { latencyMs: 150 } },
  { name: 'noauth', platform: 'ftd', faults: { authFail: true } },
  { name: 'dropper', platform: 'ftd', faults: { dropOnCommand: 'DROPME' } },
  { name: 'hanger', platform: 'ftd', faults: { hangOnCommand: 'HANGME' } },
  { name: 'noisy', platform: 'ftd', faults: { garbageOutput: true, bell: true } },
  { name: 'huge', platform: 'ftd', faults: { hugeOutputBytes: 3_000_000 } },
  { name: 'pager', platform: 'ftd', faults: { pager: true } },
  { name: 'newpw', platform: 'ftd', faults: { forcePasswordChange: true } },
  { name: 'stall', platform: 'ftd', faults: { handshakeDelayMs: 5_000 } },
  { name: 'fmc-fancy', platform: 'fmc', fmcLogin: 'bash', ps1: FANCY_PS1, faults: { garbageOutput: true } },
];

let lab: Lab;
const sessions: DeviceSession[] = [];

beforeAll(async () => {
  lab = await startLab({ hosts: HOSTS });
});

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await lab?.stop();
});

function specOf(name: string, over: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const h = lab.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return {
    name,
    address: h.address,
    port: h.port,
    user: 'admin',
    password: lab.password,
    platform: h.platform,
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 5_000,
    hostTimeoutMs: 60_000,
    ...over,
  };
}

async function connect(name: string, over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}): Promise<DeviceSession> {
  const c = new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0, ...opts });
  const s = await c.connect(specOf(name, over));
  sessions.push(s);
  return s;
}

async function failure(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return err as TransportError;
}

describe('transport against the built-in lab', () => {
  it('drives cli, expert and root on an FTD and back', async () => {
    const s = await connect('ftd1');
    expect(s.facts).toMatchObject({ platform: 'ftd', loginLevel: 'cli', hostname: 'ftd1', version: '6.5.0', build: '115' });
    const net = await s.run('show network', 'cli');
    expect(net.output).toMatch(/^===============\[ System Information \]===============\nHostname {18}: ftd1\n/);
    expect(net.exitCode).toBeNull();
    expect(await s.run('echo hi; false', 'expert')).toMatchObject({ output: 'hi\n', exitCode: 1 });
    expect((await s.run('id', 'root')).output).toMatch(/^uid=0\(root\)/);
    expect((await s.run('show version', 'cli')).output).toContain('Version 6.5.0 (Build 115)');
    const levels = lab.commandLog('ftd1').map((e) => `${e.level}:${e.line.split(' ')[0]}`);
    expect(levels).toContain('expert:sudo');
    expect(levels).toContain('cli:expert');
    // Never sends the password as a logged command line.
    expect(lab.commandLog('ftd1').some((e) => e.line.includes(lab.password))).toBe(false);
  });

  it('FMC on the CLI gathers facts from show version', async () => {
    const s = await connect('fmc-cli');
    expect(s.facts).toMatchObject({ platform: 'fmc', loginLevel: 'cli', version: '6.6.1' });
    expect((await s.run('id -u', 'root')).exitCode).toBe(0);
  });

  it('FMC with a bash login: facts from sf-version, cli unavailable, session usable', async () => {
    const s = await connect('fmc-bash');
    expect(s.facts).toMatchObject({ platform: 'fmc', loginLevel: 'expert', version: '6.6.1', build: '91', hostname: 'fmc-bash' });
    expect((await failure(s.run('show network', 'cli'))).triage).toBe('level-unavailable');
    expect((await s.run('echo ok', 'root')).output).toBe('ok\n');
    expect((await s.run('echo back', 'expert')).output).toBe('back\n');
  });

  it('expert-disabled: privilege error, cli still works', async () => {
    const s = await connect('locked');
    const err = await failure(s.run('echo x', 'expert'));
    expect(err.triage).toBe('privilege');
    expect(err.message).toMatch(/expert mode is not available on this device: .*(disabled|lockdown|denied)/i);
    expect((await s.run('show version', 'cli')).output).toContain('Model');
    expect((await failure(s.run('echo x', 'root'))).triage).toBe('privilege');
  });

  it('wrong become password: privilege, lower levels still usable', async () => {
    const s = await connect('ftd1', { becomePassword: 'definitely-wrong' });
    const err = await failure(s.run('id -u', 'root'));
    expect(err.triage).toBe('privilege');
    expect(err.message).not.toContain('definitely-wrong');
    expect((await s.run('echo still', 'expert')).output).toBe('still\n');
  });

  it('a become password with a line break is never typed: privilege, nothing of it sent', async () => {
    const s = await connect('ftd1', { becomePassword: `${lab.password}\nreboot-canary` });
    const err = await failure(s.run('id -u', 'root'));
    expect(err.triage).toBe('privilege');
    expect(err.message).toMatch(/become password contains a line break, so it was not sent/);
    expect(err.message).not.toContain(lab.password);
    expect(lab.commandLog('ftd1').map((e) => e.line).join('\n')).not.toMatch(/reboot-canary/);
    expect((await s.run('echo still', 'expert')).output).toBe('still\n');
  });

  it('latency does not break prompt detection', async () => {
    const s = await connect('slow');
    expect((await s.run('echo slow', 'expert')).output).toBe('slow\n');
  });

  it('key auth: plain key and encrypted key with passphrase', async () => {
    const plain = await connect('ftd1', { password: undefined, privateKeyFile: lab.clientKeyPath });
    expect(plain.facts.loginLevel).toBe('cli');
    const enc = await connect('ftd1', {
      password: undefined,
      privateKeyFile: `${lab.clientKeyPath}.enc`,
      passphrase: LAB_KEY_PASSPHRASE,
      becomePassword: lab.password,
    });
    expect((await enc.run('id -u', 'root')).exitCode).toBe(0);
  });

  it('auth failure maps to auth and does not retry forever', async () => {
    const err = await failure(connect('noauth', {}, { connectRetries: 2 }));
    expect(err.triage).toBe('auth');
    expect(err.message).not.toContain(lab.password);
  });

  it('forced password change at login is unexpected-prompt', async () => {
    expect((await failure(connect('newpw'))).triage).toBe('unexpected-prompt');
  });

  it('a stalled handshake is connect-timeout', async () => {
    expect((await failure(connect('stall', { connectTimeoutMs: 500 }))).triage).toBe('connect-timeout');
  });

  it('a drop mid-command rejects with disconnected', async () => {
    const s = await connect('dropper');
    expect((await failure(s.run('echo DROPME', 'expert'))).triage).toBe('disconnected');
    expect((await failure(s.run('echo again', 'expert'))).triage).toBe('disconnected');
  });

  it('a hung command times out, is interrupted with Ctrl-C and the shell recovers', async () => {
    const s = await connect('hanger');
    const r = await s.run('echo HANGME', 'expert', { timeoutMs: 500 });
    expect(r).toMatchObject({ timedOut: true, exitCode: null });
    expect((await s.run('echo alive', 'expert')).output).toBe('alive\n');
    const c = await s.run('show HANGME', 'cli', { timeoutMs: 500 });
    expect(c.timedOut).toBe(true);
    expect((await s.run('show version', 'cli')).output).toContain('Model');
  });

  it('garbage (ANSI/OSC/NUL) and bells never reach the output', async () => {
    const s = await connect('noisy');
    expect(s.facts.version).toBe('6.5.0');
    const net = await s.run('show network', 'cli');
    expect(net.output).not.toMatch(/[\x00-\x08\x1b\x07]/);
    // Control strings go with their payloads (DCS `ESC P+q544e ESC \`, OSC titles).
    const plain = await (await connect('ftd1')).run('show network', 'cli');
    const perDevice = (t: string) => t.replace(/^(MAC Address|Address) .*$/gm, '$1');
    expect(perDevice(net.output)).toBe(perDevice(plain.output.replace(/ftd1/g, 'noisy')));
    expect(net.output).toContain('Hostname                  : noisy\n');
    const e = await s.run('echo clean', 'expert');
    expect(e.output.replace(/\n$/, '')).toBe('clean');
    expect((await s.run('id -u', 'root')).exitCode).toBe(0);
  });

  it('huge output is capped and the session stays in sync', async () => {
    const s = await connect('huge', {}, { outputCapBytes: 100_000 });
    const r = await s.run('cat /var/log/huge.log', 'root', { timeoutMs: 30_000 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(100_000);
    expect(r.exitCode).toBe(0);
    expect((await s.run('echo next', 'root')).output).toBe('next\n');
  });

  it('answers the CLISH --More-- pager with space and returns every line', async () => {
    let raw = '';
    const s = await connect('pager', {}, { terminalRows: 8, onRawOutput: (_host, chunk) => (raw += chunk) });
    const paged = await s.run('show network', 'cli');
    const plain = await (await connect('ftd1')).run('show network', 'cli');
    expect(paged.output).not.toContain('More');
    expect(paged.output.split('\n').length).toBe(plain.output.split('\n').length);
    expect(paged.output).toContain('Authentication            : Disabled\n');
    expect(raw).toContain('--More--');
  });

  it('a bash login with a coloured, non-ASCII prompt and title noise is pinned, not guessed', async () => {
    const s = await connect('fmc-fancy');
    expect(s.facts).toMatchObject({ platform: 'fmc', loginLevel: 'expert', hostname: 'fmc-fancy', version: '6.6.1' });
    expect(await s.run('echo pinned; false', 'expert')).toMatchObject({ output: 'pinned\n', exitCode: 1 });
    expect((await s.run('id -u', 'root')).output).toBe('0\n');
    expect((await s.run('id -un', 'expert')).output).toBe('admin\n');
  });

  it('walks a level through unknown → synced → pinned, then runs framed commands on the marker', async () => {
    const h = lab.hosts.find((x) => x.name === 'fmc-fancy')!;
    const ssh = new NodeSSH();
    await ssh.connect({ host: h.address, port: h.port, username: 'admin', password: lab.password, hostVerifier: () => true });
    ssh.connection?.on('error', () => undefined);
    try {
      const shell = new ShellStream(await ssh.requestShell({ term: 'vt100', cols: 500, rows: 200 }));
      const arrival = await awaitArrival(shell, [{ name: 'cli', pattern: CLISH_PROMPT }], 5_000);
      expect(arrival.name).toBe('ready');
      const states: PinState[] = [];
      const pinned = await pinPosixShell(shell, { what: 'login shell', secrets: [], onState: (st) => states.push(st) });
      expect(states).toEqual(['unknown', 'synced', 'pinned']);
      if (!('prompt' in pinned)) throw new Error(`not pinned: ${pinned.name}`);
      expect(pinned.uid).toBe(1000);
      const ex = await runMarkedCommand(shell, "printf 'a\\nb'", 5_000, 1 << 20, pinned.prompt);
      expect(ex).toMatchObject({ output: 'a\nb', exitCode: 0, timedOut: false });
    } finally {
      ssh.dispose();
    }
  });
});
