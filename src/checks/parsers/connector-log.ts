/**
 * The SSE connector's logfmt log (`connector.log`, docs/securex.md step 7):
 * `time="2020-04-13T14:34:02.88472046-05:00" level=error msg="[host][events.go:90 events:connectWebSocket] dial tcp x.x.x.246:443: ...`
 * Lines may be cut off mid-message (the recorded capture is), so `msg` is read up to the line end
 * when its closing quote is missing.
 *
 * Every connectWebSocket error counts: each means the connector cannot open its eventing
 * WebSocket. Go's network errors tell why, so each error is classified (docs/securex.md,
 * "connector.log failure forms"): `dns` (`dial tcp: lookup HOST on DNS:53: … i/o timeout`,
 * `no such host`), `egress` (`dial tcp IP:443: i/o timeout`, `connect: connection refused`, no
 * route), `tls` (`x509: …`: a proxy re-signs the traffic), `handshake` (`websocket: bad
 * handshake`: a proxy or the service refuses the upgrade) and `unknown` (counted, never ignored).
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unique, unrecognised } from './common.js';

interface LogLine {
  time?: string;
  timeMs?: number;
  level?: string;
  msg: string;
}

/** Why a connectWebSocket attempt failed. */
export type WebSocketErrorClass = 'dns' | 'egress' | 'tls' | 'handshake' | 'unknown';

const TIME = /(?:^|\s)time="?([^"\s]+)"?/;
const LEVEL = /(?:^|\s)level=(\w+)/;
const MSG = /(?:^|\s)msg="((?:[^"\\]|\\.)*)(?:"|$)|(?:^|\s)msg=(\S+)/;
const DIAL = /dial tcp (\[[^\]]+\]|[^\s:]+):(\d+)/;
// `dial tcp: lookup eventing-ingest.sse.itd.cisco.com on 203.0.113.53:53: ...` (Go's resolver);
// without ` on SERVER` when the resolver library answers from /etc/hosts or nsswitch.
const LOOKUP = /\blookup ([^\s:]+)(?: on (\[[^\]]+\]|[^\s:]+):\d+)?/;
const DNS_ANSWER = /no such host|server misbehaving/i;
// After a `lookup NAME` (read from the first one on: `lookup X.*(…)` would be quadratic).
const DNS_AFTER_LOOKUP = /i\/o timeout|connection refused|temporary failure|no answer/i;
const TLS_FORMS = /\bx509: |\btls: |certificate (?:signed by unknown authority|has expired|is valid for)/i;
const HANDSHAKE_FORMS = /websocket: bad handshake/i;
const EGRESS_FORMS = /i\/o timeout|connection refused|connection timed out|no route to host|network is unreachable|connection reset|proxyconnect/i;

/** Classifies one connectWebSocket error message. A `dial tcp IP:PORT` with its reason cut off
 * (the recorded capture ends mid-word) is still an egress failure: the address was known, the
 * TCP connection did not open. */
export function classifyWebSocketError(msg: string): WebSocketErrorClass {
  if (/dial tcp: lookup /.test(msg) || dnsForm(msg)) return 'dns';
  if (TLS_FORMS.test(msg)) return 'tls';
  if (HANDSHAKE_FORMS.test(msg)) return 'handshake';
  if (EGRESS_FORMS.test(msg) || DIAL.test(msg)) return 'egress';
  return 'unknown';
}

function dnsForm(msg: string): boolean {
  if (DNS_ANSWER.test(msg)) return true;
  const lookup = /lookup [^\s:]/i.exec(msg);
  return lookup !== null && LOOKUP.test(msg) && DNS_AFTER_LOOKUP.test(msg.slice(lookup.index + lookup[0].length));
}

/** Parses an RFC 3339 timestamp with any number of fraction digits (Go prints nanoseconds). */
export function parseLogTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return undefined;
  const ms = m[2] ? `.${m[2].slice(0, 3).padEnd(3, '0')}` : '';
  const ms2 = Date.parse(`${m[1]}${ms}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms2) ? undefined : ms2;
}

function readLine(line: string): LogLine | undefined {
  const level = LEVEL.exec(line)?.[1];
  const time = TIME.exec(line)?.[1];
  if (level === undefined && time === undefined) return undefined;
  const m = MSG.exec(line);
  return { time, timeMs: time ? parseLogTime(time) : undefined, level: level?.toLowerCase(), msg: m ? (m[1] ?? m[2] ?? '') : '' };
}

/** The error text after the `[host][file:line func]` prefix. */
function errorText(msg: string): string {
  return msg.replace(/^(?:\[[^\]]*\])+\s*/, '').slice(0, 200);
}

/** The options of `connector-log` (JSON Schema; `firebook validate` applies it through
 * schemas/playbook.schema.json, docs/playbooks.md "Parser options"). */
export const CONNECTOR_LOG_OPTIONS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window_minutes: { type: 'number', exclusiveMinimum: 0, description: 'Count only the lines within this many minutes of the newest timestamp.' },
  },
} as const;

/** Parses connector.log: counts of errors and of connectWebSocket errors per class, the classes
 * seen, the last WebSocket error, dial targets, looked-up names and DNS servers, and the lines
 * that are not logfmt (`unrecognised_count` / `unrecognised_lines`: reported, never dropped).
 * Option `window_minutes`: only lines within N minutes of the newest timestamp count. */
export function parseConnectorLog(output: string, _exitCode: number | null, options?: Record<string, unknown>): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const read = lines.map((l) => ({ raw: l, line: readLine(l) }));
  const parsed = read.map((r) => r.line).filter((l): l is LogLine => l !== undefined);
  if (parsed.length === 0 && lines.length > 0) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('connector-log', lines) };
  }
  const windowMinutes = options?.window_minutes;
  if (windowMinutes !== undefined && (typeof windowMinutes !== 'number' || !(windowMinutes > 0))) {
    return { fields: {}, error: `connector-log: option window_minutes must be a positive number, got ${JSON.stringify(windowMinutes)}` };
  }
  const strange = read.filter((r) => r.line === undefined).map((r) => r.raw.trim().slice(0, 160));
  let selected = parsed;
  let newest: number | undefined;
  for (const l of parsed) if (l.timeMs !== undefined && (newest === undefined || l.timeMs > newest)) newest = l.timeMs;
  if (typeof windowMinutes === 'number' && newest !== undefined) {
    const from = newest - windowMinutes * 60_000;
    // Lines without a readable timestamp cannot be placed in the window: left out.
    selected = parsed.filter((l) => l.timeMs !== undefined && l.timeMs >= from);
  }
  const errors = selected.filter((l) => l.level === 'error' || l.level === 'fatal' || l.level === 'panic');
  const wsErrors = errors.filter((l) => l.msg.includes('connectWebSocket'));
  const counts: Record<WebSocketErrorClass, number> = { dns: 0, egress: 0, tls: 0, handshake: 0, unknown: 0 };
  const classes: WebSocketErrorClass[] = [];
  const ips: string[] = [];
  const lookups: string[] = [];
  const dnsServers: string[] = [];
  let dialErrors = 0;
  for (const l of wsErrors) {
    const cls = classifyWebSocketError(l.msg);
    counts[cls]++;
    classes.push(cls);
    if (/dial tcp/.test(l.msg)) dialErrors++;
    const dial = DIAL.exec(l.msg);
    if (dial) ips.push(dial[1].replace(/^\[|\]$/g, ''));
    const lookup = LOOKUP.exec(l.msg);
    if (lookup) {
      lookups.push(lookup[1]);
      if (lookup[2]) dnsServers.push(lookup[2].replace(/^\[|\]$/g, ''));
    }
  }
  const lastError = errors.length > 0 ? errors[errors.length - 1].time ?? null : null;
  const lastWs = wsErrors.length > 0 ? errorText(wsErrors[wsErrors.length - 1].msg) : null;
  return {
    fields: {
      line_count: selected.length,
      error_count: errors.length,
      ws_error_count: wsErrors.length,
      ws_error_classes: unique(classes),
      dns_error_count: counts.dns,
      egress_error_count: counts.egress,
      tls_error_count: counts.tls,
      handshake_error_count: counts.handshake,
      unknown_error_count: counts.unknown,
      last_ws_error: lastWs,
      dial_error_count: dialErrors,
      dial_error_ips: unique(ips),
      lookup_hosts: unique(lookups),
      lookup_dns_servers: unique(dnsServers),
      last_error_time: lastError,
      newest_time: newest !== undefined ? new Date(newest).toISOString() : null,
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}
