/**
 * Socket listings: `netstat -anlp | grep <unix socket>` (docs/securex.md steps 5 and 6) and
 * `lsof -i | grep conn`. An empty output means grep found nothing: zero sockets, not an error.
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unique, unrecognised } from './common.js';

// `unix 2 [ ACC ] STREAM LISTENING 382276 7741/EventHandler /ngfw/var/sf/run/...sock`
const UNIX_LINE = /^unix\s+\d+\s+\[[^\]]*\]\s+(\S+)\s+(?:(LISTENING|CONNECTED|CONNECTING|DISCONNECTING)\s+)?(\d+)\s+(\S+)/;

/** Parses unix-socket lines of `netstat -anlp`: states[] (one per socket), listening, connected, socket_count. */
export function parseNetstatUnix(output: string): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const states: string[] = [];
  const programs: string[] = [];
  const strange: string[] = [];
  let count = 0;
  for (const line of lines) {
    const m = UNIX_LINE.exec(line.trim());
    if (!m) {
      strange.push(line.trim().slice(0, 160));
      continue;
    }
    count++;
    states.push(m[2] ?? 'NONE');
    programs.push(m[4]);
  }
  if (count === 0 && lines.length > 0) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('netstat-unix', lines) };
  }
  return {
    fields: {
      states,
      listening: states.includes('LISTENING'),
      connected: states.includes('CONNECTED'),
      socket_count: count,
      programs: unique(programs),
      // Lines that are not unix-socket lines are reported, never silently dropped.
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}

// `connector 13277 www 19u IPv4 26077679 0t0 TCP a:56495->b:https (ESTABLISHED)`
const LSOF_LINE = /^(\S+)\s+(\d+)\s+(\S+)\s+\S+\s+(IPv[46])\s+\S+\s+\S+\s+(TCP|UDP)\s+(\S+)(?:\s+\((\w+)\))?\s*$/;

/** Splits `host:port` (IPv6 in brackets allowed) and returns the host part. */
function hostOf(endpoint: string): string {
  const bracket = /^\[([^\]]+)\](?::\S+)?$/.exec(endpoint);
  if (bracket) return bracket[1];
  const i = endpoint.lastIndexOf(':');
  return i > 0 ? endpoint.slice(0, i) : endpoint;
}

/** Parses `lsof -i` lines: states[], listening, established, syn_sent, remote_hosts[], process_count. */
export function parseLsofInet(output: string): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '' && !/^COMMAND\s+PID\s/.test(l));
  const states: string[] = [];
  const remoteHosts: string[] = [];
  const remotePorts: string[] = [];
  const pids: string[] = [];
  const commands: string[] = [];
  const strange: string[] = [];
  for (const line of lines) {
    const m = LSOF_LINE.exec(line.trim());
    if (!m) {
      strange.push(line.trim().slice(0, 160));
      continue;
    }
    pids.push(m[2]);
    commands.push(m[1]);
    if (m[7] !== undefined) states.push(m[7]);
    const arrow = m[6].indexOf('->');
    if (arrow >= 0) {
      const remote = m[6].slice(arrow + 2);
      remoteHosts.push(hostOf(remote));
      remotePorts.push(remote.slice(remote.lastIndexOf(':') + 1));
    }
  }
  if (pids.length === 0 && lines.length > 0) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('lsof-inet', lines) };
  }
  return {
    fields: {
      states,
      listening: states.includes('LISTEN'),
      established: states.includes('ESTABLISHED'),
      syn_sent: states.includes('SYN_SENT'),
      remote_hosts: unique(remoteHosts),
      remote_ports: unique(remotePorts),
      commands: unique(commands),
      process_count: unique(pids).length,
      socket_count: pids.length,
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}
