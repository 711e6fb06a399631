/** deploy/: the scheduler files parse, wire shards to `--shard` and merge them, use only flags
 * the CLI has, hold shell that parses, and (systemd) pass `systemd-analyze verify`. */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { requireProgram } from '../support/requires.js';

const ROOT = join(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const read = (p: string) => readFileSync(join(DEPLOY, p), 'utf8');
const help = (cmd: string) => spawnSync(process.execPath, [CLI, cmd, '--help'], { encoding: 'utf8' }).stdout;
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `sh -n`: the snippet parses as POSIX shell (dash). */
function expectShellParses(script: string): void {
  const r = spawnSync('/bin/sh', ['-n'], { input: script, encoding: 'utf8' });
  expect(r.stderr, script).toBe('');
  expect(r.status, script).toBe(0);
}

/** Every `--flag` given to `firebook run|report` in a file is one the CLI documents. */
function expectKnownFlags(text: string): void {
  const helps: Record<string, string> = { run: help('run'), report: help('report') };
  const calls = [...text.matchAll(/firebook (run|report)\b([^\n;|&]*(?:\\\n[^\n;|&]*)*)/g)];
  expect(calls.length).toBeGreaterThan(0);
  for (const [, cmd, rest] of calls) {
    for (const [flag] of rest!.matchAll(/--[a-z][a-z-]*/g)) expect(helps[cmd!], `firebook ${cmd} ${flag}`).toContain(flag);
  }
}

describe('deploy/', () => {
  it('Kubernetes: an Indexed Job whose completion index becomes --shard, and a merge Job', () => {
    const text = read('kubernetes/firebook-audit.yaml');
    const docs = parseAllDocuments(text);
    for (const d of docs) expect(d.errors).toEqual([]);
    const objs = docs.map((d) => d.toJS() as Obj);
    const shards = objs.find((o) => o.kind === 'Job' && o.spec.completionMode === 'Indexed')!;
    expect(shards.apiVersion).toBe('batch/v1');
    const n = shards.spec.completions;
    expect(shards.spec.parallelism).toBe(n);
    const c = shards.spec.template.spec.containers[0];
    expect(c.env.find((e: Obj) => e.name === 'SHARDS').value).toBe(String(n));
    expect(c.args[0]).toMatch(/JOB_COMPLETION_INDEX \+ 1/);
    expect(c.args[0]).toMatch(/--shard "\$i\/\$SHARDS"/);
    expect(shards.spec.template.spec.restartPolicy).toBe('Never');
    const merge = objs.find((o) => o.kind === 'Job' && o !== shards)!;
    const wait = merge.spec.template.spec.initContainers[0].args[0] as string;
    expect(wait).toContain(`-ge ${n} ]`);
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/firebook report merge/);
    for (const script of [c.args[0], wait, merge.spec.template.spec.containers[0].args[0]]) expectShellParses(script);
    const claim = objs.find((o) => o.kind === 'PersistentVolumeClaim')!.metadata.name;
    for (const job of [shards, merge]) expect(job.spec.template.spec.volumes.some((v: Obj) => v.persistentVolumeClaim?.claimName === claim)).toBe(true);
    expectKnownFlags(text);
  });

  it('GitLab CI: parallel: N shards via CI_NODE_INDEX/CI_NODE_TOTAL, a merge job publishing JUnit', () => {
    const text = read('gitlab/.gitlab-ci.yml');
    const ci = parse(text) as Obj;
    expect(ci.audit.parallel).toBe(Number(ci.variables.SHARDS));
    expect(ci.audit.script.join('\n')).toContain('--shard "$CI_NODE_INDEX/$CI_NODE_TOTAL"');
    expect(ci.merge.needs).toEqual(['audit']);
    expect(ci.merge.artifacts.reports.junit).toBe('merged/junit.xml');
    expect(ci['.firebook'].image.entrypoint).toEqual(['']);
    for (const job of [ci.audit, ci.merge]) expectShellParses(job.script.join('\n'));
    expectKnownFlags(text);
  });

  it('GitHub Actions: a shard matrix and a merge job publishing JUnit and HTML', () => {
    const text = read('github/firebook-audit.yml');
    const wf = parse(text) as Obj;
    const shards = wf.jobs.audit.strategy.matrix.shard as number[];
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    const runStep = wf.jobs.audit.steps.find((s: Obj) => String(s.run ?? '').includes('firebook run'));
    expect(runStep.run).toContain(`--shard "\${{ matrix.shard }}/${shards.length}"`);
    expect(wf.jobs.merge.needs).toBe('audit');
    const mergeRuns = wf.jobs.merge.steps.map((s: Obj) => s.run ?? '').join('\n');
    expect(mergeRuns).toMatch(/firebook report merge shards\/shard-\* --out merged --format [a-z,]*html[a-z,]*junit/);
    expect(wf.jobs.merge.steps.some((s: Obj) => s.with?.report_paths === 'merged/junit.xml')).toBe(true);
    for (const job of Object.values(wf.jobs) as Obj[]) {
      for (const s of job.steps) if (s.run) expectShellParses(String(s.run).replace(/\$\{\{[^}]*\}\}/g, 'X'));
    }
    expectKnownFlags(text);
  });

  it('cron: a valid /etc/cron.d line that runs and prunes', () => {
    const text = read('cron/firebook');
    const jobs = text.split('\n').filter((l) => l.trim() && !l.startsWith('#') && !/^[A-Z_]+=/.test(l));
    expect(jobs).toHaveLength(1);
    const fields = jobs[0]!.split(/\s+/);
    const ranges: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
    ranges.forEach(([lo, hi], i) => {
      const f = fields[i]!;
      if (f !== '*') expect(Number(f) >= lo && Number(f) <= hi, `field ${i + 1}: ${f}`).toBe(true);
    });
    expect(fields[5]).toBe('firebook'); // the user column of /etc/cron.d
    const command = fields.slice(6).join(' ');
    expect(command).toMatch(/firebook report prune .*--older-than \d+d/);
    expectShellParses(command);
    expectKnownFlags(text);
  });

  const analyze = requireProgram('systemd unit check', ['/usr/bin/systemd-analyze'], 'apt-get install systemd');
  it.skipIf(!analyze)('systemd: the service and timer pass systemd-analyze verify with no warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-units-'));
    // verify checks that ExecStart's program exists: point it at a stub, change nothing else.
    const stub = join(dir, 'firebook');
    writeFileSync(stub, '#!/bin/sh\nexit 0\n');
    chmodSync(stub, 0o755);
    const service = read('systemd/firebook-audit.service');
    expect(service).toMatch(/^SuccessExitStatus=2 3$/m);
    writeFileSync(join(dir, 'firebook-audit.service'), service.replaceAll('/usr/local/bin/firebook', stub));
    copyFileSync(join(DEPLOY, 'systemd/firebook-audit.timer'), join(dir, 'firebook-audit.timer'));
    const r = spawnSync(analyze!, ['verify', join(dir, 'firebook-audit.service'), join(dir, 'firebook-audit.timer')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectKnownFlags(service);
    expect(execFileSync(analyze!, ['calendar', '*-*-* 02:15:00']).toString()).toMatch(/Next elapse/);
  });
});
