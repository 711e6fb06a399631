/** Starts a REAL OpenSSH sshd on a loopback port for the transport tests (needs root and
 * .ci/sshd-setup.sh). Fails loudly — never skips — when that is not possible. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The password .ci/sshd-setup.sh gives the test users. */
export const TEST_PASSWORD = process.env.FIREBOOK_SSHD_TEST_PASSWORD ?? 'Fb-test-Pass1';
/** Passphrase of the generated client key. */
export const KEY_PASSPHRASE = 'key-pass-phrase-42';

/** A running sshd and its files. */
export interface SshdHandle {
  port: number;
  dir: string;
  /** `ssh-ed25519 AAAA...` (type and base64 of the server's host key). */
  hostKeyType: string;
  hostKeyBase64: string;
  clientKeyPath: string;
  /** Writes the fixture mode switches read at the next login (see clish-fixture.sh). */
  setMode(mode: string): void;
  /** CLISH commands the fixture received so far. */
  commandLog(): string[];
  /** sshd's own log (stderr, LogLevel VERBOSE). */
  log(): string;
  stop(): Promise<void>;
}

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'clish-fixture.sh');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function probeBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      sock.destroy();
      resolve(ok);
    };
    sock.once('data', (d) => done(d.toString().startsWith('SSH-2.0')));
    sock.once('error', () => done(false));
    sock.setTimeout(1000, () => done(false));
  });
}

function requireSetup(): void {
  if (process.getuid?.() !== 0) throw new Error('test/sshd needs root: sshd must run as root to switch users');
  for (const user of ['fbadmin', 'fbops']) {
    try {
      execFileSync('id', [user], { stdio: 'ignore' });
    } catch {
      throw new Error(`test user ${user} is missing: run .ci/sshd-setup.sh as root first`);
    }
  }
}

/** Generates keys and a config in a temp dir, starts `sshd -D -e -f CONFIG -p PORT`, waits for it. */
export async function startSshd(): Promise<SshdHandle> {
  requireSetup();
  const dir = mkdtempSync(join(tmpdir(), 'firebook-sshd-'));
  chmodSync(dir, 0o755); // users read authorized_keys and write the fixture log here
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey, '-C', 'test-host']);
  const clientKeyPath = join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', KEY_PASSPHRASE, '-f', clientKeyPath, '-C', 'test-client']);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`), { mode: 0o644 });
  chmodSync(join(dir, 'authorized_keys'), 0o644);
  for (const f of ['commands.log', 'mode']) {
    writeFileSync(join(dir, f), '');
    chmodSync(join(dir, f), 0o666);
  }
  const [hostKeyType, hostKeyBase64] = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin no',
      'AllowUsers fbadmin fbops',
      'PrintMotd no',
      'LogLevel VERBOSE',
      'MaxStartups 100',
      'Match User fbadmin',
      `  ForceCommand /bin/bash ${FIXTURE} ${dir}`,
      '',
    ].join('\n'),
  );
  let stderr = '';
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-200_000);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 100 && !exited; i++) {
    if (await probeBanner(port)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited || !(await probeBanner(port))) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${stderr}`);
  }
  return {
    port,
    dir,
    hostKeyType,
    hostKeyBase64,
    clientKeyPath,
    setMode: (mode) => writeFileSync(join(dir, 'mode'), mode),
    commandLog: () => readFileSync(join(dir, 'commands.log'), 'utf8').split('\n').filter((l) => l !== ''),
    log: () => stderr,
    stop: async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      // Session processes of killed connections may linger briefly; they hold no files we need.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
