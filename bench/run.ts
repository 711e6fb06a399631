/**
 * Benchmarks (npm run bench): firebook's runner on a fleet of lab devices, measured from the
 * runner's own process (the lab runs in a child process so its CPU is not counted), and
 * firebook against Ansible on the same real-sshd hosts in the same run (compare-ansible.ts).
 *
 *   npm run bench -- [--hosts 500,5000,10000] [--forks 50] [--commands 300] [--sessions 200]
 *                    [--ansible-hosts 200] [--rounds 3] [--no-ansible]
 *
 * Prints, per fleet size, `firebook run`'s wall time, peak memory and CPU per host-task (one
 * check on one host) and the time to render every format (bench/scale.ts); memory per open
 * SSH session; the client CPU per command on one persistent shell; and the Ansible
 * comparison, and the time to record the 5,000-host run in the results database (bench/history.ts
 * measures that alone). Writes everything to bench/results.md with the machine and the command.
 * Numbers only — nothing asserts on them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadInventory, connectionSpec } from '../src/inventory/index.js';
import { SshConnector } from '../src/transport/index.js';
import type { DeviceSession } from '../src/model/transport.js';
import { packagePath } from '../src/io/package-files.js';
import { createHostVerifier } from '../src/transport/host-verifier.js';
import { buildHashedHostField } from '../src/transport/known-hosts.js';
import { randomBytes } from 'node:crypto';
import { compareWithAnsible, formatComparison, missingForComparison } from './compare-ansible.js';
import { cleanUp, formatScale, runAtScale, timeRendering, type ScaleRun } from './scale.js';
import { timeRecording } from './history.js';

/** Every line printed also goes to bench/results.md. */
const lines: string[] = [];
function out(line: string): void {
  lines.push(line);
  console.log(line);
}

interface LabProcess {
  child: ChildProcess;
  dir: string;
}

/** Starts `firebook lab` in a child process and waits until it serves. */
async function startLabProcess(hosts: number): Promise<LabProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'firebook-bench-'));
  const child = spawn(process.execPath, [packagePath('dist/src/cli/main.js'), 'lab', '--hosts', String(hosts), '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('lab running')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`lab exited ${code}`)));
  });
  return { child, dir };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const fmt = (n: number, d = 1) => n.toFixed(d);

/** `firebook run` on growing slices of the lab, then rendering from the result store. */
async function benchScale(lab: LabProcess, sizes: number[], forks: number): Promise<void> {
  const runs: ScaleRun[] = [];
  for (const n of sizes) {
    console.log(`scale: firebook run on ${n} lab hosts …`);
    runs.push(await runAtScale(lab.dir, n, forks));
  }
  const forRender = [...runs].reverse().find((r) => r.hosts <= 5000) ?? runs[0];
  const render = { hosts: forRender.hosts, ...timeRendering(forRender) };
  // Recording the same run folder into a new SQLite results database (bench/history.ts).
  const recordMs = await timeRecording(forRender.reportDir, join(forRender.reportDir, '..', 'bench-history.db'));
  runs.forEach(cleanUp);
  out('');
  for (const line of formatScale(runs, forks, render)) out(line);
  out(`Target: recording a ${forRender.hosts}-host run in the results database (SQLite) under 3 s → ${fmt(recordMs / 1000, 2)} s: ${recordMs < 3000 ? 'met' : 'not met'}.`);
}

async function benchSessions(lab: LabProcess, count: number, commands: number): Promise<void> {
  const inventory = await loadInventory(join(lab.dir, 'inventory.yml'));
  const connector = new SshConnector({ knownHostsFile: join(lab.dir, 'known_hosts'), hostKeyPolicy: 'strict' });
  const specs = [...inventory.hosts.values()].slice(0, count).map((h) => connectionSpec(h));
  global.gc?.();
  const before = process.memoryUsage();
  const sessions: DeviceSession[] = [];
  for (let i = 0; i < specs.length; i += 25) sessions.push(...(await Promise.all(specs.slice(i, i + 25).map((s) => connector.connect(s)))));
  global.gc?.();
  const after = process.memoryUsage();
  out(`\n## Memory per open host connection (${sessions.length} SSH sessions with a shell and facts)`);
  const per = (k: 'heapUsed' | 'external') => fmt((after[k] - before[k]) / sessions.length / 1024);
  // Heap and buffers, not RSS: after the Ansible comparison this process gives memory back to the
  // system while the sessions open, and an RSS difference would mean nothing.
  const kib = (after.heapUsed + after.external - before.heapUsed - before.external) / sessions.length / 1024;
  out(`memory per session      ${fmt(kib)} KiB   (heap ${per('heapUsed')} KiB + buffers ${per('external')} KiB)${global.gc ? '' : '   (run with --expose-gc for steadier numbers)'}`);

  const s = sessions[0];
  await s.run('echo warm', 'root');
  for (const level of ['root', 'cli'] as const) {
    const cmd = level === 'root' ? 'echo bench' : 'show version';
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < commands; i++) await s.run(cmd, level);
    const cpu = cpuMs(cpu0);
    out(`\n## Persistent shell, ${commands} × '${cmd}' at ${level}`);
    out(`client CPU per command  ${fmt(cpu / commands, 3)} ms   wall per command ${fmt((performance.now() - t0) / commands, 2)} ms (lab round trip)`);
  }
  await Promise.all(sessions.map((x) => x.close()));
}

/** Host-key verification per connection against a 5,000-line known_hosts (plain and hashed). */
function benchKnownHosts(): void {
  const lines = 5000;
  const dir = mkdtempSync(join(tmpdir(), 'firebook-bench-kh-'));
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), randomBytes(32)]);
  const name = (i: number) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
  out(`\n## Host-key check per connection, known_hosts of ${lines} lines (read once per run, indexed)`);
  for (const hashed of [false, true]) {
    const file = join(dir, hashed ? 'hashed' : 'plain');
    writeFileSync(file, Array.from({ length: lines }, (_, i) => `${hashed ? buildHashedHostField(name(i)) : name(i)} ssh-ed25519 ${blob.toString('base64')}\n`).join(''));
    const n = hashed ? 300 : 5000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const j = (i * 7919) % lines;
      if (!createHostVerifier(file, 'strict', name(j), 22).verify(blob)) throw new Error('known_hosts bench: no match');
    }
    out(`${hashed ? 'hashed (|1|salt|hash)' : 'plain names         '}   ${fmt((performance.now() - t0) / n, 3)} ms per connection`);
  }
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hosts: { type: 'string' },
      forks: { type: 'string' },
      commands: { type: 'string' },
      sessions: { type: 'string' },
      'ansible-hosts': { type: 'string' },
      rounds: { type: 'string' },
      'no-ansible': { type: 'boolean' },
    },
  });
  const sizes = (values.hosts ?? '500,5000,10000').split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--hosts takes host counts, e.g. 500,5000,10000');
  const hosts = Math.max(...sizes);
  out('# firebook benchmark results');
  out('');
  out(`Command: \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}`);
  out(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Linux ${release()}, Node ${process.version}`);
  out('Written by bench/run.ts; every figure below was measured in this run.');
  await benchAgainstAnsible(values);
  benchKnownHosts();
  const lab = await startLabProcess(hosts);
  try {
    out(`\n## firebook on the device lab: ${hosts} lab hosts in a separate process`);
    // Sessions first, while the process is fresh: their memory is then not hidden by the fleet run's garbage.
    const sessions = Number(values.sessions ?? Math.min(hosts, 200));
    if (sessions > 0) await benchSessions(lab, sessions, Number(values.commands ?? 300));
    await benchScale(lab, sizes, Number(values.forks ?? 50));
  } finally {
    lab.child.kill('SIGINT');
    await new Promise((r) => lab.child.once('exit', r));
    rmSync(lab.dir, { recursive: true, force: true });
  }
}

async function benchAgainstAnsible(values: { 'ansible-hosts'?: string; rounds?: string; forks?: string; 'no-ansible'?: boolean }): Promise<void> {
  if (values['no-ansible']) return;
  const missing = missingForComparison();
  if (missing) {
    out(`\n## firebook vs Ansible: not measured — ${missing}`);
    return;
  }
  const result = await compareWithAnsible({
    hosts: Number(values['ansible-hosts'] ?? 200),
    rounds: Number(values.rounds ?? 3),
    forks: Number(values.forks ?? 50),
    log: (line) => console.log(line),
  });
  out('');
  for (const line of formatComparison(result)) out(line);
}

/** bench/results.md, written atomically. */
function writeResults(): void {
  const path = packagePath('bench/results.md');
  writeFileSync(`${path}.tmp`, `${lines.join('\n').trim()}\n`);
  renameSync(`${path}.tmp`, path);
  console.log(`\nwritten: ${path}`);
}

main().then(writeResults, (err) => {
  console.error(err);
  process.exitCode = 1;
});
