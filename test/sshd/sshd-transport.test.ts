import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnector, buildHashedHostField, type SshConnectorOptions } from '../../src/transport/index.js';
import { TransportError, type DeviceSession } from '../../src/model/transport.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';
import { KEY_PASSPHRASE, TEST_PASSWORD, startSshd, type SshdHandle } from './sshd-harness.js';

let sshd: SshdHandle;
let work: string;
let knownHosts: string;
const open: DeviceSession[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'firebook-sshd-client-'));
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  sshd.setMode('');
  knownHosts = join(work, `known_hosts_${Math.random().toString(36).slice(2)}`);
  writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
});

function spec(over: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return {
    name: 'dut',
    address: '127.0.0.1',
    port: sshd.port,
    user: 'fbadmin',
    password: TEST_PASSWORD,
    platform: 'ftd',
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 10_000,
    hostTimeoutMs: 60_000,
    ...over,
  };
}

async function connect(over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}): Promise<DeviceSession> {
  const c = new SshConnector({ knownHostsFile: knownHosts, hostKeyPolicy: 'strict', connectRetries: 0, ...opts });
  const s = await c.connect(spec(over));
  open.push(s);
  return s;
}

async function connectError(over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}): Promise<TransportError> {
  try {
    const s = await connect(over, opts);
    await s.close();
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error('expected the connection to fail');
}

describe('FTD-like shell over real sshd', () => {
  it('logs in past the banner, gathers facts and runs cli/expert/root commands', async () => {
    const s = await connect();
    expect(s.facts).toMatchObject({ platform: 'ftd', loginLevel: 'cli', version: '6.5.0', build: '115' });
    expect(s.facts.model).toBe('Cisco Firepower Threat Defense for VMWare');
    const net = await s.run('show network', 'cli');
    expect(net.exitCode).toBeNull();
    expect(net.output).toContain('DNS Servers               : 192.168.200.100\n                            8.8.8.8\n');
    expect(net.output).not.toContain('show network');
    expect(net.output).not.toMatch(/>\s*$/);

    const who = await s.run('id -un', 'expert');
    expect(who).toMatchObject({ output: 'fbadmin\n', exitCode: 0, level: 'expert', truncated: false });
    const fail = await s.run("sh -c 'echo oops >&2; exit 3'", 'expert');
    expect(fail).toMatchObject({ output: 'oops\n', exitCode: 3 });

    const root = await s.run('id -u', 'root');
    expect(root).toMatchObject({ output: '0\n', exitCode: 0 });
    // Back down: expert runs as the user again, then CLISH.
    expect((await s.run('id -un', 'expert')).output).toBe('fbadmin\n');
    expect((await s.run('show version', 'cli')).output).toContain('Version 6.5.0 (Build 115)');
    // Up again: sudo credential is cached now (same tty), so no password prompt this time.
    expect((await s.run('whoami', 'root')).output).toBe('root\n');
    await s.close();
  });

  it('rejects expert on a locked-down device but keeps the cli usable', async () => {
    sshd.setMode('lockdown bell');
    const s = await connect();
    const err = await s.run('id', 'expert').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).triage).toBe('privilege');
    expect((err as TransportError).message).toMatch(/expert mode is not available on this device: .*(disabled|lockdown|denied)/i);
    const v = await s.run('show version', 'cli');
    expect(v.output).toContain('Model');
    await expect(s.run('id', 'root')).rejects.toMatchObject({ triage: 'privilege' });
    await s.close();
  });

  it('rejects a wrong become password and stays usable at lower levels', async () => {
    const s = await connect({ becomePassword: 'not-the-password' });
    await expect(s.run('id -u', 'root')).rejects.toMatchObject({ triage: 'privilege' });
    expect((await s.run('id -un', 'expert')).output).toBe('fbadmin\n');
    expect((await s.run('show network', 'cli')).output).toContain('Management port');
    await s.close();
  });

  it('strips ANSI escapes and BEL, and answers the pager with space', async () => {
    const s = await connect();
    expect((await s.run('show ansi', 'cli')).output).toBe('Bold text green\n');
    const paged = await s.run('show paged', 'cli');
    const lines = paged.output.trimEnd().split('\n');
    expect(lines).toHaveLength(30);
    expect(lines[10]).toBe('line 11 of paged output');
    expect(paged.output).not.toContain('More');
    await s.close();
  });

  it('reports a forced password change as unexpected-prompt', async () => {
    sshd.setMode('force-password-change');
    expect((await connectError()).triage).toBe('unexpected-prompt');
  });
});

describe('authentication and host keys', () => {
  it('authenticates with an encrypted key and its passphrase', async () => {
    const s = await connect({ password: undefined, privateKeyFile: sshd.clientKeyPath, passphrase: KEY_PASSPHRASE });
    expect(s.facts.loginLevel).toBe('cli');
    await s.close();
  });

  it('maps a wrong password to auth and never leaks it', async () => {
    const err = await connectError({ password: 'wrong-secret-pw' });
    expect(err.triage).toBe('auth');
    expect(err.message).not.toContain('wrong-secret-pw');
  });

  it('maps a wrong key passphrase to auth', async () => {
    const err = await connectError({ password: undefined, privateKeyFile: sshd.clientKeyPath, passphrase: 'bad-phrase' });
    expect(err.triage).toBe('auth');
    expect(err.message).not.toContain('bad-phrase');
  });

  it('accepts a hashed known_hosts entry', async () => {
    const name = `[127.0.0.1]:${sshd.port}`;
    writeFileSync(knownHosts, `# hashed\n${buildHashedHostField(name)} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    const s = await connect();
    expect(s.facts.version).toBe('6.5.0');
    await s.close();
  });

  it('refuses a changed host key, in accept-new too, before any command is sent', async () => {
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ssh-ed25519 ${other}\n`);
    const before = sshd.commandLog().length;
    const strict = await connectError();
    expect(strict.triage).toBe('host-key-mismatch');
    expect(strict.message).toMatch(/SHA256:/);
    const acceptNew = await connectError({}, { hostKeyPolicy: 'accept-new' });
    expect(acceptNew.triage).toBe('host-key-mismatch');
    expect(sshd.commandLog().length).toBe(before);
    expect(readFileSync(knownHosts, 'utf8')).not.toContain(sshd.hostKeyBase64);
  });

  it('refuses an unknown host key in strict mode and records it with accept-new', async () => {
    writeFileSync(knownHosts, '');
    const err = await connectError();
    expect(err.triage).toBe('host-key-unknown');
    expect(err.message).toContain('--accept-new-host-keys');
    const s = await connect({}, { hostKeyPolicy: 'accept-new' });
    await s.close();
    expect(readFileSync(knownHosts, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostKeyType} ${sshd.hostKeyBase64}\n`);
    const again = await connect();
    await again.close();
  });

  it('maps a closed port to refused', async () => {
    const err = await connectError({ port: 1 });
    expect(err.triage).toBe('refused');
  });
});

describe('linux shell (plain bash login)', () => {
  it('runs expert and root commands with exact output and exit codes; cli is unavailable', async () => {
    const s = await connect({ user: 'fbops', platform: 'linux' });
    expect(s.facts).toMatchObject({ platform: 'linux', loginLevel: 'expert' });
    expect(s.facts.hostname).toBeTruthy();
    await expect(s.run('show version', 'cli')).rejects.toMatchObject({ triage: 'level-unavailable' });
    const r = await s.run("printf 'no newline'", 'expert');
    expect(r).toMatchObject({ output: 'no newline', exitCode: 0 });
    const fake = await s.run("printf 'admin@x:~$ \\nroot@x:/# \\n> \\n'", 'expert');
    expect(fake.output).toBe('admin@x:~$ \nroot@x:/# \n> \n');
    expect((await s.run('id -u', 'root')).output).toBe('0\n');
    expect((await s.run('false', 'root')).exitCode).toBe(1);
    await s.close();
  });

  it('FMC with a bash login gathers no CLI facts and rejects cli commands', async () => {
    const s = await connect({ user: 'fbops', platform: 'fmc' });
    expect(s.facts.loginLevel).toBe('expert');
    const err = await s.run('show version', 'cli').catch((e: unknown) => e);
    expect((err as TransportError).triage).toBe('level-unavailable');
    expect((await s.run('echo still-usable', 'expert')).output).toBe('still-usable\n');
    await s.close();
  });

  it('turns a hung command into timedOut and recovers the shell', async () => {
    const s = await connect({ user: 'fbops', platform: 'linux' });
    const r = await s.run('echo started; sleep 30', 'expert', { timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.output).toBe('started\n');
    expect((await s.run('echo after', 'expert')).output).toBe('after\n');
    await s.close();
  });

  it('caps huge output, drains the rest and stays in sync', async () => {
    const s = await connect({ user: 'fbops', platform: 'linux' }, { outputCapBytes: 64 * 1024 });
    const r = await s.run('seq 1 300000', 'expert', { timeoutMs: 30_000 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(64 * 1024);
    expect(r.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(r.exitCode).toBe(0);
    expect((await s.run('echo next', 'expert')).output).toBe('next\n');
    await s.close();
  });

  it('rejects with disconnected when the session dies mid-command', async () => {
    const s = await connect({ user: 'fbops', platform: 'linux' });
    await expect(s.run('kill -9 $PPID; sleep 5', 'expert')).rejects.toMatchObject({ triage: 'disconnected' });
    await expect(s.run('echo x', 'expert')).rejects.toMatchObject({ triage: 'disconnected' });
  });

  it('an abort signal closes the session and rejects the running command as interrupted', async () => {
    const c = new SshConnector({ knownHostsFile: knownHosts, hostKeyPolicy: 'strict', connectRetries: 0 });
    const ac = new AbortController();
    const s = await c.connect(spec({ user: 'fbops', platform: 'linux' }), ac.signal);
    const running = s.run('sleep 20', 'expert');
    setTimeout(() => ac.abort(), 300);
    await expect(running).rejects.toMatchObject({ triage: 'interrupted' });
    await s.close();
  });
});
