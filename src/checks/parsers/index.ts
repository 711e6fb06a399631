/** The parser registry and `parseOutput`, the one entry point the runner calls. */
import type { ParseSpec } from '../../model/playbook.js';
import type { ParseResult, Parser } from './types.js';
import { parseActionQueue } from './action-queue.js';
import { DF_OPTIONS, parseDf } from './df.js';
import { parseShowClock } from './show-clock.js';
import { parseShowFailover } from './show-failover.js';
import { parseShowManagers } from './show-managers.js';
import { parseShowNtp } from './show-ntp.js';
import { parseSftunnelBrief } from './sftunnel.js';
import { CONNECTOR_LOG_OPTIONS, parseConnectorLog } from './connector-log.js';
import { parseCurl } from './curl.js';
import { JSON_OPTIONS, parseJson } from './json.js';
import { parseNslookup } from './nslookup.js';
import { parsePmtoolStatus } from './pmtool.js';
import { parseLines, parseProperties } from './properties.js';
import { parseWithRegex } from './regex.js';
import { parseShowNetwork } from './show-network.js';
import { parseSfVersion, parseShowVersion } from './show-version.js';
import { parseLsofInet, parseNetstatUnix } from './sockets.js';

export type { ParseResult, Parser } from './types.js';
export { parseWithRegex, compileRegexSpec, compilePlaybookRegex, playbookRegexError, regexText, regexCount, groupNames, type RegexSpec } from './regex.js';
export { platformOfModel } from './show-version.js';
export { parseLogTime, classifyWebSocketError, type WebSocketErrorClass } from './connector-log.js';

const PARSERS: Record<string, Parser> = {
  'show-network': parseShowNetwork,
  'show-version': parseShowVersion,
  'sf-version': parseSfVersion,
  curl: parseCurl,
  nslookup: parseNslookup,
  'netstat-unix': parseNetstatUnix,
  'lsof-inet': parseLsofInet,
  properties: parseProperties,
  'connector-log': parseConnectorLog,
  'action-queue': parseActionQueue,
  'pmtool-status': parsePmtoolStatus,
  'show-managers': parseShowManagers,
  'sftunnel-status-brief': parseSftunnelBrief,
  'show-clock': parseShowClock,
  'show-failover': parseShowFailover,
  df: parseDf,
  'show-ntp': parseShowNtp,
  lines: parseLines,
  json: parseJson,
};

/** Names of the built-in parsers (for validation and "did you mean"). */
export const PARSER_NAMES: readonly string[] = Object.freeze(Object.keys(PARSERS));

/** Fields each built-in parser can produce (validation checks `of` paths against these). */
export const PARSER_FIELDS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'show-network': ['hostname', 'domains', 'dns_servers', 'dns_from_router', 'management_port', 'gateway', 'ipv6_gateway',
    'interface', 'interfaces', 'state', 'link', 'channels', 'mode', 'mdi_mdix', 'mtu', 'mac_address', 'ipv4_config',
    'address', 'netmask', 'broadcast', 'ipv6_config', 'proxy_state', 'proxy_authentication', 'unrecognised_count', 'unrecognised_lines'],
  'show-version': ['hostname', 'model', 'model_number', 'platform', 'version', 'build', 'uuid', 'vdb', 'rules', 'lsp', 'asa_version',
    'unrecognised_count', 'unrecognised_lines'],
  'sf-version': ['model', 'platform', 'version', 'build', 'os_version', 'os_build'],
  curl: ['curl_exit', 'resolved', 'connected', 'connected_ip', 'http_status', 'tls', 'cert_verify_ok', 'error', 'reachable'],
  nslookup: ['status', 'server', 'addresses'],
  'netstat-unix': ['states', 'listening', 'connected', 'socket_count', 'programs', 'unrecognised_count', 'unrecognised_lines'],
  'lsof-inet': ['states', 'listening', 'established', 'syn_sent', 'remote_hosts', 'remote_ports', 'commands', 'process_count', 'socket_count',
    'unrecognised_count', 'unrecognised_lines'],
  'connector-log': ['line_count', 'error_count', 'ws_error_count', 'ws_error_classes', 'dns_error_count', 'egress_error_count',
    'tls_error_count', 'handshake_error_count', 'unknown_error_count', 'last_ws_error', 'dial_error_count', 'dial_error_ips',
    'lookup_hosts', 'lookup_dns_servers', 'last_error_time', 'newest_time', 'unrecognised_count', 'unrecognised_lines'],
  'pmtool-status': ['processes', 'running', 'not_running', 'states', 'pids', 'process_count', 'down', 'waiting', 'user_disabled', 'scheduled',
    'unrecognised_count', 'unrecognised_lines'],
  'show-managers': ['managed_locally', 'manager_count', 'hosts', 'registrations', 'completed_hosts', 'completed_host', 'pending_hosts', 'host', 'registration',
    'unrecognised_count', 'unrecognised_lines'],
  'sftunnel-status-brief': ['peers', 'peer_count', 'connected_peers', 'channels_missing', 'heartbeat_missing', 'oldest_heartbeat_epoch',
    'registrations', 'last_disconnect_reasons', 'last_disconnect_reason', 'unrecognised_count', 'unrecognised_lines'],
  'show-clock': ['epoch', 'clock'],
  'show-failover': ['failover', 'failover_on', 'unit', 'this_role', 'this_state', 'other_role', 'other_state', 'states', 'transitional', 'pair_states_ok',
    'version_ours', 'version_mate', 'versions_match', 'interfaces_failed', 'slots_down', 'interface_count', 'problems', 'unrecognised_count',
    'unrecognised_lines'],
  df: ['volumes', 'mounts', 'watched', 'use_percents', 'max_use_percent', 'max_use_mount', 'watched_volumes'],
  'show-ntp': ['servers', 'statuses', 'used_count', 'used_server', 'offset_ms', 'abs_offset_ms', 'last_update_s'],
  'action-queue': ['probe_count', 'failed_count', 'exit_codes', 'unrecognised_count', 'last_exit_code'],
  lines: ['line_count', 'lines'],
  // `json` fields are the answer's keys or the names in options.fields: not known in advance.
  // `properties` fields are the file's keys: not known in advance.
});

/** The options of a parser that takes none. */
export const NO_PARSER_OPTIONS = { type: 'object', additionalProperties: false, properties: {} } as const;

/** The options each built-in parser takes, as a JSON Schema of its `options:` mapping. The
 * playbook schema applies the same schemas (its `$defs/parse`; a test keeps the two equal), so
 * `firebook validate` refuses an unknown or misspelt option at its file:line:col. */
export const PARSER_OPTIONS: Readonly<Record<string, object>> = Object.freeze(
  Object.fromEntries(PARSER_NAMES.map((name) => [name, name === 'connector-log' ? CONNECTOR_LOG_OPTIONS : name === 'df' ? DF_OPTIONS : name === 'json' ? JSON_OPTIONS : NO_PARSER_OPTIONS])),
);

/** The built-in parser with this name, or undefined. */
export function getParser(name: string): Parser | undefined {
  return Object.prototype.hasOwnProperty.call(PARSERS, name) ? PARSERS[name] : undefined;
}

/** Turns raw output into fields per the step's `parse` spec. No spec → no fields. Never throws:
 * a parser crash is reported as a parse error, so the check becomes `error`. */
export function parseOutput(spec: ParseSpec | undefined, output: string, exitCode: number | null): ParseResult {
  if (spec === undefined) return { fields: {} };
  if ('regex' in spec) return parseWithRegex(spec, output);
  const parser = getParser(spec.parser);
  if (!parser) return { fields: {}, error: `unknown parser "${spec.parser}" (known: ${PARSER_NAMES.join(', ')})` };
  try {
    return parser(output, exitCode, spec.options);
  } catch (e) {
    return { fields: {}, error: `parser ${spec.parser} failed: ${(e as Error).message}` };
  }
}
