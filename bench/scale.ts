/**
 * Scale (issue 12, docs/scale.md): `firebook run` as users start it — a child process with
 * events.jsonl and every report — on growing slices of one device lab (the lab runs in a
 * process of its own). Per size: wall time, the child's peak RSS and CPU (its own
 * getrusage, written at exit by a preloaded module), CPU per host-task; then the time to
 * render every format from the result store for the largest run up to 5,000 hosts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { packagePath } from '../src/io/package-files.js';
import type { RunReport } from '../src/model/result.js';
import { REPORT_FILE, REPORT_FORMATS, writeReports } from '../src/report/index.js';
import { fileResultStore } from '../src/store/result-store.js';

/** One `firebook run` on `hosts` lab hosts. */
export interface ScaleRun {
  hosts: number;
  hostTasks: number;
  accounted: number;
  exitCode: number | null;
  wallMs: number;
  cpuMs: number;
  peakRssMiB: number;
  reportDir: string;
}

/** Preloaded into the child: its own rusage at exit (max RSS in KiB, CPU in µs). */
const USAGE_HOOK = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.FIREBOOK_BENCH_USAGE, JSON.stringify(process.resourceUsage())));
`;

type Inventory = { all: { vars?: unknown; children: Record<string, { hosts: Record<string, unknown> }> } };

/** The lab's inventory cut to `n` hosts, every platform group in its share (the groups that
 * define hosts; the scenario groups only name them). */
function sliceInventory(full: Inventory, n: number, path: string): void {
  const groups = Object.entries(full.all.children).filter(([, g]) => Object.values(g.hosts).some((v) => v !== null));
  const total = groups.reduce((s, [, g]) => s + Object.keys(g.hosts).length, 0);
  let left = n;
  const children: Inventory['all']['children'] = {};
  for (const [i, [name, g]] of groups.entries()) {
    const names = Object.keys(g.hosts);
    const take = i === groups.length - 1 ? left : Math.min(left, Math.round((names.length / total) * n));
    children[name] = { hosts: Object.fromEntries(names.slice(0, take).map((h) => [h, g.hosts[h]])) };
    left -= take;
  }
  writeFileSync(path, stringify({ all: { ...full.all, children } }));
}

/** Runs `firebook run` on the first `hosts` of the lab in `labDir`. */
export async function runAtScale(labDir: string, hosts: number, forks: number): Promise<ScaleRun> {
  const work = mkdtempSync(join(tmpdir(), 'firebook-scale-'));
  const hook = join(work, 'usage.mjs');
  const usage = join(work, 'usage.json');
  const inventory = join(work, 'inventory.yml');
  const reportDir = join(work, 'out');
  writeFileSync(hook, USAGE_HOOK);
  sliceInventory(parse(readFileSync(join(labDir, 'inventory.yml'), 'utf8')) as Inventory, hosts, inventory);
  const args = ['--import', hook, packagePath('dist/src/cli/main.js'), 'run', packagePath('playbooks/securex.yml'), '-i', inventory, '--known-hosts', join(labDir, 'known_hosts'), '--forks', String(forks), '--out', reportDir, '--format', 'json,html,md,junit', '-q'];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, FIREBOOK_BENCH_USAGE: usage, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const exitCode = await new Promise<number | null>((r) => child.once('exit', r));
  const wallMs = performance.now() - t0;
  const u = JSON.parse(readFileSync(usage, 'utf8')) as NodeJS.ResourceUsage;
  const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunReport;
  return {
    hosts,
    hostTasks: report.hosts.reduce((n, h) => n + h.checks.length, 0),
    accounted: report.hosts.length + report.notRun.length,
    exitCode,
    wallMs,
    cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
    peakRssMiB: u.maxRSS / 1024,
    reportDir,
  };
}

/** Renders every format from a result store, as a run's end does; returns ms and file sizes. */
export function timeRendering(run: ScaleRun): { ms: number; sizes: string } {
  const report = JSON.parse(readFileSync(join(run.reportDir, 'report.json'), 'utf8')) as RunReport;
  const dir = mkdtempSync(join(tmpdir(), 'firebook-render-'));
  const store = fileResultStore(join(dir, 'results.jsonl.tmp-bench'));
  const light = { ...report, hosts: report.hosts.map((h) => store.add(h)) };
  const t0 = performance.now();
  writeReports(light, dir, REPORT_FORMATS, { lang: 'en', results: store });
  const ms = performance.now() - t0;
  store.close();
  const sizes = REPORT_FORMATS.map((f) => `${REPORT_FILE[f]} ${(statSync(join(dir, REPORT_FILE[f])).size / 2 ** 20).toFixed(1)} MiB`).join(', ');
  rmSync(dir, { recursive: true, force: true });
  return { ms, sizes };
}

/** Removes a run's files. */
export function cleanUp(run: ScaleRun): void {
  rmSync(join(run.reportDir, '..'), { recursive: true, force: true });
}

const fmt = (n: number, d = 1) => n.toFixed(d);

/** Issue 12's memory budget for 5,000 hosts (the 1,000-host run's peak before the result store). */
const BUDGET_MIB = 400;

/** The scale section of bench/results.md, with the targets of issue 12. */
export function formatScale(runs: ScaleRun[], forks: number, render?: { hosts: number; ms: number; sizes: string }): string[] {
  const out = [`## Scale: \`firebook run\` (events.jsonl + json/html/md/junit) on N lab hosts, SecureX playbook, forks ${forks}`, ''];
  out.push('| hosts | accounted | exit | wall | peak RSS | CPU | CPU per host-task |', '|---|---|---|---|---|---|---|');
  for (const r of runs) out.push(`| ${r.hosts} | ${r.accounted} | ${r.exitCode} | ${fmt(r.wallMs / 1000)} s | ${fmt(r.peakRssMiB)} MiB | ${fmt(r.cpuMs / 1000)} s | ${fmt(r.cpuMs / r.hostTasks, 2)} ms |`);
  out.push('');
  const at = (n: number) => runs.find((r) => r.hosts === n);
  const small = runs[0];
  const large = runs[runs.length - 1];
  const r5k = at(5000);
  const r10k = at(10000);
  if (r5k) out.push(`Target: 5,000 hosts under ${BUDGET_MIB} MiB peak RSS → ${fmt(r5k.peakRssMiB)} MiB: ${r5k.peakRssMiB < BUDGET_MIB ? 'met' : 'NOT met'}.`);
  if (r10k) {
    const of5k = r5k ? `; ${fmt(r10k.peakRssMiB / r5k.peakRssMiB, 2)}× this run's 5,000-host figure` : '';
    out.push(`Target: 10,000 hosts within 1.2× of that budget (${1.2 * BUDGET_MIB} MiB) → ${fmt(r10k.peakRssMiB)} MiB: ${r10k.peakRssMiB <= 1.2 * BUDGET_MIB ? 'met' : 'NOT met'}${of5k}.`);
  }
  if (runs.length > 1) {
    const growth = large.cpuMs / large.hostTasks / (small.cpuMs / small.hostTasks) - 1;
    out.push(`Target: CPU per host-task flat (≤ +20%) from ${small.hosts} to ${large.hosts} hosts → ${growth >= 0 ? '+' : ''}${fmt(growth * 100)}%: ${growth <= 0.2 ? 'met' : 'NOT met'}.`);
  }
  if (render) out.push(`Target: rendering every format for ${render.hosts} hosts under 5 s → ${fmt(render.ms / 1000, 2)} s${render.hosts >= 5000 ? `: ${render.ms < 5000 ? 'met' : 'NOT met'}` : ' (5,000 not measured)'} (${render.sizes}).`);
  return out;
}
