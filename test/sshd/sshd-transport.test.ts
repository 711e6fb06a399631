/** The transport against a REAL OpenSSH sshd and real shells (see sshd-harness.ts for the two
 * modes: real users as root/CI, an unprivileged sshd with one port per shell otherwise). */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshConnector, buildHashedHostField, type SshConnectorOptions } from '../../src/transport/index.js';
import { TransportError, type DeviceSession } from '../../src/model/transport.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';
import type { Lab } from '../../src/lab/index.js';
import { runOn, statusTable } from '../integration/helpers.js';
import { KEY_PASSPHRASE, SHELLS, canSudo, requireSshd, sshdMode, startSshd, type ShellKind, type SshdHandle } from './sshd-harness.js';
import { requireProgram } from '../support/requires.js';

const SSHD = requireSshd();
const MODE = SSHD ? sshdMode() : 'ports';
const SUDO = SSHD !== undefined && canSudo(MODE);
const LINUX_CHECKS = join(import.meta.dirname, 'linux-checks.yml');
/** The shells we did not write: each logs in, is pinned and runs commands exactly. */
const SHELL_KINDS: ShellKind[] = ['dash', 'bash-fancy', 'zsh', 'mksh', 'ash', 'bash'];
/** A shell under test is installed (else one visible skip line; a failure in CI). */
function hasShell(kind: ShellKind): boolean {
  return SSHD !== undefined && requireProgram(`test/sshd ${kind} login`, SHELLS[kind].program, SHELLS[kind].install) !== undefined;
}
/** Where a POSIX login lands: root when root runs the suite in ports mode (FIREBOOK_SSHD_MODE). */
const LOGIN_LEVEL = MODE === 'ports' && process.getuid?.() === 0 ? 'root' : 'expert';

let sshd: SshdHandle;
let work: string;
let knownHosts: string;
const open: DeviceSession[] = [];

beforeAll(async () => {
  if (!SSHD) return;
  sshd = await startSshd(MODE);
  work = mkdtempSync(join(tmpdir(), 'firebook-sshd-client-'));
});

afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  if (!SSHD) return;
  sshd.setMode('');
  knownHosts = join(work, `known_hosts_${Math.random().toString(36).slice(2)}`);
  writeFileSync(knownHosts, sshd.knownHostsText());
});

/** The login of one shell under test: password in users mode, the client key in ports mode. */
function spec(over: Partial<ConnectionSpec> = {}, kind: ShellKind = 'clish'): ConnectionSpec {
  const ep = sshd.endpoint(kind);
  if (!ep) throw new Error(`no ${kind} login on this machine`);
  const auth = ep.password !== undefined ? { password: ep.password } : { privateKeyFile: ep.privateKeyFile, passphrase: ep.passphrase };
  return {
    name: `dut-${kind}`,
    address: '127.0.0.1',
    port: ep.port,
    user: ep.user,
    ...auth,
    platform: kind === 'clish' ? 'ftd' : 'linux',
    connectTimeoutMs: 10_000,
    commandTimeoutMs: 10_000,
    hostTimeoutMs: 60_000,
    ...over,
  };
}

/** Who the shell under test runs as. */
function userOf(kind: ShellKind): string {
  return sshd.endpoint(kind)!.user;
}

async function connect(over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}, kind: ShellKind = 'clish'): Promise<DeviceSession> {
  const c = new SshConnector({ knownHostsFile: knownHosts, hostKeyPolicy: 'strict', connectRetries: 0, ...opts });
  const s = await c.connect(spec(over, kind));
  open.push(s);
  return s;
}

async function connectError(over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}, kind: ShellKind = 'clish'): Promise<TransportError> {
  try {
    const s = await connect(over, opts, kind);
    await s.close();
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return err as TransportError;
  }
  throw new Error('expected the connection to fail');
}

describe.skipIf(!SSHD)('FTD-like shell over real sshd', () => {
  it('logs in past the banner, gathers facts and runs cli and expert commands', async () => {
    const s = await connect();
    expect(s.facts).toMatchObject({ platform: 'ftd', loginLevel: 'cli', version: '6.5.0', build: '115' });
    expect(s.facts.inventoryPlatform).toBeUndefined();
    expect(s.facts.model).toBe('Cisco Firepower Threat Defense for VMWare');
    const net = await s.run('show network', 'cli');
    expect(net.exitCode).toBeNull();
    expect(net.output).toContain('DNS Servers               : 192.168.200.100\n                            8.8.8.8\n');
    expect(net.output).not.toContain('show network');
    expect(net.output).not.toMatch(/>\s*$/);

    const who = await s.run('id -un', 'expert');
    expect(who).toMatchObject({ output: `${userOf('clish')}\n`, exitCode: 0, level: 'expert', truncated: false });
    const fail = await s.run("sh -c 'echo oops >&2; exit 3'", 'expert');
    expect(fail).toMatchObject({ output: 'oops\n', exitCode: 3 });
    // Back to CLISH (echo restored), and up again.
    expect((await s.run('show version', 'cli')).output).toContain('Version 6.5.0 (Build 115)');
    expect((await s.run('echo again', 'expert')).output).toBe('again\n');
    await s.close();
  });

  it.skipIf(!SUDO)('moves cli → expert → root (sudo) and back', async () => {
    const s = await connect();
    const root = await s.run('id -u', 'root');
    expect(root).toMatchObject({ output: '0\n', exitCode: 0 });
    // Back down: expert runs as the user again, then CLISH.
    expect((await s.run('id -un', 'expert')).output).toBe('fbadmin\n');
    expect((await s.run('show version', 'cli')).output).toContain('Version 6.5.0 (Build 115)');
    // Up again: sudo credential is cached now (same tty), so no password prompt this time.
    expect((await s.run('whoami', 'root')).output).toBe('root\n');
    await s.close();
  });

  it('says when the inventory platform disagrees with the device (the device wins)', async () => {
    const s = await connect({ platform: 'linux' });
    expect(s.facts).toMatchObject({ platform: 'ftd', inventoryPlatform: 'linux', loginLevel: 'cli' });
    await s.close();
  });

  it('a CLISH slow to show its > (after the silence that triggers a probe) logs in as CLISH, in sync', async () => {
    sshd.setMode('slow-prompt');
    const s = await connect();
    expect(s.facts).toMatchObject({ platform: 'ftd', loginLevel: 'cli', version: '6.5.0' });
    const net = await s.run('show network', 'cli');
    expect(net.output).toContain('Management port');
    expect(net.output).not.toContain('Syntax error');
    expect((await s.run('show version', 'cli')).output).toContain('Version 6.5.0 (Build 115)');
    await s.close();
  }, 25_000);

  it('fails in seconds, not after the command timeout, on a prompt no shell answers behind', async () => {
    sshd.setMode('mute');
    const err = await connectError({ commandTimeoutMs: 60_000, connectTimeoutMs: 60_000 });
    expect(err.triage).toBe('unexpected-prompt');
    // The last bytes, escaped: colour codes visible, non-ASCII kept.
    expect(err.message).toContain('\\x1b[1mfw-東京 ⟫\\x1b[0m');
    expect(err.message).toMatch(/did not answer a probe within \d+(\.\d+)? s/);
  }, 25_000);

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

  it.skipIf(!SUDO)('rejects a wrong become password and stays usable at lower levels', async () => {
    const s = await connect({ becomePassword: 'not-the-password' });
    await expect(s.run('id -u', 'root')).rejects.toMatchObject({ triage: 'privilege' });
    expect((await s.run('id -un', 'expert')).output).toBe(`${userOf('clish')}\n`);
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

describe.skipIf(!SSHD)('authentication and host keys', () => {
  it('authenticates with an encrypted key and its passphrase', async () => {
    const s = await connect({ password: undefined, privateKeyFile: sshd.clientKeyPath, passphrase: KEY_PASSPHRASE });
    expect(s.facts.loginLevel).toBe('cli');
    await s.close();
  });

  it('maps a wrong password to auth and never leaks it', async () => {
    const err = await connectError({ password: 'wrong-secret-pw', privateKeyFile: undefined, passphrase: undefined });
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

describe.skipIf(!SSHD)('linux shell (plain bash login)', () => {
  const bash = (over: Partial<ConnectionSpec> = {}, opts: Partial<SshConnectorOptions> = {}) => connect({ platform: 'linux', ...over }, opts, 'bash');

  it('runs expert commands with exact output and exit codes; cli is unavailable', async () => {
    const s = await bash();
    expect(s.facts).toMatchObject({ platform: 'linux', loginLevel: LOGIN_LEVEL });
    expect(s.facts.hostname).toBeTruthy();
    await expect(s.run('show version', 'cli')).rejects.toMatchObject({ triage: 'level-unavailable' });
    const r = await s.run("printf 'no newline'", 'expert');
    expect(r).toMatchObject({ output: 'no newline', exitCode: 0 });
    const fake = await s.run("printf 'admin@x:~$ \\nroot@x:/# \\n> \\n'", 'expert');
    expect(fake.output).toBe('admin@x:~$ \nroot@x:/# \n> \n');
    await s.close();
  });

  it.skipIf(!SUDO)('runs root commands through sudo', async () => {
    const s = await bash();
    expect((await s.run('id -u', 'root')).output).toBe('0\n');
    expect((await s.run('false', 'root')).exitCode).toBe(1);
    expect((await s.run('id -un', 'expert')).output).toBe('fbops\n');
    await s.close();
  });

  it('FMC in the inventory but a plain Linux login: the device wins, cli commands are refused', async () => {
    const s = await bash({ platform: 'fmc' });
    expect(s.facts).toMatchObject({ loginLevel: LOGIN_LEVEL, platform: 'linux', inventoryPlatform: 'fmc' });
    const err = await s.run('show version', 'cli').catch((e: unknown) => e);
    expect((err as TransportError).triage).toBe('level-unavailable');
    expect((await s.run('echo still-usable', 'expert')).output).toBe('still-usable\n');
    await s.close();
  });

  it('turns a hung command into timedOut and recovers the shell', async () => {
    const s = await bash();
    const r = await s.run('echo started; sleep 30', 'expert', { timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(r.output).toBe('started\n');
    expect((await s.run('echo after', 'expert')).output).toBe('after\n');
    await s.close();
  });

  it('caps huge output, drains the rest and stays in sync', async () => {
    const s = await bash({}, { outputCapBytes: 64 * 1024 });
    const r = await s.run('seq 1 300000', 'expert', { timeoutMs: 30_000 });
    expect(r.truncated).toBe(true);
    expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(64 * 1024);
    expect(r.output.startsWith('1\n2\n3\n')).toBe(true);
    expect(r.exitCode).toBe(0);
    expect((await s.run('echo next', 'expert')).output).toBe('next\n');
    await s.close();
  });

  it('rejects with disconnected when the session dies mid-command', async () => {
    const s = await bash();
    await expect(s.run('kill -9 $PPID; sleep 5', 'expert')).rejects.toMatchObject({ triage: 'disconnected' });
    await expect(s.run('echo x', 'expert')).rejects.toMatchObject({ triage: 'disconnected' });
  });

  it('an abort signal closes the session and rejects the running command as interrupted', async () => {
    const c = new SshConnector({ knownHostsFile: knownHosts, hostKeyPolicy: 'strict', connectRetries: 0 });
    const ac = new AbortController();
    const s = await c.connect(spec({ platform: 'linux' }, 'bash'), ac.signal);
    const running = s.run('sleep 20', 'expert');
    setTimeout(() => ac.abort(), 300);
    await expect(running).rejects.toMatchObject({ triage: 'interrupted' });
    await s.close();
  });
});

describe.skipIf(!SSHD)('shells we did not write: pinned, never guessed', () => {
  for (const kind of SHELL_KINDS) it.skipIf(!hasShell(kind))(`${kind}: logs in, pins the prompt and runs commands exactly`, async () => {
    const s = await connect({}, {}, kind);
    expect(s.facts).toMatchObject({ platform: 'linux', loginLevel: LOGIN_LEVEL });
    expect(s.facts.hostname).toBeTruthy();
    expect(await s.run("printf 'no newline'", 'expert')).toMatchObject({ output: 'no newline', exitCode: 0 });
    expect(await s.run("sh -c 'echo out; echo err >&2; exit 7'", 'expert')).toMatchObject({ output: 'out\nerr\n', exitCode: 7 });
    // Pinned for machine use: TERM=dumb, no colour prompt or title escapes in the output.
    expect((await s.run('echo "$TERM"', 'expert')).output).toBe('dumb\n');
    expect((await s.run("printf '%s\\n' 'fw-東京<b>:~$ ' 'host% '", 'expert')).output).toBe('fw-東京<b>:~$ \nhost% \n');
    // State persists between commands (one shell), and a hung command is recovered from.
    await s.run('cd /tmp', 'expert');
    expect((await s.run('pwd', 'expert')).output).toBe('/tmp\n');
    const hung = await s.run('echo started; sleep 30', 'expert', { timeoutMs: 1500 });
    expect(hung).toMatchObject({ timedOut: true, exitCode: null, output: 'started\n' });
    expect((await s.run('echo after', 'expert')).output).toBe('after\n');
    await s.close();
  });

  it('runs the linux platform checks and every one passes on every shell', async () => {
    const kinds = SHELL_KINDS.filter(hasShell);
    const lines = ['all:', '  hosts:'];
    for (const kind of kinds) {
      const c = spec({}, kind);
      const vars: Record<string, unknown> = { ansible_host: '127.0.0.1', ansible_port: c.port, ansible_user: c.user, platform: 'linux' };
      if (c.password !== undefined) vars.ansible_password = c.password;
      else Object.assign(vars, { ansible_ssh_private_key_file: c.privateKeyFile, ansible_ssh_private_key_passphrase: c.passphrase });
      lines.push(`    ${kind}: ${JSON.stringify(vars)}`);
    }
    const inventory = join(work, 'linux-inventory.yml');
    writeFileSync(inventory, lines.join('\n') + '\n');
    const { report } = await runOn(inventory, { knownHostsPath: knownHosts } as Lab, { playbooks: [LINUX_CHECKS], knownHosts });
    const table = statusTable(report);
    expect(Object.keys(table).sort()).toEqual([...kinds].sort());
    for (const kind of kinds) {
      const host = report.hosts.find((h) => h.host === kind)!;
      expect(host.status, `${kind}: ${host.triage?.message ?? ''}`).toBe('ok');
      expect(Object.values(table[kind]).every((st) => st === 'pass'), `${kind}: ${JSON.stringify(table[kind])}`).toBe(true);
    }
  }, 60_000);
});
