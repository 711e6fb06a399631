/**
 * CLISH `sftunnel-status-brief` (docs/health.md "sftunnel-connected"). Per peer: an optional
 * `PEER:<ip>` header, the `Peer channel Channel-A is valid type (CONTROL), … connected to '<ip>' …`
 * and `Channel-B … (EVENT)` lines while the tunnel is up, `Registration: Completed.`, the start,
 * `Heartbeat Send Time:` / `Heartbeat Received Time:` lines; when down, `Connection to peer '<ip>'
 * Attempted at …`, `Last disconnect time : …`, `Last disconnect reason : …` and no channel or
 * heartbeat line. There is no "connection is up/down" line: up is read from those lines.
 * Lines cut with indexOf (linear time, docs/faults.md "Denial of service").
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unique, unrecognised } from './common.js';
import { parseDeviceTime } from './device-time.js';

interface Peer {
  peer?: string;
  control: boolean;
  event: boolean;
  registration?: string;
  heartbeat?: number;
  reason?: string;
}

/** The text between the first `'` after `marker` and the next `'`. */
function quotedAfter(line: string, marker: string): string | undefined {
  const at = line.indexOf(marker);
  if (at < 0) return undefined;
  const open = line.indexOf("'", at + marker.length);
  const close = open < 0 ? -1 : line.indexOf("'", open + 1);
  return close < 0 ? undefined : line.slice(open + 1, close);
}

/** The value after the first `:` of a `Label: value` / `Label : value` line with this label. */
function valueOf(line: string, label: string): string | undefined {
  if (!line.startsWith(label)) return undefined;
  const rest = line.slice(label.length).trimStart();
  return rest.startsWith(':') ? rest.slice(1).trim() : undefined;
}

/** Parses `sftunnel-status-brief`: peers[], peer_count, channels_missing[] (peers without both
 * channels), heartbeat_missing[], oldest_heartbeat_epoch (0 when a peer has none),
 * last_disconnect_reason(s), registrations[], unrecognised_lines[]. */
export function parseSftunnelBrief(output: string): ParseResult {
  const lines = contentLines(output).map((l) => l.trim()).filter((l) => l !== '');
  const peers: Peer[] = [];
  const strange: string[] = [];
  let cur: Peer | undefined;
  const start = (name?: string): Peer => {
    cur = { control: false, event: false, ...(name !== undefined ? { peer: name } : {}) };
    peers.push(cur);
    return cur;
  };
  const bad = (line: string): ParseResult => ({ fields: {}, error: `sftunnel-status-brief: unrecognised output (line: ${JSON.stringify(line.slice(0, 120))})` });
  for (const line of lines) {
    if (line.startsWith('PEER:')) { start(line.slice(5).trim()); continue; }
    if (line.startsWith('Peer channel Channel-')) {
      const p = cur && !cur.registration && !(line.startsWith('Peer channel Channel-A') && (cur.control || cur.event)) ? cur : start();
      const to = quotedAfter(line, 'connected to ');
      if (to === undefined) return bad(line);
      if (line.startsWith('Peer channel Channel-A is valid type (CONTROL)')) p.control = true;
      else if (line.startsWith('Peer channel Channel-B is valid type (EVENT)')) p.event = true;
      else return bad(line);
      p.peer ??= to;
      continue;
    }
    const reg = valueOf(line, 'Registration');
    if (reg !== undefined) {
      const p = cur && cur.registration === undefined ? cur : start();
      p.registration = reg.replace(/\.$/, '');
      continue;
    }
    const hb = valueOf(line, 'Heartbeat Received Time');
    if (hb !== undefined) {
      const epoch = parseDeviceTime(hb);
      if (epoch === undefined) return bad(line);
      (cur ?? start()).heartbeat = epoch;
      continue;
    }
    const reason = valueOf(line, 'Last disconnect reason');
    if (reason !== undefined) { (cur ?? start()).reason = reason; continue; }
    if (valueOf(line, 'Heartbeat Send Time') !== undefined || valueOf(line, 'Last disconnect time') !== undefined) continue;
    if (line.includes("Connection to peer '")) {
      const p = cur ?? start();
      p.peer ??= quotedAfter(line, 'Connection to peer ');
      continue;
    }
    strange.push(line.slice(0, 160));
  }
  if (peers.length === 0) {
    // FDM-managed devices print nothing (docs/health.md): an empty answer is "no peer".
    const known = detectShellError(output);
    if (known || lines.length > 0) return { fields: {}, error: known ?? unrecognised('sftunnel-status-brief', lines) };
  }
  const name = (p: Peer) => p.peer ?? '(unnamed peer)';
  const withReason = peers.filter((p) => p.reason !== undefined);
  return {
    fields: {
      peers: unique(peers.map(name)),
      peer_count: peers.length,
      connected_peers: unique(peers.filter((p) => p.control && p.event).map(name)),
      channels_missing: unique(peers.filter((p) => !(p.control && p.event)).map(name)),
      heartbeat_missing: unique(peers.filter((p) => p.heartbeat === undefined).map(name)),
      oldest_heartbeat_epoch: peers.length === 0 || peers.some((p) => p.heartbeat === undefined) ? 0 : Math.min(...peers.map((p) => p.heartbeat!)),
      registrations: peers.map((p) => `${name(p)}: ${p.registration ?? '(none)'}`),
      last_disconnect_reasons: withReason.map((p) => `${name(p)}: ${p.reason}`),
      ...(withReason[0] ? { last_disconnect_reason: withReason[0].reason } : {}),
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}
