/** Auth modes a fleet really uses, against the lab: keyboard-interactive only (PAM/TACACS+
 * style) and ssh-agent. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { SshConnector } from '../../src/transport/index.js';
import { TransportError } from '../../src/model/transport.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';

let lab: Lab;
let agent: { pid: number; sock: string } | undefined;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'kbd', platform: 'ftd', faults: { authMethods: ['keyboard-interactive'] } },
      { name: 'keyonly', platform: 'ftd', faults: { authMethods: ['publickey'] } },
    ],
  });
  // A real OpenSSH ssh-agent holding the lab's client key.
  const sock = join(mkdtempSync(join(tmpdir(), 'fb-agent-')), 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('ssh-add', [lab.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  agent = { pid: child.pid!, sock };
});

afterAll(async () => {
  if (agent) process.kill(agent.pid);
  await lab?.stop();
});

const spec = (name: string, over: Partial<ConnectionSpec> = {}): ConnectionSpec => {
  const h = lab.hosts.find((x) => x.name === name)!;
  return { name, address: h.address, port: h.port, user: 'admin', password: lab.password, platform: 'ftd', connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, hostTimeoutMs: 60_000, ...over };
};

describe('auth modes', () => {
  it('answers a keyboard-interactive password prompt when password auth is not offered', async () => {
    const s = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0 }).connect(spec('kbd'));
    expect(s.facts.version).toBe('6.5.0');
    expect((await s.run('echo via-kbd', 'root')).output).toBe('via-kbd\n');
    await s.close();
  });

  it('a wrong keyboard-interactive password is an auth failure, without the password in the message', async () => {
    const err = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0 })
      .connect(spec('kbd', { password: 'wrong-secret-123' }))
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).triage).toBe('auth');
    expect((err as TransportError).message).not.toContain('wrong-secret-123');
  });

  it('uses ssh-agent when the host has neither password nor key', async () => {
    const s = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0, agentSocket: agent!.sock }).connect(
      spec('keyonly', { password: undefined, becomePassword: lab.password }),
    );
    expect((await s.run('whoami', 'root')).output).toBe('root\n');
    await s.close();
  });
});
