/** The health playbook against the lab, over real SSH: each check's pass and each failure
 * scenario (docs/health.md "Lab"), HA pairs whose units agree, and the fields ha-state
 * publishes for ha-pair-consistent. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { LabHostSpec } from '../../src/lab/types.js';
import { localize } from '../../src/model/playbook.js';
import type { RunReport } from '../../src/model/result.js';
import { ROOT, runOn, statusTable, writeInventory } from './helpers.js';
import { DEMO_FLEET, DEMO_PLAYBOOKS } from '../../src/cli/commands/demo.js';
import { fbAsync } from '../cli/helpers.js';
import { createServer } from 'node:net';

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const HEALTH = join(ROOT, 'playbooks/health.yml');
const P = 'pass', F = 'fail', S = 'skipped', E = 'error';
const ids = ['manager-registered', 'sftunnel-connected', 'disk-usage', 'ntp-synced', 'processes-running', 'ha-state', 'ha-pair-consistent'];
const row = (...s: string[]) => Object.fromEntries(ids.map((id, i) => [id, s[i]]));

const HEALTH_FLEET: LabHostSpec[] = [
  { name: 'ftd-ok', platform: 'ftd', scenario: 'healthy' },
  { name: 'ftd-ok-7', platform: 'ftd', scenario: 'healthy', version: '7.2.4' },
  { name: 'fmc-ok', platform: 'fmc', scenario: 'healthy' },
  { name: 'ftd-tunnel', platform: 'ftd', scenario: 'tunnel-down' },
  { name: 'ftd-pending', platform: 'ftd', scenario: 'registration-pending' },
  { name: 'ftd-disk', platform: 'ftd', scenario: 'disk-full' },
  { name: 'fmc-disk', platform: 'fmc', scenario: 'disk-full', fmcLogin: 'bash' },
  { name: 'ftd-ntp', platform: 'ftd', scenario: 'ntp-unsynced' },
  { name: 'ftd-proc', platform: 'ftd', scenario: 'process-down' },
  { name: 'ftd-fdm', platform: 'ftd', scenario: 'fdm-managed' },
  { name: 'ftd-orphan', platform: 'ftd', scenario: 'healthy' },
  { name: 'ftd-other-fmc', platform: 'ftd', scenario: 'healthy' },
  { name: 'ha-a1', platform: 'ftd', scenario: 'healthy', haGroup: 'pair-a', haRole: 'primary' },
  { name: 'ha-a2', platform: 'ftd', scenario: 'healthy', haGroup: 'pair-a', haRole: 'secondary' },
  { name: 'ha-b1', platform: 'ftd', scenario: 'healthy', haGroup: 'pair-b', haRole: 'primary' },
  { name: 'ha-b2', platform: 'ftd', scenario: 'ha-unit-failed', haGroup: 'pair-b', haRole: 'secondary' },
  { name: 'ha-c1', platform: 'ftd', scenario: 'ha-split-brain', haGroup: 'pair-c', haRole: 'primary' },
  { name: 'ha-c2', platform: 'ftd', scenario: 'healthy', haGroup: 'pair-c', haRole: 'secondary' },
];

const EXPECTED = {
  'ftd-ok': row(P, P, P, P, P, P, S),
  'ftd-ok-7': row(P, P, P, P, P, P, S),
  'fmc-ok': row(S, S, P, S, P, S, S),
  'ftd-tunnel': row(P, F, P, P, P, P, S),
  'ftd-pending': row(F, F, P, P, P, P, S),
  'ftd-disk': row(P, P, F, P, P, P, S),
  'fmc-disk': row(S, S, F, S, P, S, S),
  'ftd-ntp': row(P, P, P, F, P, P, S),
  'ftd-proc': row(P, P, P, P, F, P, S),
  'ftd-fdm': row(S, S, P, P, P, P, S),
  'ftd-orphan': row(P, P, P, P, P, F, E),
  'ftd-other-fmc': row(F, P, P, P, P, P, S),
  'ha-a1': row(P, P, P, P, P, P, P),
  'ha-a2': row(P, P, P, P, P, P, P),
  'ha-b1': row(P, P, P, P, P, F, F),
  'ha-b2': row(P, P, P, P, P, F, F),
  'ha-c1': row(P, P, P, P, P, F, F),
  'ha-c2': row(P, P, P, P, P, F, F),
};

describe('health playbook on the lab', () => {
  let lab: Lab;
  let report: RunReport;
  beforeAll(async () => {
    lab = await startLab({ hosts: HEALTH_FLEET });
    const vars: Record<string, Record<string, unknown>> = {
      'ftd-orphan': { ha_group: 'pair-z' },
      'ftd-other-fmc': { fmc_host: '192.0.2.99' },
      'ftd-ok': { fmc_host: '192.0.2.10' },
    };
    for (const h of lab.hosts) if (h.haGroup) vars[h.name] = { ha_group: h.haGroup };
    ({ report } = await runOn(writeInventory(lab, [], undefined, vars), lab, { playbooks: [HEALTH] }));
  }, 120_000);
  afterAll(() => lab?.stop());

  const check = (host: string, id: string) => report.hosts.find((h) => h.host === host)!.checks.find((c) => c.checkId === id)!;

  it('gives the full expected status table', () => {
    expect(statusTable(report)).toEqual(EXPECTED);
  });

  it.each([
    ['ftd-tunnel', 'sftunnel-connected', 'tunnel-down', /Both control and event channel connections with peer went down/],
    ['ftd-pending', 'manager-registered', 'registration-pending', /192\.0\.2\.10.*Pending/],
    ['ftd-pending', 'sftunnel-connected', 'channel-missing', /192\.0\.2\.10/],
    ['ftd-other-fmc', 'manager-registered', 'other-manager', /registered to 192\.0\.2\.10, not to 192\.0\.2\.99/],
    ['ftd-disk', 'disk-usage', 'disk-critical', /\/ngfw\/Volume is 96 % full/],
    ['fmc-disk', 'disk-usage', 'disk-critical', /\/Volume is 96 % full/],
    ['ftd-ntp', 'ntp-synced', 'ntp-unsynchronised', /No NTP server is Being Used/],
    ['ftd-proc', 'processes-running', 'process-down', /SFDataCorrelator/],
    ['ftd-orphan', 'ha-state', 'failover-off', /HA group pair-z/],
    ['ha-b1', 'ha-state', 'other-unit-failed', /\(Secondary\) is Failed/],
    ['ha-b2', 'ha-state', 'this-unit-failed', /\(Secondary\) is Failed/],
    ['ha-c1', 'ha-state', 'other-unit-failed', /\(Secondary\) is Failed/],
    ['ha-c1', 'ha-pair-consistent', 'split-brain', /both units are Active \(ha-c1, ha-c2\)/],
    ['ha-c2', 'ha-pair-consistent', 'split-brain', /both units are Active \(ha-c1, ha-c2\)/],
  ])('%s %s → %s', (host, id, diag, cause) => {
    const d = check(host, id).diagnosis!;
    expect(d.id).toBe(diag);
    expect(localize(d.cause)).toMatch(cause);
    expect(localize(d.cause, 'ja')).not.toBe(localize(d.cause));
  });

  it('a volume over disk_crit_percent fails at the rule\'s severity (high), not the check\'s (medium)', () => {
    expect(check('ftd-disk', 'disk-usage')).toMatchObject({ status: 'fail', severity: 'high', diagnosis: { id: 'disk-critical', severity: 'high' } });
  });

  it('an FDM-managed device ("Managed locally.") is skipped, not failed, with the reason', () => {
    expect(localize(check('ftd-fdm', 'manager-registered').reason!)).toMatch(/managed locally by FDM/);
    expect(check('ftd-fdm', 'manager-registered').evidence[0].fields).toMatchObject({ managed_locally: true });
  });

  it('ha-pair-consistent with one unit unreachable (its port closed): error on the other unit, naming it', async () => {
    const pair = lab.hosts.filter((h) => h.haGroup === 'pair-a');
    const closed = await closedPort();
    const inv = writeInventory({ ...lab, hosts: pair }, [], undefined, { 'ha-a1': { ha_group: 'pair-a' }, 'ha-a2': { ha_group: 'pair-a', ansible_port: closed } });
    const { report: r } = await runOn(inv, lab, { playbooks: [HEALTH], tags: ['ha'] });
    const unit = (name: string) => r.hosts.find((h) => h.host === name)!;
    expect(unit('ha-a2').status).toBe('unreachable');
    const c = unit('ha-a1').checks.find((x) => x.checkId === 'ha-pair-consistent')!;
    expect(c.status).toBe('error');
    expect(localize(c.reason!)).toMatch(/ha-a2/);
  });

  it('thresholds come from inputs: disk_warn_percent 10 fails a healthy 12 % volume, ntp_max_age_s 30 a 36 s update', async () => {
    const one = lab.hosts.filter((h) => h.name === 'ftd-ok');
    const inv = writeInventory({ ...lab, hosts: one }, [], undefined, { 'ftd-ok': { disk_warn_percent: 10, ntp_max_age_s: 30, sftunnel_heartbeat_max_age: 1 } });
    const { report: r } = await runOn(inv, lab, { playbooks: [HEALTH] });
    const st = statusTable(r)['ftd-ok'];
    expect(st).toMatchObject({ 'disk-usage': F, 'ntp-synced': F, 'sftunnel-connected': F });
    const c = (id: string) => r.hosts[0].checks.find((x) => x.checkId === id)!;
    expect(c('disk-usage').diagnosis!.id).toBe('disk-high');
    expect(c('disk-usage').severity).toBe('medium');
    expect(c('ntp-synced').diagnosis!.id).toBe('ntp-stale');
    expect(c('sftunnel-connected').diagnosis!.id).toBe('heartbeat-stale');
  });

  it('ha-state publishes the fields ha-pair-consistent reads; a pair agrees with itself', () => {
    const f = (host: string) => check(host, 'ha-state').evidence[0].fields;
    expect(f('ha-a1')).toMatchObject({ failover: 'on', this_role: 'Primary', this_state: 'Active', other_role: 'Secondary', other_state: 'Standby Ready', versions_match: true, interfaces_failed: [] });
    expect(f('ha-a2')).toMatchObject({ this_state: 'Standby Ready', other_state: 'Active' });
    // Each unit's view of the other is the other's view of itself.
    expect(f('ha-b1').other_state).toBe(f('ha-b2').this_state);
    expect(f('ha-b2').other_state).toBe(f('ha-b1').this_state);
    // Split brain: both units Active.
    expect([f('ha-c1').this_state, f('ha-c2').this_state]).toEqual(['Active', 'Active']);
    expect(f('ftd-ok')).toMatchObject({ failover: 'off' });
  });
});

describe('the demo: SecureX and health in one run over the demo fleet', () => {
  let lab: Lab;
  let report: RunReport;
  beforeAll(async () => {
    lab = await startLab({ hosts: DEMO_FLEET });
    ({ report } = await runOn(lab.inventoryPath, lab, { playbooks: DEMO_PLAYBOOKS.map((p) => join(ROOT, p)) }));
  }, 180_000);
  afterAll(() => lab?.stop());

  it('every host gets the checks of both playbooks in one report', () => {
    for (const h of report.hosts) {
      const got = new Set(h.checks.map((c) => c.checkId));
      expect(got.has('version-in-scope') && got.has('ha-state') && got.has('processes-running'), h.host).toBe(true);
    }
  });

  it('each health failure of the demo fleet has its diagnosis; healthy HA pairs pass', () => {
    const st = statusTable(report);
    const diag = (host: string, id: string) => report.hosts.find((h) => h.host === host)!.checks.find((c) => c.checkId === id)!.diagnosis?.id;
    expect(diag('ftd-tunnel', 'sftunnel-connected')).toBe('tunnel-down');
    expect(diag('ftd-pending', 'manager-registered')).toBe('registration-pending');
    expect(diag('ftd-disk', 'disk-usage')).toBe('disk-critical');
    expect(diag('ftd-ntp', 'ntp-synced')).toBe('ntp-unsynchronised');
    expect(diag('ftd-proc', 'processes-running')).toBe('process-down');
    expect(diag('ftd-ha-b1', 'ha-state')).toBe('other-unit-failed');
    expect([st['ftd-ha-a1']['ha-state'], st['ftd-ha-a2']['ha-state'], st['ftd-healthy']['ha-state']]).toEqual([P, P, P]);
    expect(Object.entries(st['ftd-healthy']).every(([id, s]) => s === (id === 'ha-pair-consistent' || id.startsWith('fmc-') ? S : P))).toBe(true);
    expect([st['ftd-ha-a1']['ha-pair-consistent'], st['ftd-ha-a2']['ha-pair-consistent']]).toEqual([P, P]);
    expect(diag('ftd-ha-c1', 'ha-pair-consistent')).toBe('split-brain');
  });
});

describe('firebook validate playbooks/health.yml', () => {
  it('passes (exit 0, seven checks)', async () => {
    const r = await fbAsync(['validate', join(ROOT, 'playbooks/health.yml')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ok: 1 playbook\(s\), 7 check\(s\)/);
  });
  it('firebook explain knows every health check id (the shipped playbooks are the default)', async () => {
    const ids = ['manager-registered', 'sftunnel-connected', 'disk-usage', 'ntp-synced', 'processes-running', 'ha-state', 'ha-pair-consistent'];
    const r = await fbAsync(['explain', ...ids]);
    expect(r.status, r.stderr).toBe(0);
    for (const id of ids) expect(r.stdout).toContain(`${id} — `);
  });
});
