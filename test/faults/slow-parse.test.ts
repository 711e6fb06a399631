/** Rows "Denial of service" of docs/faults.md: while synchronous work (a parser) holds the
 * event loop, neither the host budget's timer nor the Ctrl-C handler can run. The run
 * froze 52 s past `--host-timeout 10`, the host ended `ok`, SIGINT was swallowed and the run
 * exited 0. Here the work that holds the loop is the host's own (its checks, then a loop that
 * spins past the budget, or a SIGINT sent to this very process): the outcome must still be
 * `host-timeout`, and 130. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan, type RunPlan } from '../../src/plan/plan.js';
import { runPlan } from '../../src/run/runner.js';
import { runHostOnSession } from '../../src/run/host-runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { SshConnector } from '../../src/transport/index.js';
import { executeRun } from '../../src/cli/execute.js';
import { META } from '../integration/helpers.js';
import { settledCount, writeFaultInventory } from './support.js';

const PLAYBOOK = join(import.meta.dirname, '../fixtures/playbooks/faults/matrix.yml');

describe('synchronous work that holds the event loop', () => {
  let lab: Lab;
  let plan: RunPlan;

  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'fw1', platform: 'ftd' }] });
    const inventory = writeFaultInventory(lab, [], { fw1: { firebook_host_timeout: 1 } });
    plan = buildPlan([loadPlaybook(PLAYBOOK)], await loadInventory(inventory), {});
  }, 60_000);
  afterAll(() => lab?.stop());

  it('a host still busy past its budget ends host-timeout, never ok', async () => {
    const report = await runPlan(plan, {
      connector: new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }),
      bus: new EventBus([]),
      meta: META,
      mode: 'check',
      hostWork: async (host, session, startedAt, opts) => {
        const result = await runHostOnSession(host, session, startedAt, opts);
        expect(result.status).toBe('ok');
        // What the cubic parser did: hold the loop until the budget is spent (its timer cannot fire).
        while (Date.now() - startedAt <= host.connection.hostTimeoutMs + 200) {
          /* spin */
        }
        return result;
      },
    });
    expect([report.hosts[0].status, report.hosts[0].triage?.class, report.hosts[0].triage?.message]).toEqual(['error', 'host-timeout', 'host did not finish within 1s']);
    expect(report.exitCode).toBe(3);
    expect(await settledCount(() => lab.openConnections())).toBe(0);
  });

  it('a Ctrl-C that arrives while the loop is held makes the run interrupted: report and exit 130', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fb-slow-'));
    let stderr = '';
    const sink = new Writable({ write: (_c, _e, done) => done() });
    const io = { stdout: sink, stderr: new Writable({ write: (c, _e, done) => ((stderr += String(c)), done()) }), cwd: out, env: {} };
    const { report } = await executeRun(
      {
        plan,
        playbooks: [],
        inventorySource: 'inventory.yml',
        argv: ['run'],
        mode: 'check',
        lang: 'en',
        hostKeyPolicy: 'strict',
        knownHostsFile: lab.knownHostsPath,
        outDir: out,
        formats: ['json'],
        console: 'quiet',
        drive: (options) =>
          runPlan(plan, {
            ...options,
            hostWork: async (host, session, startedAt, opts) => {
              const result = await runHostOnSession(host, session, startedAt, opts);
              // The signal comes now, during the host's last synchronous stretch; nothing
              // after this awaits the network before the run's verdict.
              process.kill(process.pid, 'SIGINT');
              return result;
            },
          }),
      },
      io,
    );
    expect(stderr).toMatch(/SIGINT: stopping/);
    expect([report.exitCode, report.incomplete]).toEqual([130, true]);
    const written = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect([written.exitCode, written.incomplete]).toEqual([130, true]);
  });
});
