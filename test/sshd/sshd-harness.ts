/** Starts a REAL OpenSSH sshd on loopback for the transport tests, in one of two modes:
 *
 * - `users` (root with the users of .ci/sshd-setup.sh, as in CI): one port; each shell under
 *   test is a real user whose login shell it is (fbdash: /bin/sh, fbbash: bash with a coloured
 *   PS1, fbzsh: zsh…); password and key logins; sudo works.
 * - `ports` (anyone else, e.g. `npm test` on a fresh clone): an unprivileged sshd as the
 *   current user, which can only log that user in. So each shell under test gets its own port,
 *   and a `Match LocalPort` block's ForceCommand execs that shell as an interactive login
 *   shell with a HOME holding its rc files. Key logins only; no sudo.
 *
 * The rc files (test/sshd/rc/) are the same in both modes. A missing /usr/sbin/sshd or shell
 * skips with one line (test/support/requires.ts); in CI it fails. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProgram, requireProgram } from '../support/requires.js';

/** The password .ci/sshd-setup.sh gives the test users. */
export const TEST_PASSWORD = process.env.FIREBOOK_SSHD_TEST_PASSWORD ?? 'Fb-test-Pass1';
/** Passphrase of the generated client key. */
export const KEY_PASSPHRASE = 'key-pass-phrase-42';

/** The shells the suite logs in to. `clish` is the FTD-like fixture (clish-fixture.sh). */
export type ShellKind = 'clish' | 'bash' | 'dash' | 'bash-fancy' | 'zsh' | 'mksh' | 'ash';

interface ShellSetup {
  /** The user .ci/sshd-setup.sh creates for it (users mode). */
  user: string;
  /** Candidate paths of the program (the first that exists is used). */
  program: string[];
  install: string;
  /** Ports mode: arguments after the program (an interactive login shell). */
  args: string[];
  /** rc files: test/sshd/rc/<source> → HOME/<target>. */
  rc: Array<[string, string]>;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, 'clish-fixture.sh');

/** One table for both modes (and for .ci/sshd-setup.sh, which mirrors it). */
export const SHELLS: Record<ShellKind, ShellSetup> = {
  clish: { user: 'fbadmin', program: ['/bin/bash'], install: 'apt-get install bash', args: [FIXTURE], rc: [] },
  bash: { user: 'fbops', program: ['/bin/bash'], install: 'apt-get install bash', args: ['-l', '-i'], rc: [] },
  dash: { user: 'fbdash', program: ['/bin/dash'], install: 'apt-get install dash', args: ['-l', '-i'], rc: [] },
  'bash-fancy': { user: 'fbbash', program: ['/bin/bash'], install: 'apt-get install bash', args: ['-l', '-i'], rc: [['bashrc-fancy', '.bashrc'], ['bash_profile', '.bash_profile']] },
  zsh: { user: 'fbzsh', program: ['/usr/bin/zsh', '/bin/zsh'], install: 'apt-get install zsh', args: ['-l', '-i'], rc: [['zshrc', '.zshrc']] },
  mksh: { user: 'fbmksh', program: ['/bin/mksh', '/usr/bin/mksh'], install: 'apt-get install mksh', args: ['-l', '-i'], rc: [['mkshrc', '.mkshrc']] },
  ash: { user: 'fbash', program: ['/bin/busybox', '/usr/bin/busybox'], install: 'apt-get install busybox', args: ['sh', '-l', '-i'], rc: [['profile-ash', '.profile']] },
};

/** How one shell under test is reached. */
export interface Endpoint {
  port: number;
  user: string;
  /** Users mode only (an unprivileged sshd cannot check passwords). */
  password?: string;
  privateKeyFile: string;
  passphrase: string;
}

/** A running sshd and its files. */
export interface SshdHandle {
  mode: SshdMode;
  /** The first port (users mode: the only one). */
  port: number;
  dir: string;
  /** `ssh-ed25519 AAAA...` (type and base64 of the server's host key). */
  hostKeyType: string;
  hostKeyBase64: string;
  clientKeyPath: string;
  /** known_hosts lines for every port. */
  knownHostsText(): string;
  /** Where a shell under test answers, or undefined when its program is missing (skipped). */
  endpoint(kind: ShellKind): Endpoint | undefined;
  /** Writes the fixture mode switches read at the next login (see clish-fixture.sh). */
  setMode(mode: string): void;
  /** CLISH commands the fixture received so far. */
  commandLog(): string[];
  /** sshd's own log (stderr, LogLevel VERBOSE). */
  log(): string;
  stop(): Promise<void>;
}

export type SshdMode = 'users' | 'ports';

const SSHD = ['/usr/sbin/sshd'];
const SUDO_SKIP = 'skipped: sudo tests of test/sshd — need root and the users of .ci/sshd-setup.sh (an unprivileged sshd has no sudo)';
let sudoAnnounced = false;

/** The sshd binary, or undefined (one visible line; a failure in CI). */
export function requireSshd(): string | undefined {
  const sshd = requireProgram('test/sshd (real OpenSSH)', SSHD, 'apt-get install openssh-server');
  const problem = sshd && process.env.FIREBOOK_SSHD_MODE !== 'users' ? unprivilegedPtyProblem() : undefined;
  if (!problem) return sshd;
  if (process.env.CI === 'true') throw new Error(`test/sshd: ${problem}; CI must run every suite`);
  process.stderr.write(`skipped: test/sshd (real OpenSSH) — ${problem}\n`);
  return undefined;
}

function usersExist(): boolean {
  try {
    for (const s of Object.values(SHELLS)) if (findProgram(s.program)) execFileSync('id', [s.user], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Why an unprivileged sshd cannot hand out terminals here, if it cannot: sshd chowns each pty
 * to the `tty` group, which only works unprivileged when devpts already does (`gid=5`), as on
 * ordinary Linux machines (some containers mount it without), or for a member of `tty`. */
function unprivilegedPtyProblem(): string | undefined {
  if (process.getuid?.() === 0) return undefined;
  let mounts = '';
  try {
    mounts = readFileSync('/proc/mounts', 'utf8');
  } catch {
    return undefined;
  }
  const devpts = mounts.split('\n').find((l) => l.split(' ')[1] === '/dev/pts');
  const tty = /^tty:[^:]*:(\d+):/m.exec(readFileSync('/etc/group', 'utf8'))?.[1];
  // The owner may chown to a group it belongs to: a member of `tty` is fine either way.
  if (!devpts || !tty || devpts.includes(`gid=${tty}`) || process.getgroups?.().includes(Number(tty))) return undefined;
  return `/dev/pts is mounted without gid=${tty}, so an unprivileged sshd cannot give a terminal (run as root with .ci/sshd-setup.sh)`;
}

/** `users` when root and .ci/sshd-setup.sh has run; `ports` otherwise (CI must be `users`).
 * FIREBOOK_SSHD_MODE=ports|users forces one. */
export function sshdMode(): SshdMode {
  const forced = process.env.FIREBOOK_SSHD_MODE;
  if (forced === 'ports' || forced === 'users') return forced;
  if (process.getuid?.() === 0 && usersExist()) return 'users';
  if (process.env.CI === 'true') throw new Error('test/sshd in CI needs root and the users of .ci/sshd-setup.sh (run it as root first)');
  return 'ports';
}

/** True when sudo can be tested; otherwise prints the skip line once. */
export function canSudo(mode: SshdMode): boolean {
  if (mode === 'users') return true;
  if (!sudoAnnounced) {
    sudoAnnounced = true;
    process.stderr.write(`${SUDO_SKIP}\n`);
  }
  return false;
}

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

/** Single-quotes a word for sshd's ForceCommand (run by the user's shell with -c). */
function sq(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Ports mode: the HOME of one shell, with its rc files. */
function makeHome(dir: string, kind: ShellKind): string {
  const home = join(dir, 'home', kind);
  mkdirSync(home, { recursive: true });
  for (const [source, target] of SHELLS[kind].rc) copyFileSync(join(HERE, 'rc', source), join(home, target));
  return home;
}

/** Generates keys and a config in a temp dir, starts `sshd -D -e -f CONFIG`, waits for it. */
export async function startSshd(mode: SshdMode = sshdMode()): Promise<SshdHandle> {
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
  const kinds = (Object.keys(SHELLS) as ShellKind[]).filter((k) => findProgram(SHELLS[k].program));
  const ports = new Map<ShellKind, number>();
  const common = [
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    'UsePAM no',
    'StrictModes no',
    'PubkeyAuthentication yes',
    'KbdInteractiveAuthentication no',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PermitRootLogin ${mode === 'ports' && process.getuid?.() === 0 ? 'prohibit-password' : 'no'}`,
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel VERBOSE',
    'MaxStartups 100',
  ];
  let lines: string[];
  if (mode === 'users') {
    const port = await freePort();
    for (const k of kinds) ports.set(k, port);
    lines = [
      `Port ${port}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      ...common,
      'PasswordAuthentication yes',
      `AllowUsers ${kinds.map((k) => SHELLS[k].user).join(' ')}`,
      'Match User fbadmin',
      `  ForceCommand /bin/bash ${FIXTURE} ${dir}`,
    ];
  } else {
    for (const k of kinds) ports.set(k, await freePort());
    lines = [...[...new Set(ports.values())].map((p) => `Port ${p}`), 'PidFile none', ...common, 'PasswordAuthentication no', `AllowUsers ${userInfo().username}`];
    for (const k of kinds) {
      const s = SHELLS[k];
      const program = findProgram(s.program)!;
      const command =
        k === 'clish'
          ? `${sq(program)} ${sq(FIXTURE)} ${sq(dir)}`
          : `HOME=${sq(makeHome(dir, k))} ZDOTDIR=${sq(join(dir, 'home', k))} exec ${[program, ...s.args].map(sq).join(' ')}`;
      lines.push(`Match LocalPort ${ports.get(k)}`, `  ForceCommand ${command}`);
    }
  }
  const config = join(dir, 'sshd_config');
  writeFileSync(config, lines.join('\n') + '\n');
  let stderr = '';
  const child: ChildProcess = spawn(SSHD[0], ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-200_000);
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const first = [...ports.values()][0];
  for (let i = 0; i < 100 && !exited; i++) {
    if (await probeBanner(first)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (exited || !(await probeBanner(first))) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start on 127.0.0.1:${first}:\n${stderr}`);
  }
  const me = userInfo().username;
  return {
    mode,
    port: first,
    dir,
    hostKeyType,
    hostKeyBase64,
    clientKeyPath,
    knownHostsText: () => [...new Set(ports.values())].map((p) => `[127.0.0.1]:${p} ${hostKeyType} ${hostKeyBase64}\n`).join(''),
    endpoint: (kind) => {
      const port = ports.get(kind);
      if (port === undefined) {
        requireProgram(`test/sshd ${kind} login`, SHELLS[kind].program, SHELLS[kind].install);
        return undefined;
      }
      const user = mode === 'users' ? SHELLS[kind].user : me;
      return { port, user, ...(mode === 'users' ? { password: TEST_PASSWORD } : {}), privateKeyFile: clientKeyPath, passphrase: KEY_PASSPHRASE };
    },
    setMode: (m) => writeFileSync(join(dir, 'mode'), m),
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
