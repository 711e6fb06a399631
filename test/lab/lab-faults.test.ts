import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { Client, type ClientChannel } from 'ssh2';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BASH_PROMPT, CLI_PROMPT, ShellDriver, clean, connect, openShell } from './expect.js';
import { settledCount } from '../faults/support.js';

let lab: Lab;
const port = (name: string) => lab.hosts.find((h) => h.name === name)!.port;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'drop', platform: 'ftd', faults: { dropOnCommand: 'show network' } },
      { name: 'noisy', platform: 'ftd', faults: { garbageOutput: true, bell: true } },
      { name: 'huge', platform: 'ftd', faults: { hugeOutputBytes: 2_000_000 } },
      { name: 'hang', platform: 'ftd', faults: { hangOnCommand: 'show managers', latencyMs: 5 } },
      { name: 'pager', platform: 'ftd', faults: { pager: true } },
      { name: 'newpw', platform: 'ftd', faults: { forcePasswordChange: true, handshakeDelayMs: 50 } },
      { name: 'reboot', platform: 'ftd', faults: { rebootOnCommand: 'show network', rebootDownMs: 60_000 } },
      { name: 'bytes', platform: 'ftd', faults: { binaryOutputBytes: 300, promptLikeOutput: true } },
    ],
  });
});
afterAll(() => lab.stop());

async function shellWithRows(p: number, rows: number): Promise<ShellDriver> {
  const client = await connect(p, { password: lab.password });
  const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell({ rows, cols: 80 }, (err, s) => (err ? reject(err) : resolve(s))));
  return new ShellDriver(client, stream);
}

describe('lab: faults', () => {
  it('drops the TCP connection when the dropOnCommand command runs', async () => {
    const { shell } = await openShell(port('drop'), { password: lab.password });
    const closed = new Promise<boolean>((resolve) => shell.client.on('close', () => resolve(true)));
    shell.send('show network\r');
    expect(await closed).toBe(true);
    expect(shell.closed).toBe(true);
    expect(clean(shell.buffer)).not.toContain('System Information');
  });

  it('mixes ANSI/BEL/NUL noise into outputs that cleaning removes', async () => {
    const { shell } = await openShell(port('noisy'), { password: lab.password }, /\n> $/);
    shell.send('show version\r');
    await new Promise((r) => setTimeout(r, 0));
    const raw = await new Promise<string>((resolve) => {
      const check = () => (clean(shell.buffer).endsWith('\n> ') ? resolve(shell.buffer) : setTimeout(check, 20));
      check();
    });
    expect(raw).toMatch(/\x1b\[|\x00|\x1b\]0;/);
    expect(raw.endsWith('> \x07')).toBe(true);
    const text = clean(raw);
    expect(text).toContain('Model                     : Cisco Firepower Threat Defense for VMWare (75) Version 6.5.0 (Build 115)\n');
    shell.buffer = '';
    shell.send('expert\r');
    await shell.expect(BASH_PROMPT);
    shell.send('unset PROMPT_COMMAND\r');
    await shell.expect(BASH_PROMPT);
    shell.send('echo ok\r');
    await new Promise<void>((resolve) => {
      const check = () => (shell.buffer.endsWith('$ \x07') ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(shell.buffer).not.toContain('\x1b]0;admin@noisy');
    shell.close();
  });

  it('streams hugeOutputBytes from cat /var/log/huge.log', async () => {
    const { shell } = await openShell(port('huge'), { password: lab.password });
    await shell.run('expert');
    expect(await shell.run('cat /var/log/huge.log | wc -c')).toBe('2000000');
    const out = await shell.run('cat /var/log/huge.log', BASH_PROMPT, 20_000);
    expect(out.length + 1).toBe(2_000_000);
    shell.close();
  });

  it('never answers the hangOnCommand command; Ctrl-C gets the prompt back', async () => {
    const { shell } = await openShell(port('hang'), { password: lab.password });
    expect(await shell.run('show version', CLI_PROMPT)).toContain('Version 6.5.0');
    shell.send('show managers\r');
    await shell.expect(/show managers\n$/);
    shell.send('show version\r');
    shell.send('\x03');
    const after = await shell.expect(CLI_PROMPT);
    expect(after).toBe('^C\n> ');
    expect(lab.commandLog('hang').map((e) => e.line)).toEqual(['show version', 'show managers']);
    shell.close();
  });

  it('pages long CLISH output with --More-- (space continues, q quits)', async () => {
    const shell = await shellWithRows(port('pager'), 10);
    await shell.expect(CLI_PROMPT);
    shell.send('show network\r');
    const page1 = await shell.expect(/--More--$/);
    expect(page1.split('\n')).toHaveLength(11);
    shell.send(' ');
    const page2 = await shell.expect(/--More--$/);
    expect(page2).toContain('MAC Address');
    shell.send('q');
    // The pager erases its `--More--` with CR + blanks + CR, so the prompt follows a CR.
    const rest = await shell.expect(/\r {8}\r> $/);
    expect(rest).not.toContain('Proxy Information');
    shell.close();
  });

  it('asks for a new password before the first prompt (forcePasswordChange, after a handshake delay)', async () => {
    const client = await connect(port('newpw'), { password: lab.password });
    const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell({ rows: 24, cols: 80 }, (err, s) => (err ? reject(err) : resolve(s))));
    const shell = new ShellDriver(client, stream);
    expect(await shell.expect(/Enter new password: $/)).toContain('Hello admin. You must change your password.\nEnter new password: ');
    shell.send('N3w-pass\r');
    await shell.expect(/Confirm new password:$/);
    shell.send('N3w-pass\r');
    expect(await shell.expect(CLI_PROMPT)).toBe('\n> ');
    shell.close();
  });
});

describe('lab: reboot, binary and prompt-like output', () => {
  it('rebootOnCommand drops the connection once and resets new ones while "down"', async () => {
    const { shell } = await openShell(port('reboot'), { password: lab.password });
    const closed = new Promise<void>((resolve) => shell.client.on('close', () => resolve()));
    shell.send('show network\r');
    await closed;
    // Down: the TCP connection is reset before any SSH byte.
    await expect(connect(port('reboot'), { password: lab.password })).rejects.toThrow(/ECONNRESET|closed|reset/i);
    expect(await settledCount(() => lab.openConnections())).toBe(0);
  });

  it('binaryOutputBytes writes raw bytes (invalid UTF-8, NUL, ESC) as a PTY would (LF → CRLF)', async () => {
    const { shell } = await openShell(port('bytes'), { password: lab.password });
    await shell.run('expert');
    const raw: Buffer[] = [];
    shell.stream.on('data', (d: Buffer) => raw.push(d));
    await shell.run('cat /var/log/binary.dat; echo; echo done-marker', BASH_PROMPT);
    const bytes = Buffer.concat(raw);
    expect(bytes.includes(Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x1b, 0x50]))).toBe(true);
    expect(bytes.includes(Buffer.from([0xc3, 0x28]))).toBe(true);
    expect(bytes.includes(Buffer.from('\r\n> \r\n'))).toBe(true);
    expect(await shell.run('cat /var/log/prompts.log', BASH_PROMPT)).toContain('admin@firepower:~$ \nroot@firepower:~# \nPassword: \n--More--');
    shell.close();
  });
});

describe('lab: lifecycle', () => {
  it('starts 200 generated hosts with distinct ports and host keys, then stops without leftovers', async () => {
    const tcpServers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const before = tcpServers();
    const big = await startLab({ hosts: 200, scenarios: ['healthy', 'dns-broken', 'egress-blocked'] });
    expect(big.hosts).toHaveLength(200);
    expect(new Set(big.hosts.map((h) => h.port)).size).toBe(200);
    expect(big.hosts.filter((h) => h.platform === 'fmc')).toHaveLength(40);
    expect(big.hosts[1]).toMatchObject({ name: 'ftd002', scenario: 'dns-broken', address: '127.0.0.1' });
    const keys = (await readFile(big.knownHostsPath, 'utf8')).trim().split('\n').map((l) => l.split(' ')[2]);
    expect(new Set(keys).size).toBe(200);
    const client = await connect(big.hosts[0].port, { password: big.password });
    const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));
    await big.stop();
    await clientClosed;
    expect(tcpServers()).toBe(before);
    expect(existsSync(big.inventoryPath)).toBe(false);
    const refused = new Client();
    await expect(
      new Promise((resolve, reject) => {
        refused.on('error', reject).on('ready', resolve);
        refused.connect({ host: '127.0.0.1', port: big.hosts[0].port, username: 'admin', password: big.password });
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
