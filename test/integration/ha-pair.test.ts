/** The check across each HA pair (`scope: ha_group`, docs/playbooks.md "Checks across hosts"):
 * judged after both units finished, from their `ha-state` results, reported under each unit.
 * Hosts answer `show failover` from recordings (--replay) in the form of a public FTDv 7.x sample
 * (Lina 9.18, with the FTD snort and diskstatus slots); an unreachable unit is a real refused SSH
 * connection. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fb } from '../cli/helpers.js';
import { ROOT, META } from './helpers.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { runPlan } from '../../src/run/runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { ReplayConnector } from '../../src/replay/recording.js';
import { SshConnector } from '../../src/transport/index.js';
import type { Connector } from '../../src/model/transport.js';
import type { RunEvent } from '../../src/model/events.js';
import type { CheckResult, RunReport } from '../../src/model/result.js';

const PLAYBOOK = join(ROOT, 'test/fixtures/playbooks/ha-pair/pair.yml');

/** `show failover` as an FTD prints it (abridged: the lines the test playbook reads). */
function showFailover(unit: 'Primary' | 'Secondary', self: string, other: string): string {
  if (self === 'off') return ['Failover Off', `Failover unit ${unit}`, 'Failover LAN Interface: not Configured'].join('\n');
  const mate = unit === 'Primary' ? 'Secondary' : 'Primary';
  return [
    'Failover On',
    `Failover unit ${unit}`,
    'Failover LAN Interface: fover GigabitEthernet0/7 (up)',
    'Version: Ours 9.18(4)47, Mate 9.18(4)47',
    `\tThis host: ${unit} - ${self}`,
    '\t\tActive time: 19314 (sec)',
    '\t\tslot 0: FTD hw/sw rev (/9.18(4)47) status (Up Sys)',
    '\t\t  Interface outside (192.168.0.1): Normal (Monitored)',
    '\t\tslot 1: snort rev (1.0)  status (up)',
    '\t\tslot 2: diskstatus rev (1.0)  status (up)',
    `\tOther host: ${mate} - ${other}`,
    '\t\tActive time: 0 (sec)',
    '\t\t  Interface outside (192.168.0.2): Normal (Monitored)',
    '\t\tslot 1: snort rev (1.0)  status (up)',
    '\t\tslot 2: diskstatus rev (1.0)  status (up)',
  ].join('\n');
}

/** host → [unit, this state, other state, ha_group]; fw-e2 has no recording (see below). */
const UNITS: Record<string, [('Primary' | 'Secondary'), string, string, string | undefined]> = {
  'fw-a1': ['Primary', 'Active', 'Standby Ready', 'pair-a'],
  'fw-a2': ['Secondary', 'Standby Ready', 'Active', 'pair-a'],
  'fw-b1': ['Primary', 'Active', 'Active', 'pair-b'],
  'fw-b2': ['Secondary', 'Active', 'Active', 'pair-b'],
  'fw-c1': ['Primary', 'Active', 'Standby Ready', 'pair-c'],
  'fw-c2': ['Secondary', 'Standby Ready', 'Failed', 'pair-c'],
  'fw-d1': ['Primary', 'Active', 'Standby Ready', 'trio'],
  'fw-d2': ['Secondary', 'Standby Ready', 'Active', 'trio'],
  'fw-d3': ['Secondary', 'Standby Ready', 'Active', 'trio'],
  'fw-s1': ['Primary', 'Standby Ready', 'Cold Standby', 'pair-s'],
  'fw-s2': ['Secondary', 'Cold Standby', 'Standby Ready', 'pair-s'],
  'fw-e1': ['Primary', 'Active', 'Standby Ready', 'pair-e'],
  'fw-f1': ['Primary', 'Active', 'Standby Ready', 'pair-f'],
  'fw-f2': ['Secondary', 'off', '', 'pair-f'],
  solo: ['Primary', 'Active', 'Standby Ready', undefined],
};

function setUp(closedPort: number): { recordings: string; inventory: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fb-pair-'));
  const recordings = join(dir, 'rec');
  mkdirSync(recordings);
  const facts = { platform: 'ftd', version: '7.4.2', build: '172', model: 'Cisco Secure Firewall Threat Defense for VMware', hostname: 'x', loginLevel: 'cli' };
  const lines = ['all:', '  vars: { ansible_user: admin, platform: ftd }', '  hosts:'];
  for (const [host, [unit, self, other, group]] of Object.entries(UNITS)) {
    const rec = { formatVersion: 1, host, recordedAt: '2026-01-01T00:00:00.000Z', facts: { ...facts, hostname: host }, commands: [{ level: 'cli', command: 'show failover', output: showFailover(unit, self, other), exitCode: null, durationMs: 5 }] };
    writeFileSync(join(recordings, `${host}.json`), JSON.stringify(rec));
    lines.push(`    ${host}: ${JSON.stringify({ ansible_host: '127.0.0.1', ...(group ? { ha_group: group } : {}) })}`);
  }
  lines.push(`    fw-e2: ${JSON.stringify({ ansible_host: '127.0.0.1', ansible_port: closedPort, ha_group: 'pair-e', firebook_connect_timeout: 5 })}`);
  const inventory = join(dir, 'inventory.yml');
  writeFileSync(inventory, lines.join('\n') + '\n');
  return { recordings, inventory };
}

/** A port nothing listens on: the connection is refused (a real unreachable host). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const pairCheck = (report: RunReport, host: string): CheckResult => report.hosts.find((h) => h.host === host)!.checks.find((c) => c.checkId === 'ha-pair-consistent')!;
const en = (t: unknown) => (typeof t === 'string' ? t : (t as { en: string } | undefined)?.en ?? '');

describe('ha-pair-consistent: a check across the two units of each ha_group', () => {
  const events: RunEvent[] = [];
  let report: RunReport;
  beforeAll(async () => {
    const { recordings, inventory } = setUp(await closedPort());
    // Recorded units answer from their recordings; fw-e2 is dialled for real and refuses.
    const replay = new ReplayConnector(recordings);
    const ssh = new SshConnector({ knownHostsFile: join(recordings, 'known_hosts'), hostKeyPolicy: 'strict' });
    const connector: Connector = { connect: (spec, signal, hooks) => (spec.name === 'fw-e2' ? ssh.connect(spec, signal, hooks) : replay.connect(spec)) };
    const plan = buildPlan([loadPlaybook(PLAYBOOK)], await loadInventory(inventory), {});
    report = await runPlan(plan, { connector, bus: new EventBus([]), meta: META, mode: 'check', forks: 4, onEvent: (e) => events.push(e) });
  });

  it('a consistent pair passes, under each unit', () => {
    for (const h of ['fw-a1', 'fw-a2']) expect(pairCheck(report, h).status).toBe('pass');
  });

  it('two Active units fail with the split-brain diagnosis, under each unit', () => {
    for (const h of ['fw-b1', 'fw-b2']) {
      const c = pairCheck(report, h);
      expect(c.status).toBe('fail');
      expect(c.severity).toBe('critical');
      expect(c.diagnosis?.id).toBe('split-brain');
      expect(c.conditions[1]).toMatchObject({ holds: false, actual: '["Active", "Active"]', message: { en: 'exactly one unit must be Active: Active, Active' } });
      expect(en(c.diagnosis?.cause)).toBe('Split brain: both units are Active (fw-b1, fw-b2)');
    }
  });

  it('views that disagree fail, saying which unit sees what', () => {
    const c = pairCheck(report, 'fw-c1');
    expect(c.status).toBe('fail');
    expect(c.diagnosis?.id).toBe('views-disagree');
    expect(en(c.diagnosis?.cause)).toBe('The units disagree: fw-c2 sees its mate as Failed, fw-c1 says it is Active');
    expect(c.conditions[3]).toMatchObject({ holds: false, actual: 'fw-c1: "Standby Ready"; fw-c2: "Failed"' });
    expect(pairCheck(report, 'fw-c2').diagnosis?.id).toBe('views-disagree');
  });

  it('failover off on a unit of a pair: not judged as a pair, and said so', () => {
    const c = pairCheck(report, 'fw-f1');
    expect(c).toMatchObject({ status: 'error', diagnosis: { id: 'failover-off' } });
    expect(en(c.diagnosis?.cause)).toBe('Failover is off on a unit of ha_group fw-f1, fw-f2 (On, Off)');
  });

  it('no Active unit fails with its own diagnosis', () => {
    expect(pairCheck(report, 'fw-s1')).toMatchObject({ status: 'fail', diagnosis: { id: 'no-active' } });
  });

  it('an unreachable unit makes it error under both units, naming the unit', () => {
    expect(report.hosts.find((h) => h.host === 'fw-e2')?.status).toBe('unreachable');
    for (const h of ['fw-e1', 'fw-e2']) {
      const c = pairCheck(report, h);
      expect(c.status).toBe('error');
      expect(en(c.reason)).toMatch(/^cannot judge ha_group 'pair-e': fw-e2 is unreachable: .*\(no ha-state result\)$/);
    }
  });

  it('a group of three is an error: an HA pair has two units', () => {
    for (const h of ['fw-d1', 'fw-d2', 'fw-d3']) expect(en(pairCheck(report, h).reason)).toBe("ha_group 'trio' has 3 member(s) in this run (fw-d1, fw-d2, fw-d3): an HA pair has two units");
  });

  it('a host without ha_group: the check is skipped (not applicable)', () => {
    expect(pairCheck(report, 'solo')).toMatchObject({ status: 'skipped' });
    expect(en(pairCheck(report, 'solo').reason)).toMatch(/^not applicable: this host has no ha_group/);
  });

  it("each unit's host-end comes once, after its pair check, and carries it", () => {
    for (const host of Object.keys(UNITS)) {
      const mine = events.filter((e) => (e.type === 'host-end' && e.result.host === host) || (e.type === 'check-end' && e.host === host && e.result.checkId === 'ha-pair-consistent'));
      expect(mine.map((e) => e.type)).toEqual(['check-end', 'host-end']);
      const end = mine[1] as Extract<RunEvent, { type: 'host-end' }>;
      expect(end.result.checks.map((c) => c.checkId)).toEqual(['ha-state', 'ha-pair-consistent']);
    }
  });
});

describe('ha-pair-consistent when the run is interrupted before the mate starts', () => {
  it("the unit that ran still ends, with the pair check in error naming its mate", async () => {
    const { recordings, inventory } = setUp(await closedPort());
    const abort = new AbortController();
    const events: RunEvent[] = [];
    const plan = buildPlan([loadPlaybook(PLAYBOOK)], await loadInventory(inventory), { limit: 'fw-a*' });
    const report = await runPlan(plan, {
      connector: new ReplayConnector(recordings), bus: new EventBus([]), meta: META, mode: 'check', forks: 1, signal: abort.signal, graceMs: 10,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'host-begin') abort.abort();
      },
    });
    expect(report.notRun).toEqual(['fw-a2']);
    const c = pairCheck(report, 'fw-a1');
    expect(c.status).toBe('error');
    expect(en(c.reason)).toMatch(/fw-a2 was not run \(the run was interrupted\)/);
    expect(events.filter((e) => e.type === 'host-end').map((e) => (e as Extract<RunEvent, { type: 'host-end' }>).result.host)).toEqual(['fw-a1']);
  });
});

describe('ha-pair-consistent in the run folder: report.json, JUnit and Prometheus', () => {
  it('shows it like any other check', async () => {
    const { recordings, inventory } = setUp(await closedPort());
    const out = mkdtempSync(join(tmpdir(), 'fb-pair-out-'));
    const r = fb(['run', PLAYBOOK, '-i', inventory, '--limit', 'fw-a*:fw-b*', '--replay', recordings, '--out', out, '--format', 'json,junit,prom', '--quiet']);
    expect(r.status).toBe(2);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    expect(pairCheck(report, 'fw-a2').status).toBe('pass');
    expect(pairCheck(report, 'fw-b1').diagnosis?.id).toBe('split-brain');
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/<testcase [^>]*name="ha-pair-consistent[^"]*"[^>]*classname="[^"]*fw-b1[^"]*"[^>]*>\s*<failure[^>]*Split brain/);
    expect(readFileSync(join(out, 'firebook.prom'), 'utf8')).toContain('firebook_check_status{host="fw-b2",check="ha-pair-consistent",status="fail"} 1');
  });

  it('explain says what it reads and that it sends nothing', () => {
    const r = fb(['explain', 'ha-pair-consistent', '-p', PLAYBOOK]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Judged across hosts: once per ha_group, from the ha-state results of its two units; it sends nothing/);
    expect(fb(['explain', '--all', '--format', 'md', '-p', PLAYBOOK]).stdout).toMatch(/\*\*Across hosts\*\*: judged once per `ha_group`, from the `ha-state` results of its two units; it sends nothing/);
  });
});
