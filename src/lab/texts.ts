/** Fixed device texts: login banner, `show version|network|managers`, expert notice, sudo lecture.
 * Layouts follow docs/devices.md ("Banners", "Levels", "show network", "show version", "show
 * managers"; labels padded to 26 columns), release by release. */
import type { Device } from './device.js';

const COPYRIGHT_YEAR: Record<string, number> = { '6.5': 2019, '6.6': 2020, '6.7': 2020, '7.0': 2021, '7.1': 2021, '7.2': 2022 };
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Thu Jan 14 09:35:20 UTC 2021` (the date(1) layout used by `Last login:`). */
export function formatUnixDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${day} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** `label` padded to 26 columns then `: value` — the CLISH key/value layout. */
function field(label: string, value: string): string {
  return `${label.padEnd(26)}: ${value}`;
}

/** `=====[ title ]=====` centred in 52 columns (extra fill goes right, as on the device). */
function header(title: string, fill: string): string {
  const inner = `[ ${title} ]`;
  const left = Math.floor((52 - inner.length) / 2);
  return fill.repeat(left) + inner + fill.repeat(52 - inner.length - left);
}

/** 6.x says "Firepower … for VMWare" (capital W); 7.x renamed the products "Secure Firewall …"
 * (docs/devices.md "show version"). The lab's 7.x FTDv runs on KVM, its FMCv on VMware. */
function productName(device: Device): string {
  const { platform, isSevenX } = device.profile;
  if (platform === 'fmc') return isSevenX ? 'Cisco Secure Firewall Management Center for VMware' : 'Cisco Firepower Management Center for VMWare';
  return isSevenX ? 'Cisco Secure Firewall Threat Defense for KVM' : 'Cisco Firepower Threat Defense for VMWare';
}

/** The text printed between login and the first prompt (docs/devices.md "Banners"). */
export function renderBanner(device: Device, lastLogin: Date): string {
  const { version, build, osBuild, isSevenX } = device.profile;
  const year = COPYRIGHT_YEAR[version.split('.').slice(0, 2).join('.')] ?? 2023;
  const osLine = isSevenX
    ? `Cisco Firepower Extensible Operating System (FX-OS) v2.12.0 (build ${osBuild + 490})`
    : `Cisco Fire Linux OS v${version} (build ${osBuild})`;
  return [
    `Last login: ${formatUnixDate(lastLogin)} from 192.0.2.1 on pts/0`,
    '',
    `Copyright 2004-${year}, Cisco and/or its affiliates. All rights reserved.`,
    'Cisco is a registered trademark of Cisco Systems, Inc.',
    'All other trademarks are property of their respective owners.',
    '',
    osLine,
    `${productName(device)} v${version} (build ${build})`,
    '',
  ].join('\n');
}

/** CLISH `show version`: the boxed header only (docs/devices.md "show version"). */
export function renderShowVersion(device: Device): string {
  const { name, platform, version, build, isSevenX, uuid } = device.profile;
  const modelCode = platform === 'fmc' ? 66 : 75;
  const rules = isSevenX ? field('LSP version', 'lsp-rel-20230605-1538') : field('Rules update version', '2019-08-12-001-vrt');
  return [
    header(name, '-'),
    field('Model', `${productName(device)} (${modelCode}) Version ${version} (Build ${build})`),
    field('UUID', uuid),
    rules,
    field('VDB version', isSevenX ? '365' : '309'),
    '-'.repeat(52),
  ].join('\n');
}

/** CLISH `show network` (docs/devices.md "show network": padded layout; `br1` on a 6.x FTDv,
 * `eth0` on the FMC, and on a 7.x FTD the newer layout: `DNS from router`, `management0` with
 * `Admin State`, several DNS servers on continuation lines). */
export function renderShowNetwork(device: Device): string {
  const addr = device.managementAddress();
  const newer = device.profile.isSevenX && device.profile.platform === 'ftd';
  const lines = [header('System Information', '='), field('Hostname', device.profile.name)];
  device.dnsServers.forEach((s, i) => lines.push(i === 0 ? field('DNS Servers', s) : `${' '.repeat(28)}${s}`));
  if (newer) lines.push(field('DNS from router', 'enabled'));
  const iface = device.profile.platform === 'fmc' ? 'eth0' : newer ? 'management0' : 'br1';
  const macByte = (device.profile.index % 256).toString(16).padStart(2, '0').toUpperCase();
  const state = newer
    ? [field('Admin State', 'enabled'), field('Admin Speed', '1gbps'), field('Operation Speed', '1gbps'), field('Link', 'up')]
    : [field('State', 'Enabled'), field('Link', 'Up')];
  lines.push(
    field('Management port', '8305'),
    'IPv4 Default route',
    field('  Gateway', '192.0.2.1'),
    '',
    header(iface, '='),
    ...state,
    field('Channels', 'Management & Events'),
    field('Mode', 'Non-Autonegotiation'),
    field('MDI/MDIX', 'Auto/MDIX'),
    field('MTU', '1500'),
    field('MAC Address', `00:50:56:A5:${macByte}:9D`),
    header('IPv4', '-'),
    field('Configuration', 'Manual'),
    field('Address', addr),
    field('Netmask', '255.255.255.0'),
    field('Broadcast', '192.0.2.255'),
    header('IPv6', '-'),
    field('Configuration', 'Disabled'),
    '',
    header('Proxy Information', '='),
    field('State', 'Disabled'),
    field('Authentication', 'Disabled'),
  );
  return lines.join('\n');
}

/** CLISH `show managers` on a registered FTD (docs/devices.md "show managers"; 7.x adds fields). */
export function renderShowManagers(device: Device): string {
  if (device.profile.scenario === 'fdm-managed') return 'Managed locally.';
  const lines = [field('Type', 'Manager'), field('Host', '192.0.2.10')];
  if (device.profile.isSevenX) {
    lines.push(
      field('Display name', '192.0.2.10'),
      field('Version', `${device.profile.version} (Build ${device.profile.build})`),
      field('Identifier', 'f7dc6cd2-633c-11f0-a89d-df27a2da9458'),
    );
  }
  lines.push(field('Registration', device.profile.scenario === 'registration-pending' ? 'Pending' : 'Completed'));
  if (device.profile.isSevenX) lines.push(field('Management type', 'Configuration and analytics'));
  return lines.join('\n');
}

/** Printed by `expert` on 6.x before the bash prompt (docs/devices.md "Levels"). */
export const EXPERT_NOTICE = [
  '**************************************************************',
  'NOTICE - Shell access will be deprecated in future releases',
  '        and will be replaced with a separate expert mode CLI.',
  '**************************************************************',
].join('\n');

/** Printed by `expert` when expert mode is locked down. Exact device text unconfirmed (docs/devices.md "Quirks"). */
export const EXPERT_DISABLED = 'Error: expert mode has been disabled on this device (system lockdown-sensor).';

/** sudo's first-use lecture before `Password:` (docs/devices.md "Levels"). Starts with an empty line, as captured. */
export const SUDO_LECTURE = [
  '',
  'We trust you have received the usual lecture from the local System',
  'Administrator. It usually boils down to these three things:',
  '',
  '    #1) Respect the privacy of others.',
  '    #2) Think before you type.',
  '    #3) With great power comes great responsibility.',
  '',
].join('\n');

/** `/etc/sf/sf-version` on the FMC (docs/devices.md "show version"). */
export function renderSfVersion(device: Device): string {
  const { version, build, osBuild } = device.profile;
  return `${productName(device)} v${version} (build ${build})\nCisco Fire Linux OS v${version} (build ${osBuild})\n`;
}
