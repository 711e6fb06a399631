/** SIGINT and SIGTERM at seeded random points of a 100-host run (the CLI as a child process,
 * the lab in this process), and a second Ctrl-C. Whatever the moment: exit 130, a report that
 * accounts for every host, an event log that renders, no connection left open on the lab.
 * Rows "interrupted" of docs/faults.md. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { loadReportInput } from '../../src/cli/report-input.js';
import type { RunReport } from '../../src/model/result.js';
import { settledCount } from './support.js';

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const PLAYBOOK = join(ROOT, 'test/fixtures/playbooks/faults/matrix.yml');
const HOSTS = 100;
const SEED = 0x5eed;

/** mulberry32: a tiny seeded PRNG, so the "random" points are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  report: RunReport;
  out: string;
}

/** Runs the CLI on the lab; after `afterEvents` streamed events sends `signals` (the 2nd as
 * soon as the 1st is acknowledged on stderr). */
async function interruptAt(lab: Lab, afterEvents: number, signals: NodeJS.Signals[]): Promise<Interrupted> {
  const out = mkdtempSync(join(tmpdir(), 'fb-sig-'));
  const child = spawn(process.execPath, [CLI, 'run', PLAYBOOK, '-i', lab.inventoryPath, '--known-hosts', lab.knownHostsPath, '--forks', '10', '--out', out, '--json', '--format', 'json,md'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let events = 0;
  let stderr = '';
  let sent = 0;
  const send = () => {
    if (sent < signals.length && child.exitCode === null) child.kill(signals[sent++]);
  };
  child.stdout.on('data', (d: Buffer) => {
    events += String(d).split('\n').length - 1;
    if (sent === 0 && events >= afterEvents) send();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += String(d);
    if (sent === 1 && stderr.includes('stopping')) send();
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  const report = loadReportInput(join(out, 'report.json'));
  return { code, signal, stderr, report, out };
}

describe(`interrupting a ${HOSTS}-host run (seed ${SEED})`, () => {
  let lab: Lab;
  const random = prng(SEED);
  // Events stream: run-begin, then per host host-begin + 8 check-end + host-end.
  const point = () => 1 + Math.floor(random() * HOSTS * 10 * 0.8);
  const cases: Array<[string, NodeJS.Signals[], number]> = [
    ['SIGINT', ['SIGINT'], point()],
    ['SIGTERM', ['SIGTERM'], point()],
    ['SIGINT', ['SIGINT'], point()],
    ['SIGTERM', ['SIGTERM'], point()],
    ['a second Ctrl-C', ['SIGINT', 'SIGINT'], point()],
    ['SIGTERM then Ctrl-C', ['SIGTERM', 'SIGINT'], point()],
  ];
  const names = () => lab.hosts.map((h) => h.name).sort();

  beforeAll(async () => {
    lab = await startLab({ hosts: HOSTS, latencyMs: 5 });
  }, 60_000);
  afterAll(() => lab?.stop());

  it.each(cases)('%s (%j) after event %i: exit 130, every host in the report, nothing left open', async (_label, signals, at) => {
    const r = await interruptAt(lab, at, signals);
    expect({ code: r.code, signal: r.signal, stderr: r.stderr.slice(-400) }).toMatchObject({ code: 130, signal: null });
    expect(r.report.incomplete).toBe(true);
    expect(r.report.exitCode).toBe(130);
    // Complete accounting: every host is a result or listed as not run, exactly once.
    expect([...r.report.hosts.map((h) => h.host), ...r.report.notRun].sort()).toEqual(names());
    for (const h of r.report.hosts) {
      // A host that did not finish says why; one that finished within the grace is as it was.
      if (h.status !== 'ok') expect(h.triage?.class).toBe('interrupted');
    }
    // The event log is complete enough to rebuild the same accounting.
    const rebuilt = loadReportInput(join(r.out, 'events.jsonl'));
    expect([...rebuilt.hosts.map((h) => h.host), ...rebuilt.notRun].sort()).toEqual(names());
    if (signals.length === 2) {
      expect(r.stderr).toMatch(/again: exiting now; the report was rebuilt from events\.jsonl in /);
      expect(existsSync(join(r.out, 'report.md'))).toBe(true);
    } else {
      expect(readFileSync(join(r.out, 'events.jsonl'), 'utf8').trimEnd().split('\n').at(-1)).toMatch(/^\{"type":"run-end"/);
    }
    expect(await settledCount(() => lab.openConnections())).toBe(0);
  }, 60_000);
});
