/** What the lab prints for the health commands, read by the health parsers, for every scenario
 * (docs/health.md "Lab"), and the HA pairs' two views of each other. */
import { describe, expect, it } from 'vitest';
import { Device, resolveProfile } from '../../src/lab/device.js';
import { renderDf, renderSftunnelBrief, renderShowClock, renderShowFailover, renderShowNtp } from '../../src/lab/health-texts.js';
import { renderShowManagers } from '../../src/lab/texts.js';
import { SCENARIOS, type LabHostSpec, type ScenarioName } from '../../src/lab/types.js';
import { getParser } from '../../src/checks/index.js';

const parse = (name: string, text: string) => getParser(name)!(text, 0);
let n = 0;
const device = (spec: Partial<LabHostSpec> & { scenario?: ScenarioName }) =>
  new Device(resolveProfile({ name: `d${n}`, platform: 'ftd', ...spec }, n++), 'admin', 'pw');

/** Two linked units, as startLab links an haGroup. */
function pair(a: ScenarioName, b: ScenarioName): [Device, Device] {
  const x = device({ scenario: a, haGroup: 'g', haRole: 'primary' });
  const y = device({ scenario: b, haGroup: 'g', haRole: 'secondary' });
  x.mate = y;
  y.mate = x;
  return [x, y];
}

describe('every scenario prints texts the health parsers read', () => {
  it.each(SCENARIOS)('%s', (scenario) => {
    const d = device({ scenario });
    for (const [parser, text] of [['show-managers', renderShowManagers(d)], ['sftunnel-status-brief', renderSftunnelBrief(d)], ['show-clock', renderShowClock()],
      ['show-failover', renderShowFailover(d)], ['show-ntp', renderShowNtp(d)], ['df', renderDf(d)]] as const) {
      const r = parse(parser, text);
      expect(r.error, `${parser}: ${text}`).toBeUndefined();
      expect(r.fields.unrecognised_count ?? 0, parser).toBe(0);
    }
  });

  it('each failure scenario changes what its check reads', () => {
    expect(parse('sftunnel-status-brief', renderSftunnelBrief(device({ scenario: 'tunnel-down' }))).fields).toMatchObject({ channels_missing: ['192.0.2.10'], last_disconnect_reason: expect.stringMatching(/went down/) });
    expect(parse('show-managers', renderShowManagers(device({ scenario: 'registration-pending' }))).fields).toMatchObject({ pending_hosts: ['192.0.2.10'] });
    expect(parse('show-managers', renderShowManagers(device({ scenario: 'fdm-managed' }))).fields).toMatchObject({ managed_locally: true });
    expect(parse('df', renderDf(device({ scenario: 'disk-full' }))).fields).toMatchObject({ max_use_percent: 96, max_use_mount: '/ngfw/Volume' });
    expect(parse('df', renderDf(device({ scenario: 'disk-full', platform: 'fmc' }))).fields).toMatchObject({ max_use_percent: 96, max_use_mount: '/Volume' });
    expect(parse('show-ntp', renderShowNtp(device({ scenario: 'ntp-unsynced' }))).fields).toMatchObject({ used_count: 0 });
    const healthy = device({});
    const age = (parse('show-clock', renderShowClock()).fields.epoch as number) - (parse('sftunnel-status-brief', renderSftunnelBrief(healthy)).fields.oldest_heartbeat_epoch as number);
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
  });
});

describe('lab HA pairs: each unit\'s view of the other is the other\'s view of itself', () => {
  const views = (a: ScenarioName, b: ScenarioName) => pair(a, b).map((d) => parse('show-failover', renderShowFailover(d)).fields);
  it.each([
    ['healthy', 'healthy', ['Active', 'Standby Ready']],
    ['healthy', 'ha-unit-failed', ['Active', 'Failed']],
    ['ha-unit-failed', 'healthy', ['Failed', 'Active']],
  ] as const)('%s + %s', (a, b, states) => {
    const [x, y] = views(a, b);
    expect([x.this_state, y.this_state]).toEqual(states);
    expect(x.other_state).toBe(y.this_state);
    expect(y.other_state).toBe(x.this_state);
    expect([x.this_role, x.other_role, y.this_role, y.other_role]).toEqual(['Primary', 'Secondary', 'Secondary', 'Primary']);
    expect(x.versions_match).toBe(true);
  });
  it('split brain: both Active, each calling the other Failed', () => {
    const [x, y] = views('ha-split-brain', 'healthy');
    expect([x.this_state, y.this_state, x.other_state, y.other_state]).toEqual(['Active', 'Active', 'Failed', 'Failed']);
  });
});
