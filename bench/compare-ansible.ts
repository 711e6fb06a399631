/**
 * firebook against the real anchor, measured in the same run (npm run bench):
 *
 *   a real OpenSSH sshd serves N loopback addresses (127.0.x.y) as a user whose login shell is
 *   /bin/sh; `ansible-playbook` (raw module, forks 50, cold ControlPersist connections) and
 *   `firebook run` (platform linux, forks 50) run the same 10 read-only commands (three of them
 *   `sleep 0.05`) on every host, alternated, R rounds. Reported: wall time and CPU per
 *   host-task for each tool (every process of the tool's tree, incl. Ansible's ssh
 *   ControlPersist masters), and the medians of the per-round ratios. Numbers only: nothing
 *   asserts on them. Needs root (it makes the /bin/sh user), /usr/sbin/sshd and ansible-playbook.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packagePath } from '../src/io/package-files.js';

const BENCH_USER = 'fbbench';
/** OpenSSH's MAX_LISTEN_SOCKS: one sshd listens on at most 16 addresses. */
const ADDRESSES_PER_SSHD = 16;
const COMMANDS = ['uname -a', 'sleep 0.05', 'id', 'cat /etc/hostname', 'sleep 0.05', 'ls /etc', 'date -u', 'sleep 0.05', 'df -P /', 'echo done'];

/** One tool's run: wall time and CPU of its whole process tree. */
export interface ToolRun {
  wallMs: number;
  cpuMs: number;
  ok: boolean;
  detail: string;
}

export interface ComparisonResult {
  hosts: number;
  rounds: number;
  forks: number;
  ansible: ToolRun[];
  firebook: ToolRun[];
  versions: { ansible: string; openssh: string };
}

/** Why the comparison cannot run here, or undefined when it can. */
export function missingForComparison(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (it creates a test user whose login shell is /bin/sh)';
  if (!existsSync('/usr/sbin/sshd')) return 'needs /usr/sbin/sshd (apt-get install openssh-server)';
  if (spawnSync('ansible-playbook', ['--version']).status !== 0) return 'needs ansible-playbook (apt-get install ansible-core)';
  return undefined;
}

const TICK_MS = 1000 / 100; // USER_HZ on Linux

/** CPU (user+system) of this process's reaped children, in ms: grows when a waited child exits. */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
  // After "(comm) ": field 3 is index 0, so cutime (16) is index 13 and cstime (17) index 14.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** utime+stime (ms) of live processes whose command line contains `needle` (Ansible's
 * daemonised ssh ControlPersist masters, which its process tree never reaps). */
function liveCpuMs(needle: string): { ms: number; pids: number[] } {
  let ms = 0;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) continue;
      const f = readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      ms += (Number(f[11]) + Number(f[12])) * TICK_MS;
      pids.push(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return { ms, pids };
}

function addressOf(i: number): string {
  return `127.0.${10 + Math.floor(i / 250)}.${1 + (i % 250)}`;
}

function ensureBenchUser(): void {
  if (spawnSync('id', [BENCH_USER]).status !== 0) execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', BENCH_USER]);
  // '*': no password can log in, but the account is not locked (sshd refuses locked accounts even with a key).
  execFileSync('usermod', ['--shell', '/bin/sh', '--password', '*', BENCH_USER]);
}

export interface Fleet {
  dir: string;
  port: number;
  sshds: ChildProcess[];
  inventory: string;
  knownHosts: string;
}

export async function startFleet(hosts: number): Promise<Fleet> {
  ensureBenchUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'firebook-bench-ansible-'));
  execFileSync('chmod', ['755', dir]);
  const hostKey = join(dir, 'host_key');
  const clientKey = join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o644 });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const pub = readFileSync(`${hostKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const addresses = Array.from({ length: hosts }, (_, i) => addressOf(i));
  writeFileSync(join(dir, 'known_hosts'), addresses.map((a) => `[${a}]:${port} ${pub}\n`).join(''));
  const sshds: ChildProcess[] = [];
  let sshdLog = '';
  for (let i = 0; i < hosts; i += ADDRESSES_PER_SSHD) {
    const config = join(dir, `sshd_config.${i}`);
    writeFileSync(
      config,
      [
        `Port ${port}`,
        ...addresses.slice(i, i + ADDRESSES_PER_SSHD).map((a) => `ListenAddress ${a}`),
        `HostKey ${hostKey}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        `AllowUsers ${BENCH_USER}`,
        'MaxStartups 200',
        'MaxSessions 50',
        'PidFile none',
        'LogLevel ERROR',
        '',
      ].join('\n'),
    );
    // stderr kept, not shown: the readiness probe below makes sshd log a dropped connection.
    const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd.stderr!.on('data', (d: Buffer) => (sshdLog = (sshdLog + d.toString()).slice(-2000)));
    sshds.push(sshd);
  }
  const inventory = join(dir, 'hosts.ini');
  writeFileSync(
    inventory,
    [
      '[bench]',
      ...addresses.map((a, i) => `h${String(i + 1).padStart(4, '0')} ansible_host=${a}`),
      '',
      '[bench:vars]',
      `ansible_port=${port}`,
      `ansible_user=${BENCH_USER}`,
      `ansible_ssh_private_key_file=${clientKey}`,
      'platform=linux',
      '',
    ].join('\n'),
  );
  await waitForPort(addresses[addresses.length - 1]!, port).catch((err: Error) => {
    for (const s of sshds) s.kill();
    throw new Error(`${err.message}; sshd said: ${sshdLog.trim() || '(nothing)'}`);
  });
  return { dir, port, sshds, inventory, knownHosts: join(dir, 'known_hosts') };
}

async function waitForPort(host: string, port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, host);
      s.once('data', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not start on ${host}:${port}`);
}

function writeAnsibleFiles(fleet: Fleet, forks: number): { playbook: string; cfg: string } {
  const playbook = join(fleet.dir, 'ansible-bench.yml');
  writeFileSync(
    playbook,
    ['- hosts: bench', '  gather_facts: false', '  tasks:', ...COMMANDS.map((c) => `    - raw: ${JSON.stringify(c)}`), ''].join('\n'),
  );
  const cfg = join(fleet.dir, 'ansible.cfg');
  writeFileSync(
    cfg,
    [
      '[defaults]',
      `forks = ${forks}`,
      'host_key_checking = True',
      'gathering = explicit',
      'retry_files_enabled = False',
      '[ssh_connection]',
      // Ansible's default ssh_args plus our known_hosts; ControlPersist masters are measured too.
      `ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${fleet.knownHosts} -o StrictHostKeyChecking=yes`,
      '',
    ].join('\n'),
  );
  return { playbook, cfg };
}

export function writeFirebookPlaybook(dir: string): string {
  const path = join(dir, 'firebook-bench.yml');
  const checks = COMMANDS.map((c, i) =>
    [
      `  - id: c${String(i + 1).padStart(2, '0')}`,
      `    title: ${JSON.stringify(c)}`,
      '    severity: info',
      `    collect: [{ level: expert, command: ${JSON.stringify(c)} }]`,
      '    expect: [{ of: exit, equals: 0 }]',
      '    diagnose: [{ when: [], cause: the command failed, next: read the evidence }]',
    ].join('\n'),
  );
  writeFileSync(path, ['name: bench', 'hosts: bench', 'checks:', ...checks, ''].join('\n'));
  return path;
}

/** Runs a command to completion; returns its wall time and its tree's CPU (reaped children). */
async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun> {
  const cpu0 = childrenCpuMs();
  const t0 = performance.now();
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-2000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { wallMs: performance.now() - t0, cpuMs: childrenCpuMs() - cpu0, ok: code === 0, detail: code === 0 ? '' : `exit ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}` };
}

async function runAnsible(fleet: Fleet, files: { playbook: string; cfg: string }, round: number): Promise<ToolRun> {
  // Cold connections: a fresh ControlPath directory each round.
  const cp = join(fleet.dir, `cp-${round}`);
  mkdirSync(cp);
  const env = { ...process.env, ANSIBLE_CONFIG: files.cfg, ANSIBLE_SSH_CONTROL_PATH_DIR: cp, ANSIBLE_NOCOLOR: '1' };
  const run = await measure('ansible-playbook', ['-i', fleet.inventory, files.playbook], env);
  // The ssh masters outlive ansible-playbook (ControlPersist): add their CPU, then end them.
  const masters = liveCpuMs(cp);
  for (const pid of masters.pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  return { ...run, cpuMs: run.cpuMs + masters.ms };
}

export async function runFirebook(fleet: Fleet, playbook: string, forks: number, round: number): Promise<ToolRun> {
  const out = join(fleet.dir, `fb-out-${round}`);
  const args = [packagePath('dist/src/cli/main.js'), 'run', playbook, '-i', fleet.inventory, '--known-hosts', fleet.knownHosts, '--forks', String(forks), '--out', out, '--format', 'json', '-q'];
  return measure(process.execPath, args, { ...process.env, NO_COLOR: '1' });
}

/** Runs the comparison; `log` receives progress lines. */
export async function compareWithAnsible(opts: { hosts: number; rounds: number; forks: number; log: (line: string) => void }): Promise<ComparisonResult> {
  const fleet = await startFleet(opts.hosts);
  try {
    const ansibleFiles = writeAnsibleFiles(fleet, opts.forks);
    const fbPlaybook = writeFirebookPlaybook(fleet.dir);
    const result: ComparisonResult = {
      hosts: opts.hosts,
      rounds: opts.rounds,
      forks: opts.forks,
      ansible: [],
      firebook: [],
      versions: {
        ansible: execFileSync('ansible-playbook', ['--version']).toString().split('\n')[0]!.trim(),
        openssh: spawnSync('ssh', ['-V']).stderr.toString().trim(),
      },
    };
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate which tool goes first, so neither always meets a warm machine.
      const order = round % 2 === 0 ? (['ansible', 'firebook'] as const) : (['firebook', 'ansible'] as const);
      for (const tool of order) {
        const run = tool === 'ansible' ? await runAnsible(fleet, ansibleFiles, round) : await runFirebook(fleet, fbPlaybook, opts.forks, round);
        result[tool].push(run);
        opts.log(`round ${round + 1}/${opts.rounds} ${tool.padEnd(8)} ${(run.wallMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU${run.ok ? '' : `  FAILED ${run.detail}`}`);
      }
    }
    return result;
  } finally {
    await stopFleet(fleet);
  }
}

/** Ends the fleet's sshds and removes its folder. */
export async function stopFleet(fleet: Fleet): Promise<void> {
  for (const s of fleet.sshds) s.kill('SIGTERM');
  await Promise.all(fleet.sshds.map((s) => (s.exitCode === null ? new Promise((r) => s.once('exit', r)) : undefined)));
  rmSync(fleet.dir, { recursive: true, force: true });
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The comparison as Markdown lines (for the console and bench/results.md). */
export function formatComparison(r: ComparisonResult): string[] {
  const tasks = r.hosts * COMMANDS.length;
  const perTask = (x: ToolRun) => x.cpuMs / tasks;
  const med = (tool: 'ansible' | 'firebook', f: (x: ToolRun) => number) => median(r[tool].map(f));
  const wallRatio = median(r.firebook.map((f, i) => f.wallMs / r.ansible[i]!.wallMs));
  const cpuRatio = median(r.firebook.map((f, i) => f.cpuMs / r.ansible[i]!.cpuMs));
  const failed = [...r.ansible, ...r.firebook].some((x) => !x.ok);
  return [
    `## firebook vs Ansible: ${r.hosts} hosts × ${COMMANDS.length} commands (3 × sleep 0.05), forks ${r.forks}, ${r.rounds} alternated rounds`,
    '',
    `Real OpenSSH sshd on ${r.hosts} loopback addresses, login shell /bin/sh; Ansible \`raw\` module, cold ControlPersist; firebook \`platform: linux\`. CPU = the tool's whole process tree (Ansible's ssh masters included).`,
    '',
    '| | wall (median) | CPU per host-task (median) |',
    '|---|---|---|',
    `| Ansible (${r.versions.ansible}) | ${(med('ansible', (x) => x.wallMs) / 1000).toFixed(2)} s | ${med('ansible', perTask).toFixed(2)} ms |`,
    `| firebook | ${(med('firebook', (x) => x.wallMs) / 1000).toFixed(2)} s | ${med('firebook', perTask).toFixed(2)} ms |`,
    `| firebook / Ansible (median of per-round ratios) | ${wallRatio.toFixed(3)} (1/${(1 / wallRatio).toFixed(1)}) | ${cpuRatio.toFixed(3)} (1/${(1 / cpuRatio).toFixed(1)}) |`,
    '',
    `Targets (issue 12): wall ≤ 1/8 of Ansible's → ${wallRatio <= 1 / 8 ? 'met' : 'NOT met'}; CPU ≤ 1.0 ms per host-task → ${med('firebook', perTask) <= 1 ? 'met' : 'NOT met'}.${failed ? ' Some runs FAILED: see the log above; the figures are not comparable.' : ''}`,
    `${r.versions.openssh}.`,
  ];
}
