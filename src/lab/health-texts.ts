/** What the lab prints for the health commands (docs/health.md, "Lab"): `sftunnel-status-brief`,
 * `show clock`, `show failover`, `show ntp`, `df -P`. Healthy layouts follow the real texts
 * quoted in docs/health.md; each scenario changes one thing. A form no source confirms (the
 * status of an NTP server not in use) is printed only by its named scenario. */
import type { Device } from './device.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const hms = (d: Date) => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;

/** The FMC the lab's FTDs are registered to (show managers `Host`). */
export const LAB_FMC = '192.0.2.10';

/** `Mon Jun 15 09:02:16 2020 UTC` (sftunnel-status-brief). */
function sftunnelTime(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p2(d.getUTCDate())} ${hms(d)} ${d.getUTCFullYear()} UTC`;
}

/** CLISH `show clock`, the Lina layout `09:02:16.123 UTC Mon Jun 15 2020`. */
export function renderShowClock(now = new Date()): string {
  return `${hms(now)}.${String(now.getUTCMilliseconds()).padStart(3, '0')} UTC ${DAYS[now.getUTCDay()]} ${MONTHS[now.getUTCMonth()]} ${now.getUTCDate()} ${now.getUTCFullYear()}`;
}

/** CLISH `sftunnel-status-brief`: the up form with heartbeats seconds old; 'tunnel-down' the down
 * form with its disconnect reason; 'registration-pending' only the connection attempt. */
export function renderSftunnelBrief(device: Device, now = new Date()): string {
  const mgmt = device.managementAddress();
  const ago = (s: number) => sftunnelTime(new Date(now.getTime() - s * 1000));
  const { scenario } = device.profile;
  // FDM-managed: "this command does not show any information" (docs/health.md).
  if (scenario === 'fdm-managed') return '';
  if (scenario === 'registration-pending') return [`PEER:${LAB_FMC}`, `Connection to peer '${LAB_FMC}' Attempted at ${ago(20)}`].join('\n');
  if (scenario === 'tunnel-down') {
    return [
      `PEER:${LAB_FMC}`,
      'Registration: Completed.',
      `Connection to peer '${LAB_FMC}' Attempted at ${ago(30)}`,
      `Last disconnect time : ${ago(1800)}`,
      'Last disconnect reason : Both control and event channel connections with peer went down',
    ].join('\n');
  }
  return [
    `PEER:${LAB_FMC}`,
    `Peer channel Channel-A is valid type (CONTROL), using 'eth0', connected to '${LAB_FMC}' via '${mgmt}'`,
    `Peer channel Channel-B is valid type (EVENT), using 'eth0', connected to '${LAB_FMC}' via '${mgmt}'`,
    'Registration: Completed.',
    `IPv4 Connection to peer '${LAB_FMC}' Start Time: ${ago(5 * 86400)}`,
    `Heartbeat Send Time: ${ago(8)}`,
    `Heartbeat Received Time: ${ago(4)}`,
  ].join('\n');
}

type UnitState = 'Active' | 'Standby Ready' | 'Failed';

/** The state a unit of a lab pair is in, as it sees itself (docs/health.md "Lab": pairs). */
function unitState(device: Device): UnitState {
  const pairSplit = device.profile.scenario === 'ha-split-brain' || device.mate?.profile.scenario === 'ha-split-brain';
  if (pairSplit) return 'Active';
  if (device.profile.scenario === 'ha-unit-failed') return 'Failed';
  const mateFailed = device.mate?.profile.scenario === 'ha-unit-failed';
  return device.profile.haRole === 'primary' || mateFailed ? 'Active' : 'Standby Ready';
}

/** What a unit prints about its mate: the mate's own state, except in a split brain, where each
 * unit has lost the other and calls it Failed. */
function mateState(device: Device): UnitState {
  const mate = device.mate;
  if (!mate) return 'Failed';
  return unitState(device) === 'Active' && unitState(mate) === 'Active' ? 'Failed' : unitState(mate);
}

/** CLISH `show failover`: `Failover Off` on a standalone FTD; on a pair member the layout of the
 * FTDv 7.x text in docs/health.md (slot 0, monitored interfaces, snort and diskstatus slots). */
export function renderShowFailover(device: Device): string {
  const { haGroup, haRole } = device.profile;
  if (haGroup === undefined) return ['Failover Off', 'Failover unit Primary', 'Failover LAN Interface: not Configured'].join('\n');
  const lina = device.profile.isSevenX ? '9.18(4)47' : '9.13(1)4';
  const me = haRole === 'secondary' ? 'Secondary' : 'Primary';
  const other = me === 'Primary' ? 'Secondary' : 'Primary';
  const mine = unitState(device);
  const theirs = mateState(device);
  const section = (who: string, role: string, state: UnitState, base: number): string[] => {
    const down = state === 'Failed' && who === 'Other';
    const ifc = (name: string, net: number) => `\t\t  Interface ${name} (${down ? '0.0.0.0' : `198.51.100.${base + net}`}): ${down ? 'Unknown (Waiting)' : 'Normal (Monitored)'}`;
    return [
      `\t${who} host: ${role} - ${state}`,
      `\t\tActive time: ${state === 'Active' ? 19314 : 0} (sec)`,
      ...(who === 'This' ? [`\t\tslot 0: FTD hw/sw rev (/${lina}) status (Up Sys)`] : []),
      ifc('outside', 1),
      ifc('inside', 65),
      '\t\tslot 1: snort rev (1.0)  status (up)',
      '\t\tslot 2: diskstatus rev (1.0)  status (up)',
    ];
  };
  return [
    'Failover On',
    `Failover unit ${me}`,
    'Failover LAN Interface: fover GigabitEthernet0/7 (up)',
    'Reconnect timeout 0:00:00',
    'Unit Poll frequency 1 seconds, holdtime 15 seconds',
    'Interface Poll frequency 5 seconds, holdtime 25 seconds',
    'Interface Policy 1',
    'Monitored Interfaces 2 of 1285 maximum',
    'MAC Address Move Notification Interval not set',
    'failover replication http',
    `Version: Ours ${lina}, Mate ${lina}`,
    `Serial Number: Ours 9A${p2(device.profile.index)}LAB, Mate 9A${p2(device.mate?.profile.index ?? 0)}LAB`,
    'Last Failover at: 14:15:10 UTC Feb 14 2025',
    ...section('This', me, mine, me === 'Primary' ? 1 : 10),
    ...section('Other', other, theirs, me === 'Primary' ? 10 : 1),
  ].join('\n');
}

/** CLISH `show ntp` on FTD: one server Being Used (docs/health.md "ntp-synced"). 'ntp-unsynced'
 * prints two servers neither in use; the `Available` status is not confirmed by a source. */
export function renderShowNtp(device: Device): string {
  const block = (server: string, status: string, offset: string, age: number) =>
    [`NTP Server : ${server}`, `Status : ${status}`, `Offset : ${offset} (milliseconds)`, `Last Update : ${age} (seconds)`];
  if (device.profile.scenario === 'ntp-unsynced') {
    return [...block('192.0.2.123', 'Available', '-4562.108', 86412), ...block('192.0.2.124', 'Available', '-4570.331', 86400)].join('\n');
  }
  return block('192.0.2.123', 'Being Used', '0.532', 36).join('\n');
}

/** `df -P` in the expert/root shell: POSIX columns; FTD mounts /ngfw and /ngfw/Volume, an FMC
 * /Volume. 'disk-full' fills the Firepower volume to 96 %. */
export function renderDf(device: Device): string {
  const row = (fs: string, size: number, pct: number, mount: string) => {
    const used = Math.round((size * pct) / 100);
    return [fs.padEnd(14), String(size).padStart(11), String(used).padStart(9), String(size - used).padStart(9), `${pct}%`.padStart(8), mount].join(' ');
  };
  const volume = device.profile.platform === 'fmc' ? '/Volume' : '/ngfw/Volume';
  const full = device.profile.scenario === 'disk-full';
  const lines = ['Filesystem     1024-blocks      Used Available Capacity Mounted on', row('rootfs', 3947588, 31, '/'), row('devtmpfs', 8175420, 1, '/dev'), row('tmpfs', 8188548, 1, '/run')];
  if (device.profile.platform === 'ftd') lines.push(row('/dev/sda7', 44895936, 20, '/ngfw'));
  lines.push(row('/dev/sda8', 85362824, full ? 96 : 12, volume));
  return lines.join('\n');
}
