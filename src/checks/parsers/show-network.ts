/**
 * CLISH `show network`. Two layouts are known: labels padded to 26 columns (docs/devices.md
 * "show network", 6.x and 7.4.2) and the guide's unpadded `Key : value` (docs/securex.md step 2).
 * Extra DNS servers / domains are continuation lines without a label.
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { boxedTitle, contentLines, detectShellError, labelledValue, toNumberIfNumeric, unrecognised } from './common.js';

type Section = 'system' | 'interface' | 'ipv4' | 'ipv6' | 'proxy' | 'other';

// `=======[ System Information ]=======` (docs/faults.md "Denial of service": cut with
// indexOf, never one regex with `\s*(.*?)\s*`, which took cubic time on `=[` + spaces).
const HEADER_EDGE = /^[=-]+$/;
// A label then `:` followed by a space or the line end. IPv6 continuation values
// (`2620:119:35::35`) never have a space after a colon, so they are not labels.
const LABEL = /^[A-Za-z][A-Za-z0-9 /&().-]*$/;

const SYSTEM_KEYS: Record<string, string> = {
  hostname: 'hostname',
  domains: 'domains',
  'dns servers': 'dns_servers',
  'dns from router': 'dns_from_router',
  'management port': 'management_port',
  gateway: 'gateway',
  'ipv6 gateway': 'ipv6_gateway',
};
const INTERFACE_KEYS: Record<string, string> = {
  state: 'state',
  'admin state': 'state',
  link: 'link',
  channels: 'channels',
  mode: 'mode',
  'mdi/mdix': 'mdi_mdix',
  mtu: 'mtu',
  'mac address': 'mac_address',
};
const LIST_FIELDS = new Set(['domains', 'dns_servers']);
const NUMERIC_FIELDS = new Set(['management_port', 'mtu']);

function classify(title: string): Section {
  const t = title.toLowerCase();
  if (t === 'system information') return 'system';
  if (t === 'ipv4') return 'ipv4';
  if (t === 'ipv6') return 'ipv6';
  if (t === 'proxy information') return 'proxy';
  return /^[a-z][\w./-]*$/.test(t) ? 'interface' : 'other';
}

function fieldFor(section: Section, label: string, interfaceCount: number): string | undefined {
  const key = label.toLowerCase();
  // Only the first interface's values become the scalar fields; later ones are listed in `interfaces`.
  const first = interfaceCount <= 1;
  switch (section) {
    case 'system':
      return SYSTEM_KEYS[key];
    case 'interface':
      return first ? INTERFACE_KEYS[key] : undefined;
    case 'ipv4':
      if (!first) return undefined;
      return { configuration: 'ipv4_config', address: 'address', netmask: 'netmask', broadcast: 'broadcast' }[key];
    case 'ipv6':
      return first && key === 'configuration' ? 'ipv6_config' : undefined;
    case 'proxy':
      return { state: 'proxy_state', authentication: 'proxy_authentication' }[key];
    default:
      return undefined;
  }
}

/** Parses `show network` into hostname, dns_servers[], gateway, interface state, proxy state, ... */
export function parseShowNetwork(output: string): ParseResult {
  const lines = contentLines(output);
  const fields: Fields = { dns_servers: [], domains: [] };
  const interfaces: string[] = [];
  const strange: string[] = [];
  let section: Section | undefined;
  let lastList: string | undefined;
  let sawSystem = false;
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    const title = boxedTitle(line, HEADER_EDGE);
    if (title !== undefined) {
      section = classify(title);
      if (section === 'system') sawSystem = true;
      if (section === 'interface') interfaces.push(title);
      lastList = undefined;
      continue;
    }
    const kv = labelledValue(line, LABEL, { allowBare: true });
    if (kv && section) {
      const field = fieldFor(section, kv.label, interfaces.length);
      const value = kv.value;
      lastList = undefined;
      if (!field) continue;
      if (field === 'hostname') sawSystem = true;
      if (LIST_FIELDS.has(field)) {
        fields[field] = value === '' ? [] : [value];
        lastList = field;
      } else {
        fields[field] = NUMERIC_FIELDS.has(field) ? toNumberIfNumeric(value) : value;
      }
      continue;
    }
    if (lastList && /^\s+\S+$/.test(raw)) {
      (fields[lastList] as string[]).push(line.trim());
      continue;
    }
    // Sub-headings such as `IPv4 Default route` carry no value; anything else is reported.
    if (!/^\s*IPv[46] Default route\s*$/i.test(line)) strange.push(line.trim().slice(0, 160));
  }
  if (!sawSystem) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('show-network', lines) };
  }
  if (interfaces.length > 0) fields.interface = interfaces[0];
  fields.interfaces = interfaces;
  fields.unrecognised_count = strange.length;
  fields.unrecognised_lines = strange.slice(0, 5);
  return { fields };
}
