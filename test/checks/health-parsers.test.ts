/** The health parsers on the real texts of docs/health.md (fixtures under fixtures/health/, each
 * naming its source), their variants, and the forms no source confirms (unrecognised → error). */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getParser } from '../../src/checks/index.js';
import { layout, sourceOf } from './load-fixture.js';

const parse = (parser: string, text: string, options?: Record<string, unknown>) => getParser(parser)!(text, 0, options);
const fx = (name: string) => layout(`health/${name}`);

describe('every health fixture names its source', () => {
  const files = readdirSync(new URL('./fixtures/health/', import.meta.url)).filter((f) => f.endsWith('.txt'));
  it.each(files)('%s', (f) => expect(sourceOf(`health/${f}`).length).toBeGreaterThan(20));
});

describe('show-managers', () => {
  it.each([
    ['show-managers-6x.txt', { manager_count: 1, host: '150.1.41.254', registration: 'Completed', completed_hosts: ['150.1.41.254'], managed_locally: false }],
    ['show-managers-7x.txt', { manager_count: 1, host: '150.1.41.254', registration: 'Completed', unrecognised_count: 0 }],
    ['show-managers-pending.txt', { manager_count: 1, registration: 'Pending', pending_hosts: ['150.1.41.254'], completed_hosts: [] }],
    ['show-managers-fdm.txt', { manager_count: 0, managed_locally: true }],
    ['show-managers-none.txt', { manager_count: 0, managed_locally: false }],
  ])('%s', (file, want) => {
    const r = parse('show-managers', fx(file));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(want);
  });
  it('an unconfirmed registration state is unrecognised, quoting the line', () => {
    expect(parse('show-managers', 'Type : Manager\nHost : 192.0.2.10\nRegistration : Rejected').error).toMatch(/unrecognised output.*Registration : Rejected/);
  });
});

describe('sftunnel-status-brief', () => {
  it.each(['sftunnel-brief-up.txt', 'sftunnel-brief-up-no-header.txt'])('%s: both channels and a heartbeat', (file) => {
    const r = parse('sftunnel-status-brief', fx(file));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ peer_count: 1, peers: ['10.10.17.202'], channels_missing: [], heartbeat_missing: [],
      oldest_heartbeat_epoch: Date.UTC(2020, 5, 15, 9, 2, 16) / 1000, unrecognised_count: 0 });
  });
  it('down: no channel, no heartbeat, the last disconnect reason', () => {
    const r = parse('sftunnel-status-brief', fx('sftunnel-brief-down.txt'));
    expect(r.fields).toMatchObject({ peer_count: 1, channels_missing: ['10.10.17.202'], heartbeat_missing: ['10.10.17.202'], oldest_heartbeat_epoch: 0,
      last_disconnect_reason: 'Both control and event channel connections with peer went down' });
  });
  it('two peers make two blocks; an unreadable heartbeat time is unrecognised', () => {
    const up = fx('sftunnel-brief-up.txt');
    const r = parse('sftunnel-status-brief', up + '\n' + up.replace(/10\.10\.17\.202/g, '10.10.17.203'));
    expect(r.fields).toMatchObject({ peer_count: 2, peers: ['10.10.17.202', '10.10.17.203'], channels_missing: [] });
    expect(parse('sftunnel-status-brief', up.replace('Mon Jun 15 09:02:16 2020 UTC', 'Mon Jun 15 09:02:16 2020 CEST')).error).toMatch(/unrecognised output.*Heartbeat Received Time/);
  });
  it('an empty answer (FDM) is no peer', () => {
    expect(parse('sftunnel-status-brief', '').fields).toMatchObject({ peer_count: 0 });
  });
});

describe('show-failover', () => {
  it('healthy pair', () => {
    const r = parse('show-failover', fx('show-failover-healthy.txt'));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ failover: 'on', this_role: 'Primary', this_state: 'Active', other_role: 'Secondary', other_state: 'Standby Ready',
      versions_match: true, interfaces_failed: [], slots_down: [], problems: [], pair_states_ok: true, unrecognised_count: 0 });
  });
  it('other host Failed (interfaces Unknown)', () => {
    const r = parse('show-failover', fx('show-failover-other-failed.txt'));
    expect(r.fields).toMatchObject({ this_state: 'Active', other_state: 'Failed', pair_states_ok: false,
      interfaces_failed: ['other outside: Unknown', 'other inside: Unknown', 'other diagnostic: Unknown'] });
  });
  it('show failover details: App Sync is transitional, the poll lines are understood', () => {
    const r = parse('show-failover', fx('show-failover-app-sync.txt'));
    expect(r.fields).toMatchObject({ other_state: 'App Sync', transitional: ['App Sync'], unrecognised_count: 0 });
  });
  it('Failover Off', () => {
    expect(parse('show-failover', 'Failover Off\nFailover unit Secondary\nFailover LAN Interface: not Configured').fields).toMatchObject({ failover: 'off', problems: [] });
  });
  it('versions that differ, a slot not up', () => {
    const t = fx('show-failover-healthy.txt').replace('Mate 9.18(4)47', 'Mate 9.20(2)2').replace('snort rev (1.0)  status (up)', 'snort rev (1.0)  status (down)');
    expect(parse('show-failover', t).fields).toMatchObject({ versions_match: false, slots_down: ['this snort: down'] });
  });
  it('an unknown host state or interface status is unrecognised, quoting the line', () => {
    expect(parse('show-failover', fx('show-failover-healthy.txt').replace('Secondary - Standby Ready', 'Secondary - Standby Warm')).error).toMatch(/unrecognised output.*Standby Warm/);
    expect(parse('show-failover', fx('show-failover-healthy.txt').replace('(192.168.0.1): Normal', '(192.168.0.1): Testing')).error).toMatch(/unrecognised output.*Testing/);
  });
});

describe('df (POSIX df -P)', () => {
  it('watches /, /ngfw/Volume and /Volume', () => {
    const r = parse('df', fx('df-posix.txt'));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ watched: ['/', '/ngfw/Volume'], max_use_percent: 31, max_use_mount: '/', watched_volumes: ['/: 31%', '/ngfw/Volume: 12%'] });
    expect(parse('df', fx('df-posix.txt'), { mounts: ['/ngfw'] }).fields).toMatchObject({ max_use_percent: 20, max_use_mount: '/ngfw' });
  });
  it('a wrapped or non-POSIX line is unrecognised', () => {
    expect(parse('df', 'Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/mapper/very-long-name\n 100 50 50 50% /').error).toMatch(/unrecognised output/);
  });
});

describe('show-ntp', () => {
  it('FPR4110: the chassis server, being used', () => {
    const r = parse('show-ntp', fx('show-ntp-fpr4110.txt'));
    expect(r.fields).toEqual({ servers: ['203.0.113.126'], statuses: ['203.0.113.126: Being Used'], used_count: 1, used_server: '203.0.113.126', offset_ms: 0.013, abs_offset_ms: 0.013, last_update_s: 36 });
  });
  it('several servers, one being used; an offset in another unit is unrecognised', () => {
    const two = 'NTP Server : 192.0.2.123\nStatus : Available\nOffset : -12.5 (milliseconds)\nLast Update : 10 (seconds)\n' + fx('show-ntp-fpr4110.txt').replace('> show ntp\n', '');
    expect(parse('show-ntp', two).fields).toMatchObject({ used_count: 1, used_server: '203.0.113.126', servers: ['192.0.2.123', '203.0.113.126'] });
    expect(parse('show-ntp', fx('show-ntp-fpr4110.txt').replace('(milliseconds)', '(seconds)')).error).toMatch(/unrecognised output.*Offset/);
  });
});

describe('pmtool-status: the full 6.7 list', () => {
  it('groups states, reads scheduled entries and process types with commas', () => {
    const r = parse('pmtool-status', fx('pmtool-status-ftd-6.7-full.txt'));
    expect(r.fields).toMatchObject({ down: [], waiting: ['httpsd', 'tomcat', 'CloudAgent'], scheduled: ['RUAScheduledDownload'], unrecognised_count: 0 });
    expect((r.fields.running as string[])).toEqual(expect.arrayContaining(['lina', 'sftunnel', 'b2b3f6aa-3dfb-11ea-be9c-2066de410c5c-d01']));
  });
  it('a Down process (TS_tool form)', () => {
    expect(parse('pmtool-status', ' sftunnel (system) - Down\n lina (system) - Running 4560').fields).toMatchObject({ down: ['sftunnel'], not_running: ['sftunnel'] });
  });
});

describe('show-clock', () => {
  it('reads the Lina layout and the date(1) layout, UTC only', () => {
    expect(parse('show-clock', '09:02:16.123 UTC Mon Jun 15 2020').fields).toMatchObject({ epoch: Date.UTC(2020, 5, 15, 9, 2, 16) / 1000 });
    expect(parse('show-clock', 'Mon Jun 15 09:02:16 UTC 2020').fields).toMatchObject({ epoch: Date.UTC(2020, 5, 15, 9, 2, 16) / 1000 });
    expect(parse('show-clock', '09:02:16.123 JST Mon Jun 15 2020').error).toMatch(/unrecognised output/);
  });
});
