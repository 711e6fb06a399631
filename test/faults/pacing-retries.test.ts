/** `--connect-rate` paces EVERY login attempt: first logins, connect retries and the one
 * reconnect (a flapping fleet must not burst logins at the AAA server). Injected pacer clock,
 * as test/unit/pacing.test.ts; real connect failures on loopback. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { createLoginPacer, type PacerClock } from '../../src/run/pacing.js';
import { runPlan } from '../../src/run/runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { SshConnector } from '../../src/transport/index.js';
import type { RunPlan } from '../../src/plan/plan.js';
import type { ConnectionSpec } from '../../src/model/inventory.js';
import type { Connector, DeviceSession } from '../../src/model/transport.js';
import { TransportError } from '../../src/model/transport.js';
import { META } from '../integration/helpers.js';
import { closedPort } from './support.js';

/** A pacer clock that never waits: time stands still, every sleep is recorded. */
function recordingClock(): PacerClock & { slept: number[] } {
  const slept: number[] = [];
  return { slept, now: () => 1_000, sleep: async (ms) => void slept.push(ms) };
}

function spec(name: string, port: number): ConnectionSpec {
  return { name, address: '127.0.0.1', port, user: 'admin', password: 'x', platform: 'ftd', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000, hostTimeoutMs: 30_000 } as ConnectionSpec;
}

function planOf(specs: ConnectionSpec[]): RunPlan {
  return { hosts: specs.map((c) => ({ name: c.name, platform: 'ftd', connection: c, secrets: [], playbooks: [] })), checks: [] } as unknown as RunPlan;
}

describe('login pacing covers retries and reconnects', () => {
  it('the SSH transport asks before every attempt, retries included', async () => {
    const port = await closedPort();
    let asked = 0;
    const err = await new SshConnector({ knownHostsFile: '/dev/null', hostKeyPolicy: 'strict', connectRetries: 2, retryBaseDelayMs: 1 })
      .connect(spec('flap', port), undefined, { beforeAttempt: async () => void asked++ })
      .catch((e: unknown) => e);
    expect((err as TransportError).triage).toBe('refused');
    expect(asked).toBe(3);
  });

  it('a run of 3 refusing hosts with 2 retries each takes 9 pacer slots, 1/N s apart', async () => {
    const ports = await Promise.all([closedPort(), closedPort(), closedPort()]);
    const clock = recordingClock();
    const report = await runPlan(planOf(ports.map((p, i) => spec(`h${i}`, p))), {
      connector: new SshConnector({ knownHostsFile: '/dev/null', hostKeyPolicy: 'strict', connectRetries: 2, retryBaseDelayMs: 1 }),
      bus: new EventBus([]),
      meta: META,
      mode: 'check',
      connectRate: 4,
      pacerClock: clock,
    });
    expect(report.hosts.map((h) => h.triage?.class)).toEqual(['refused', 'refused', 'refused']);
    // 9 attempts: the first takes the free slot, the other 8 wait 250, 500, … 2000 ms.
    expect(clock.slept).toEqual([250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
  });

  it('the one reconnect takes a pacer slot too', async () => {
    const clock = recordingClock();
    let connects = 0;
    const lost = new TransportError('disconnected', 'connection closed by the device');
    // A session whose first command loses the connection; the second session works.
    const session = (n: number): DeviceSession => ({
      facts: { platform: 'ftd', loginLevel: 'cli' },
      run: async (command, level) => {
        if (n === 1) throw lost;
        return { command, level, output: 'ok', exitCode: null, durationMs: 1, truncated: false };
      },
      close: async () => {},
    });
    const connector: Connector = {
      connect: async (_spec, _signal, hooks) => {
        await hooks?.beforeAttempt?.();
        return session(++connects);
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'fb-pace-'));
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    flapper: { ansible_host: 127.0.0.1 }\n');
    writeFileSync(join(dir, 'pb.yml'), 'name: p\nchecks:\n  - id: c\n    title: t\n    severity: low\n    collect: [{ level: cli, command: show version }]\n    expect: [{ of: output, contains: ok }]\n');
    const plan = buildPlan([loadPlaybook(join(dir, 'pb.yml'))], await loadInventory(join(dir, 'inv.yml')), {});
    const report = await runPlan(plan, { connector, bus: new EventBus([]), meta: META, mode: 'check', connectRate: 2, pacerClock: clock });
    expect(connects).toBe(2);
    expect(report.hosts[0]).toMatchObject({ status: 'ok', reconnected: { check: 'c', reason: 'connection closed by the device' } });
    // The first login took the free slot; the reconnect waited for the next one (1/2 s).
    expect(clock.slept).toEqual([500]);
  });

  it('without a rate nothing waits', async () => {
    const clock = recordingClock();
    const pace = createLoginPacer(undefined, undefined, clock);
    await Promise.all([pace(), pace(), pace()]);
    expect(clock.slept).toEqual([]);
  });
});
