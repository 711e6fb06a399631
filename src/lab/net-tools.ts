/** Network and process tools: nslookup, netstat, lsof, pmtool, df (+ curl from curl.ts).
 * Layouts follow the guide's captures (docs/securex.md steps 2, 5, 6) and docs/devices.md
 * ("Processes", "curl and nslookup"). */
import type { CommandImpl } from './shell-context.js';
import type { Device } from './device.js';
import { GOOD_RESOLVERS } from './device.js';
import { CLOUD_HOSTS, curl } from './curl.js';
import { renderDf } from './health-texts.js';

/** Time pmtool takes to restart a process (the device takes seconds; the lab stays fast). */
const PMTOOL_RESTART_MS = 150;

const nslookup: CommandImpl = ({ args, io, term }) => {
  const device = term.device;
  const [name, server] = args.filter((a) => !a.startsWith('-'));
  if (!name) {
    io.err('nslookup: interactive mode is not supported in this shell\n');
    return 1;
  }
  const servers = server ? [server] : device.dnsServers;
  const answering = servers.find((s) => GOOD_RESOLVERS.includes(s));
  if (!answering) {
    io.out(';; connection timed out; no servers could be reached\n\n');
    return 1;
  }
  io.out(`Server:\t\t${answering}\nAddress:\t${answering}#53\n\n`);
  const cloud = CLOUD_HOSTS[name.toLowerCase().replace(/\.$/, '')];
  if (!cloud) {
    io.out(`** server can't find ${name}: NXDOMAIN\n\n`);
    return 1;
  }
  io.out(`Non-authoritative answer:\nName:\t${name}\nAddress: ${cloud.ip}\n\n`);
  return 0;
};

function sockPath(device: Device): string {
  return `${device.profile.platform === 'ftd' ? '/ngfw' : ''}/var/sf/run/EventHandler_SSEConnector.sock`;
}

/** The connector's outbound eventing session: undefined when it has none. */
function eventingState(device: Device): 'ESTABLISHED' | 'SYN_SENT' | undefined {
  if (!device.connectorRunning) return undefined;
  const { scenario } = device.profile;
  if (scenario === 'egress-blocked') return 'SYN_SENT';
  if (!device.isDnsWorking() || scenario === 'connector-misconfigured') return undefined;
  return 'ESTABLISHED';
}

const netstat: CommandImpl = ({ io, term }) => {
  const d = term.device;
  const mgmt = d.managementAddress();
  const pad = (cols: string[]) => cols[0].padEnd(6) + cols[1].padStart(6) + cols[2].padStart(7) + ' ' + cols[3].padEnd(24) + cols[4].padEnd(24) + cols[5].padEnd(12) + cols[6];
  const lines = [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
    pad(['tcp', '0', '0', '0.0.0.0:22', '0.0.0.0:*', 'LISTEN', '1203/sshd']),
    pad(['tcp', '0', '0', `${mgmt}:8305`, '0.0.0.0:*', 'LISTEN', '7702/sftunnel']),
  ];
  const state = eventingState(d);
  if (d.connectorRunning) lines.push(pad(['tcp', '0', '0', '127.0.0.1:8989', '0.0.0.0:*', 'LISTEN', `${connectorPid(d)}/connector`]));
  if (state) lines.push(pad(['tcp', '0', state === 'SYN_SENT' ? '1' : '0', `${mgmt}:53426`, '192.0.2.234:443', state, `${connectorPid(d)}/connector`]));
  lines.push('Active UNIX domain sockets (servers and established)', 'Proto RefCnt Flags       Type       State         I-Node   PID/Program name    Path');
  lines.push('unix  2      [ ACC ]     STREAM     LISTENING     17321    1/init              /run/systemd/private');
  if (d.profile.platform === 'ftd') {
    // EventHandler lines use the guide capture's spacing verbatim (docs/securex.md step 5).
    lines.push(`unix 2 [ ACC ] STREAM LISTENING 382276 7741/EventHandler ${sockPath(d)}`);
    if (d.socketConnected && d.connectorRunning) lines.push(`unix 3 [ ] STREAM CONNECTED 378537 7741/EventHandler ${sockPath(d)}`);
  }
  io.out(lines.join('\n') + '\n');
  return 0;
};

function connectorPid(d: Device): number {
  return 13277 + d.restarts * 11;
}

const lsof: CommandImpl = ({ io, term }) => {
  const d = term.device;
  const pid = connectorPid(d);
  const lines = [
    'COMMAND     PID USER   FD   TYPE   DEVICE SIZE/OFF NODE NAME',
    `sshd       1203 root    3u IPv4    17912      0t0  TCP *:ssh (LISTEN)`,
    `sftunnel   7702 root    9u IPv4    21877      0t0  TCP ${d.managementAddress()}:8305 (LISTEN)`,
  ];
  const state = eventingState(d);
  if (d.connectorRunning) lines.push(`connector ${pid}  www  10u IPv4 26077573  0t0 TCP localhost:8989 (LISTEN)`);
  if (state === 'ESTABLISHED') lines.push(`connector ${pid}  www  19u IPv4 26077679  0t0 TCP ${d.managementAddress()}:56495->ec2-35-172-147-246.compute-1.amazonaws.com:https (ESTABLISHED)`);
  if (state === 'SYN_SENT') lines.push(`connector ${pid} www 12u IPv4 110237499 0t0 TCP ${d.profile.name}:53426->ec2-100-25-93-234.compute-1.amazonaws.com:https (SYN_SENT)`);
  io.out(lines.join('\n') + '\n');
  return 0;
};

const PROCESS_IDS = ['EventHandler', 'SSEConnector', 'sftunnel', 'CloudAgent'];

/** pmtool (docs/devices.md "Processes"): `status`, `restartbyid|disablebyid|enablebyid <ID>`,
 * case-insensitive. `status` prints the `NAME (TYPE) - STATE [PID]` lines of a 6.7 capture. */
const pmtool: CommandImpl = async ({ args, io, term, shell }) => {
  const d = term.device;
  const sub = (args[0] ?? '').toLowerCase();
  if (sub === 'status') {
    const conn = d.connectorRunning ? `Running ${connectorPid(d)}` : 'User Disabled';
    const lines = [' EventHandler (normal) - Running 7741', ` SSEConnector (system) - ${conn}`, ' sftunnel (system) - Running 7702', ' CloudAgent (system) - Waiting',
      ` SFDataCorrelator (normal) - ${d.profile.scenario === 'process-down' ? 'Down' : 'Running 4871'}`, ' ntpd (normal) - Running 6335', ' diskmanager (normal) - Running 15189'];
    if (d.profile.platform === 'ftd') lines.push(' lina (system) - Running 4560');
    io.out(lines.join('\n') + '\n');
    return 0;
  }
  if (!['restartbyid', 'disablebyid', 'enablebyid'].includes(sub)) {
    io.err('Usage: pmtool <command> [args]\n  commands: status, RestartByID, DisableByID, EnableByID, RestartByType\n');
    return 1;
  }
  if (shell.level !== 'root') {
    io.err('pmtool: Permission denied (are you root?)\n');
    return 1;
  }
  const id = PROCESS_IDS.find((p) => p.toLowerCase() === (args[1] ?? '').toLowerCase());
  if (!id) {
    io.err(`Unknown process ID: ${args[1] ?? ''}\n`);
    return 1;
  }
  if (id !== 'SSEConnector' && id !== 'EventHandler') return 0;
  if (sub === 'disablebyid') {
    d.connectorRunning = id === 'SSEConnector' ? false : d.connectorRunning;
    d.socketConnected = false;
    return 0;
  }
  // Returns silently once the process is back (docs/devices.md "Processes"); the connector re-attaches.
  await new Promise((r) => setTimeout(r, PMTOOL_RESTART_MS));
  d.connectorRunning = true;
  d.socketConnected = true;
  d.restarts++;
  return 0;
};

/** name → implementation. */
/** `df -P` (POSIX columns; docs/health.md "disk-usage"); other flags print the same table. */
const df: CommandImpl = ({ io, term }) => (io.out(renderDf(term.device) + '\n'), 0);

export const NET_TOOLS: Record<string, CommandImpl> = { curl, nslookup, netstat, lsof, pmtool, df };
