/**
 * From the FMC's answers to an inventory: a pure function (docs/fmc.md "The mapping"). The
 * field names are those of the FMC REST API as docs/fmc.md quotes them with their sources;
 * fields seen in only one source (isConnected, deviceGroup, metadata.containerDetails) are
 * read when present and never required.
 */
import type { FmcSourceConfig } from './fmc-config.js';

/** A JSON object from the API. */
export type ApiRecord = Record<string, unknown>;

/** What the FMC answered, as the source needs it. */
export interface FmcAnswers {
  /** `GET .../devices/devicerecords` (expanded), every page. */
  devices: ApiRecord[];
  /** `GET .../devicehapairs/ftddevicehapairs` (expanded). */
  haPairs: ApiRecord[];
  /** `GET .../devicegroups/devicegrouprecords` (expanded). */
  deviceGroups: ApiRecord[];
  /** The domain the client logged in to. */
  domain: { uuid: string; name: string };
  serverVersion?: string;
}

/** One host of the result: its direct groups (in order) and its variables. */
export interface MappedHost {
  name: string;
  groups: string[];
  vars: Record<string, unknown>;
}

/** The result: groups in the order they first appear; hosts in the FMC's order. */
export interface FmcMapped {
  groups: string[];
  hosts: MappedHost[];
}

/** The group every FTD of the source joins, and the FMC's own. */
export const FTD_GROUP = 'ftd';
export const FMC_GROUP = 'fmc';

/**
 * Ansible's to_safe_group_name(force=True) as inventory plugins call it: every character
 * that is not a word character, and a first character that is a digit, becomes `_`
 * (ansible-core constants INVALID_VARIABLE_NAMES `^[\d\W]|[^\w]`; Python's \w is Unicode).
 */
export function sanitizeGroupName(name: string): string {
  return name.replace(/^[\p{Nd}]|[^\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]/gu, '_');
}

/** The value at a dotted field path (`metadata.domain.name`, `license_caps.0`), or undefined. */
export function fieldAt(record: unknown, path: string): unknown {
  let cur: unknown = record;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!Object.hasOwn(cur, seg)) return undefined;
      cur = (cur as ApiRecord)[seg];
    }
  }
  return cur;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const idOf = (v: unknown): string | undefined => text(fieldAt(v, 'id'));
const nameOf = (v: unknown): string | undefined => text(fieldAt(v, 'name'));

/** Thrown for answers that cannot be mapped (two devices of one name); the caller locates it. */
export class FmcMappingError extends Error {}

/** Host of the FMC itself: the URL's host name (without brackets for IPv6). */
export function fmcHostName(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, '');
}

/**
 * Maps the answers to hosts and groups:
 * - each device record is a host named as in the FMC, in `ftd`, with `platform: ftd`,
 *   `ansible_host` (hostName) and the `fmc_*` variables;
 * - an HA pair's two units get `ha_group: <pair name>`, `fmc_ha_pair` and `fmc_ha_role`;
 * - each device group is a group (name sanitised), members that are HA pairs give both units;
 * - `keyed_groups` and `compose` read field paths, the device record first, then the variables
 *   set above;
 * - `include_fmc` adds the FMC as a host of `fmc`, `platform: fmc`.
 */
export function mapFmcAnswers(answers: FmcAnswers, cfg: Pick<FmcSourceConfig, 'url' | 'includeFmc' | 'keyedGroups' | 'compose'> & { leadingSeparator?: boolean }): FmcMapped {
  const groups: string[] = [];
  const addGroup = (g: string) => {
    if (!groups.includes(g)) groups.push(g);
  };
  addGroup(FTD_GROUP);
  const hosts: MappedHost[] = [];
  const byId = new Map<string, MappedHost>();
  const byName = new Map<string, MappedHost>();
  const join = (h: MappedHost, g: string) => {
    if (g === '') return;
    addGroup(g);
    if (!h.groups.includes(g)) h.groups.push(g);
  };

  for (const d of answers.devices) {
    const name = nameOf(d);
    if (name === undefined) throw new FmcMappingError(`a device record has no name (id ${JSON.stringify(fieldAt(d, 'id') ?? null)})`);
    if (byName.has(name)) throw new FmcMappingError(`the FMC lists two devices named '${name}'`);
    const vars: Record<string, unknown> = { platform: 'ftd' };
    const put = (k: string, v: unknown) => {
      if (v !== undefined && v !== null) vars[k] = v;
    };
    put('ansible_host', text(fieldAt(d, 'hostName')));
    put('fmc_device_id', idOf(d));
    put('fmc_model', fieldAt(d, 'model'));
    put('fmc_sw_version', fieldAt(d, 'sw_version'));
    put('fmc_health_status', fieldAt(d, 'healthStatus'));
    put('fmc_is_connected', fieldAt(d, 'isConnected'));
    put('fmc_domain', text(fieldAt(d, 'metadata.domain.name')) ?? answers.domain.name);
    const host: MappedHost = { name, groups: [], vars };
    join(host, FTD_GROUP);
    hosts.push(host);
    byName.set(name, host);
    const id = idOf(d);
    if (id !== undefined) byId.set(id, host);
  }

  // HA pairs: from the pair list; a unit the list misses may still name its pair in
  // metadata.containerDetails (role PRIMARY/SECONDARY).
  const pairUnits = new Map<string, MappedHost[]>();
  const setPair = (h: MappedHost, pair: string, role: string | undefined, pairId: string | undefined) => {
    h.vars.ha_group = pair;
    h.vars.fmc_ha_pair = pair;
    if (role) h.vars.fmc_ha_role = role;
    // A device group may name the pair by id or by name: both lead to its units.
    for (const k of [pairId, `name:${pair}`]) if (k) pairUnits.set(k, [...(pairUnits.get(k) ?? []).filter((x) => x !== h), h]);
  };
  const unit = (ref: unknown) => byId.get(idOf(ref) ?? '') ?? byName.get(nameOf(ref) ?? '');
  for (const p of answers.haPairs) {
    const pair = nameOf(p);
    if (pair === undefined) continue;
    for (const role of ['primary', 'secondary'] as const) {
      const h = unit(fieldAt(p, role));
      if (h) setPair(h, pair, role, idOf(p));
    }
  }
  // hosts[i] is the host of answers.devices[i] (the FMC host is added last).
  answers.devices.forEach((d, i) => {
    const h = hosts[i];
    if (h.vars.ha_group !== undefined) return;
    const c = fieldAt(d, 'metadata.containerDetails');
    if (text(fieldAt(c, 'type')) !== 'DeviceHAPair' || nameOf(c) === undefined) return;
    const role = text(fieldAt(c, 'role'))?.toLowerCase();
    setPair(h, nameOf(c)!, role === 'primary' || role === 'secondary' ? role : undefined, idOf(c));
  });

  // Device groups: members are devices or HA pairs (both units join).
  const inGroup = new Set<string>();
  for (const g of answers.deviceGroups) {
    const gname = nameOf(g);
    if (gname === undefined) continue;
    const group = sanitizeGroupName(gname);
    addGroup(group);
    const members = fieldAt(g, 'members');
    for (const m of Array.isArray(members) ? members : []) {
      const pairRef = text(fieldAt(m, 'type')) === 'DeviceHAPair';
      const units = pairUnits.get(idOf(m) ?? '') ?? (pairRef ? pairUnits.get(`name:${nameOf(m) ?? ''}`) : undefined) ?? (unit(m) ? [unit(m)!] : []);
      for (const h of units) {
        join(h, group);
        inGroup.add(h.name);
      }
    }
  }
  // A device record may name its group itself (deviceGroup, seen in one source): used only
  // when the group list did not place the device.
  answers.devices.forEach((d, i) => {
    const g = nameOf(fieldAt(d, 'deviceGroup'));
    if (!inGroup.has(hosts[i].name) && g !== undefined) join(hosts[i], sanitizeGroupName(g));
  });

  // compose, then keyed_groups: field paths of the record, then of the variables so far.
  answers.devices.forEach((d, i) => {
    const h = hosts[i];
    const read = (path: string) => {
      const v = fieldAt(d, path);
      return v !== undefined ? v : fieldAt(h.vars, path);
    };
    for (const [k, path] of Object.entries(cfg.compose)) {
      const v = read(path);
      if (v !== undefined && v !== null) h.vars[k] = v;
    }
    for (const kg of cfg.keyedGroups) {
      const v = read(kg.key);
      const values = Array.isArray(v) ? v : [v];
      for (const one of values) {
        if (one === undefined || one === null || one === '' || typeof one === 'object') continue;
        const sep = kg.prefix === '' && cfg.leadingSeparator === false ? '' : kg.separator;
        join(h, sanitizeGroupName(`${kg.prefix}${sep}${String(one)}`));
      }
    }
  });

  if (cfg.includeFmc) {
    const name = fmcHostName(cfg.url);
    if (byName.has(name)) throw new FmcMappingError(`the FMC's own host name '${name}' is also the name of one of its devices`);
    addGroup(FMC_GROUP);
    const vars: Record<string, unknown> = { platform: 'fmc', ansible_host: name, fmc_url: cfg.url, fmc_domain: answers.domain.name, fmc_domain_uuid: answers.domain.uuid };
    if (answers.serverVersion) vars.fmc_server_version = answers.serverVersion;
    hosts.push({ name, groups: [FMC_GROUP], vars });
  }
  return { groups, hosts };
}
