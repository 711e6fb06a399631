/** The health playbook's checks judged on the real texts of docs/health.md: each form passes or
 * fails with its own diagnosis, the FPR4100/9300 chassis NTP server is not a finding, and the
 * playbook validates with no warning. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { resolveVars } from '../../src/plan/plan.js';
import { evaluateCheck, getParser, type EvalContext } from '../../src/checks/index.js';
import { localize, type CheckSpec } from '../../src/model/playbook.js';
import { playbookWarnings } from '../../src/validate/warnings.js';
import { layout } from './load-fixture.js';

const pb = loadPlaybook(join(import.meta.dirname, '../../playbooks/health.yml'));
const check = (id: string): CheckSpec => pb.spec.checks.find((c) => c.id === id)!;
const fx = (name: string) => layout(`health/${name}`);

function judge(id: string, texts: Record<string, string>, extra: Record<string, unknown> = {}) {
  const spec = check(id);
  const steps: EvalContext['steps'] = {};
  for (const s of spec.collect!) {
    const text = texts[s.name!];
    const p = s.parse as { parser: string; options?: Record<string, unknown> };
    const r = getParser(p.parser)!(text, 0, p.options);
    steps[s.name!] = [{ name: s.name!, output: text, exitCode: 0, fields: r.fields, ...(r.error ? { parseError: r.error } : {}) }];
  }
  return evaluateCheck(spec, { steps, facts: { platform: 'ftd', version: '7.2.4' }, vars: { ...resolveVars(pb, {}, 'ftd'), ...extra }, checks: {} });
}

it('the playbook has the issue\'s check ids, the pair check after ha-state, and no validation warning', () => {
  expect(pb.spec.checks.map((c) => c.id)).toEqual(['manager-registered', 'sftunnel-connected', 'disk-usage', 'ntp-synced', 'processes-running', 'ha-state', 'ha-pair-consistent']);
  expect(playbookWarnings(pb.spec, () => ({ file: 'health.yml', line: 1, col: 1 }))).toEqual([]);
});

describe('manager-registered', () => {
  it.each([
    ['show-managers-6x.txt', {}, 'pass', undefined],
    ['show-managers-7x.txt', { fmc_host: '150.1.41.254' }, 'pass', undefined],
    ['show-managers-7x.txt', { fmc_host: '192.0.2.10' }, 'fail', 'other-manager'],
    ['show-managers-pending.txt', {}, 'fail', 'registration-pending'],
    ['show-managers-none.txt', {}, 'fail', 'no-manager'],
    ['show-managers-fdm.txt', {}, 'skipped', undefined],
  ])('%s %j → %s %s', (file, vars, status, diag) => {
    const r = judge('manager-registered', { managers: fx(file) }, vars);
    expect(r.status).toBe(status);
    expect(r.diagnosis?.id).toBe(diag);
  });
});

describe('sftunnel-connected (by the device clock)', () => {
  const clock = (s: string) => ({ clock: s });
  it('up, heartbeat 4 min old → pass; 20 min old → heartbeat-stale; down → tunnel-down quoting the reason', () => {
    expect(judge('sftunnel-connected', { tunnel: fx('sftunnel-brief-up.txt'), ...clock('09:06:16.000 UTC Mon Jun 15 2020') }).status).toBe('pass');
    expect(judge('sftunnel-connected', { tunnel: fx('sftunnel-brief-up-no-header.txt'), ...clock('09:06:16.000 UTC Mon Jun 15 2020') }).status).toBe('pass');
    const stale = judge('sftunnel-connected', { tunnel: fx('sftunnel-brief-up.txt'), ...clock('09:22:16.000 UTC Mon Jun 15 2020') });
    expect([stale.status, stale.diagnosis?.id]).toEqual(['fail', 'heartbeat-stale']);
    const down = judge('sftunnel-connected', { tunnel: fx('sftunnel-brief-down.txt'), ...clock('09:22:16.000 UTC Mon Jun 15 2020') });
    expect([down.status, down.diagnosis?.id]).toEqual(['fail', 'tunnel-down']);
    expect(localize(down.diagnosis!.cause)).toMatch(/"Both control and event channel connections with peer went down"/);
  });
  it('a clock in another zone is an error, not a guess', () => {
    expect(judge('sftunnel-connected', { tunnel: fx('sftunnel-brief-up.txt'), ...clock('18:06:16.000 JST Mon Jun 15 2020') }).status).toBe('error');
  });
});

describe('ha-state', () => {
  it.each([
    ['show-failover-healthy.txt', { ha_group: 'pair-a' }, 'pass', undefined],
    ['show-failover-other-failed.txt', { ha_group: 'pair-a' }, 'fail', 'other-unit-failed'],
    ['show-failover-app-sync.txt', { ha_group: 'pair-a' }, 'fail', 'transitional'],
  ])('%s → %s %s', (file, vars, status, diag) => {
    const r = judge('ha-state', { failover: fx(file) }, vars);
    expect(r.status).toBe(status);
    expect(r.diagnosis?.id).toBe(diag);
  });
  it('Failover Off: pass standalone, fail in an ha_group; Failover On without ha_group passes', () => {
    const off = 'Failover Off\nFailover unit Primary\nFailover LAN Interface: not Configured';
    expect(judge('ha-state', { failover: off }).status).toBe('pass');
    const grouped = judge('ha-state', { failover: off }, { ha_group: 'pair-a' });
    expect([grouped.status, grouped.diagnosis?.id]).toEqual(['fail', 'failover-off']);
    expect(judge('ha-state', { failover: fx('show-failover-healthy.txt') }).status).toBe('pass');
  });
  it('versions that differ', () => {
    const r = judge('ha-state', { failover: fx('show-failover-healthy.txt').replace('Mate 9.18(4)47', 'Mate 9.20(2)2') }, { ha_group: 'g' });
    expect(r.diagnosis?.id).toBe('version-mismatch');
  });
});

describe('ntp-synced', () => {
  it('the FPR4100/9300 chassis server 203.0.113.126 is normal: pass', () => {
    expect(judge('ntp-synced', { ntp: fx('show-ntp-fpr4110.txt') }).status).toBe('pass');
  });
  it('an offset or an age over the inputs fails with its diagnosis', () => {
    expect(judge('ntp-synced', { ntp: fx('show-ntp-fpr4110.txt') }, { ntp_max_age_s: 30 }).diagnosis?.id).toBe('ntp-stale');
    expect(judge('ntp-synced', { ntp: fx('show-ntp-fpr4110.txt').replace('0.013', '-1500.2') }).diagnosis?.id).toBe('ntp-offset');
  });
});

describe('disk-usage and processes-running', () => {
  it('df: pass below 85 %, disk-high at 85 %, disk-critical at 95 %', () => {
    expect(judge('disk-usage', { df: fx('df-posix.txt') }).status).toBe('pass');
    expect(judge('disk-usage', { df: fx('df-posix.txt').replace('31% /', '85% /') }).diagnosis?.id).toBe('disk-high');
    expect(judge('disk-usage', { df: fx('df-posix.txt').replace('12% /ngfw/Volume', '95% /ngfw/Volume') }).diagnosis?.id).toBe('disk-critical');
  });
  it('pmtool: the 6.7 list passes (Waiting is not Down); Down fails; a required process Waiting fails', () => {
    const text = fx('pmtool-status-ftd-6.7-full.txt');
    expect(judge('processes-running', { pmtool: text }).status).toBe('pass');
    expect(judge('processes-running', { pmtool: text.replace('ntpd (normal) - Running 6335', 'ntpd (normal) - Down') }).diagnosis?.id).toBe('process-down');
    expect(judge('processes-running', { pmtool: text.replace('sftunnel (system) - Running 12858', 'sftunnel (system) - Waiting') }).diagnosis?.id).toBe('required-waiting');
    expect(judge('processes-running', { pmtool: text.replace('lina (system) - Running 4560', 'lina (system) - User Disabled') }).diagnosis?.id).toBe('required-disabled');
  });
});
