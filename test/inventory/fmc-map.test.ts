/** firebook.fmc: the mapping from the FMC's answers to hosts, groups and variables (docs/fmc.md). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fieldAt, mapFmcAnswers, sanitizeGroupName, type FmcAnswers, type KeyedGroup } from '../../src/inventory/index.js';
import { requireProgram } from '../support/requires.js';
import { DEVICE_GROUPS, DEVICES, DOMAIN_UUID, HA_PAIRS } from './fmc-fixture.js';
import { writeTree } from './helpers.js';

const answers = (over: Partial<FmcAnswers> = {}): FmcAnswers => ({
  devices: structuredClone(DEVICES),
  haPairs: structuredClone(HA_PAIRS),
  deviceGroups: structuredClone(DEVICE_GROUPS),
  domain: { uuid: DOMAIN_UUID, name: 'Global' },
  serverVersion: '7.6.4 (build 31)',
  ...over,
});
const cfg = (over: { includeFmc?: boolean; keyedGroups?: KeyedGroup[]; compose?: Record<string, string>; leadingSeparator?: boolean } = {}) => ({ url: 'https://fmc.example.net', includeFmc: false, keyedGroups: [], compose: {}, ...over });
const kg = (key: string, prefix = '', extra: Partial<KeyedGroup> = {}): KeyedGroup => ({ key, prefix, separator: '_', ...extra });

describe('firebook.fmc mapping', () => {
  it('each device is a host named as in the FMC, platform ftd, with ansible_host and the fmc_* variables', () => {
    const m = mapFmcAnswers(answers(), cfg());
    expect(m.hosts.map((h) => h.name)).toEqual(['Cat', 'ftd-dc1-01', 'ftd-dc1-02', 'ftd-br-7']);
    const cat = m.hosts[0];
    expect(cat.vars).toEqual({
      platform: 'ftd',
      ansible_host: '10.17.11.155',
      fmc_device_id: '966e41da-a0f7-11ea-b9d2-a72388220492',
      fmc_model: 'Cisco Firepower Threat Defense for VMWare',
      fmc_sw_version: '6.5.0',
      fmc_health_status: 'green',
      fmc_domain: 'Global',
    });
    // isConnected is absent from the 6.5 record: the variable is left out, not guessed.
    expect(cat.vars).not.toHaveProperty('fmc_is_connected');
    expect(m.hosts[3].vars).toMatchObject({ fmc_is_connected: false, fmc_health_status: 'red', ansible_host: 'br7.example.net' });
    expect(m.hosts.every((h) => h.groups[0] === 'ftd')).toBe(true);
  });

  it('the two units of an HA pair share ha_group (the pair name) and get their role', () => {
    const m = mapFmcAnswers(answers(), cfg());
    const [, a, b, c] = m.hosts;
    expect(a.vars).toMatchObject({ ha_group: 'ha-dc1', fmc_ha_pair: 'ha-dc1', fmc_ha_role: 'primary' });
    expect(b.vars).toMatchObject({ ha_group: 'ha-dc1', fmc_ha_pair: 'ha-dc1', fmc_ha_role: 'secondary' });
    expect(c.vars).not.toHaveProperty('ha_group');
    expect(m.hosts[0].vars).not.toHaveProperty('fmc_ha_pair');
  });

  it('without the pair list, metadata.containerDetails still gives the pair and role', () => {
    const m = mapFmcAnswers(answers({ haPairs: [] }), cfg());
    expect(m.hosts[1].vars).toMatchObject({ ha_group: 'ha-dc1', fmc_ha_role: 'primary' });
    expect(m.hosts[2].vars).toMatchObject({ ha_group: 'ha-dc1', fmc_ha_role: 'secondary' });
  });

  it('device groups become groups (sanitised as Ansible does); an HA pair member brings both units', () => {
    const m = mapFmcAnswers(answers(), cfg());
    expect(m.groups).toEqual(['ftd', 'DC_1', 'Lab', 'Branch_offices']);
    const groupsOf = Object.fromEntries(m.hosts.map((h) => [h.name, h.groups]));
    expect(groupsOf).toEqual({ Cat: ['ftd', 'Lab'], 'ftd-dc1-01': ['ftd', 'DC_1'], 'ftd-dc1-02': ['ftd', 'DC_1'], 'ftd-br-7': ['ftd', 'Branch_offices'] });
  });

  it('sanitises group names as ansible-core to_safe_group_name(force=True)', () => {
    expect(sanitizeGroupName('DC 1')).toBe('DC_1');
    expect(sanitizeGroupName('1st-floor')).toBe('_st_floor');
    expect(sanitizeGroupName('Global/ Europe')).toBe('Global__Europe');
    expect(sanitizeGroupName('v_7.6.4')).toBe('v_7_6_4');
    expect(sanitizeGroupName('Zürich_ok')).toBe('Zürich_ok');
  });

  it('keyed_groups: prefix + separator + value, sanitised; an empty prefix keeps the leading separator unless told', () => {
    const m = mapFmcAnswers(answers(), cfg({ keyedGroups: [kg('model', 'model'), kg('sw_version', 'v'), kg('healthStatus'), kg('fmc_ha_role', 'role', { separator: '-' }), kg('license_caps', 'cap'), kg('ftdMode')] }));
    expect(m.hosts[0].groups).toEqual(['ftd', 'Lab', 'model_Cisco_Firepower_Threat_Defense_for_VMWare', 'v_6_5_0', '_green', 'cap_BASE', '_ROUTED']);
    const bare = mapFmcAnswers(answers(), cfg({ keyedGroups: [kg('ftdMode')], leadingSeparator: false }));
    expect(bare.hosts[0].groups).toEqual(['ftd', 'Lab', 'ROUTED']);
    expect(m.hosts[1].groups).toContain('role_primary');
    expect(m.hosts[3].groups).toContain('v_7_6_4');
    // Cat has no HA role: no group, no error (Ansible's non-strict keyed_groups).
    expect(m.hosts[0].groups.some((g) => g.startsWith('role'))).toBe(false);
  });

  it('compose sets variables from field paths of the record; a missing field sets nothing', () => {
    const m = mapFmcAnswers(answers(), cfg({ compose: { ansible_host: 'metadata.deviceSerialNumber', serial: 'metadata.deviceSerialNumber', first_cap: 'license_caps.0', nothing: 'no.such.field' } }));
    expect(m.hosts[1].vars).toMatchObject({ ansible_host: 'JAD11111111', serial: 'JAD11111111' });
    expect(m.hosts[0].vars).toMatchObject({ ansible_host: '10.17.11.155', first_cap: 'BASE' });
    expect(m.hosts.some((h) => 'nothing' in h.vars)).toBe(false);
  });

  it('a field path never reaches inherited properties', () => {
    expect(fieldAt({ a: {} }, 'a.constructor')).toBeUndefined();
    expect(fieldAt({ a: [1, 2] }, 'a.1')).toBe(2);
    expect(fieldAt({ a: [1, 2] }, 'a.length')).toBeUndefined();
  });

  it('include_fmc adds the FMC itself (platform fmc, ansible_host from the url)', () => {
    const m = mapFmcAnswers(answers(), cfg({ includeFmc: true }));
    expect(m.groups).toContain('fmc');
    expect(m.hosts.at(-1)).toEqual({
      name: 'fmc.example.net',
      groups: ['fmc'],
      vars: { platform: 'fmc', ansible_host: 'fmc.example.net', fmc_url: 'https://fmc.example.net', fmc_domain: 'Global', fmc_domain_uuid: DOMAIN_UUID, fmc_server_version: '7.6.4 (build 31)' },
    });
    expect(mapFmcAnswers(answers(), cfg()).hosts.some((h) => h.vars.platform === 'fmc')).toBe(false);
  });

  it('two devices of one name are refused, not merged', () => {
    const devices = [...structuredClone(DEVICES), { ...structuredClone(DEVICES[0]), id: 'other' }];
    expect(() => mapFmcAnswers(answers({ devices }), cfg())).toThrow(/two devices named 'Cat'/);
  });
});

const ANSIBLE_INVENTORY = requireProgram('firebook.fmc keyed_groups parity', ['/usr/bin/ansible-inventory', '/usr/local/bin/ansible-inventory'], 'apt-get install ansible-core');

describe.skipIf(!ANSIBLE_INVENTORY)('keyed_groups names equal those of the real Ansible constructed plugin', () => {
  it.each([true, false])('leading_separator: %s', (leading) => {
    // Without deviceGroup: only the keyed groups are compared.
    const devices = [...structuredClone(DEVICES).map(({ deviceGroup: _g, ...d }: Record<string, unknown>) => d as (typeof DEVICES)[number]), { id: 'odd', name: 'odd-1', model: 'FPR 4110 (SM-24) / Zürich', sw_version: '7.2.5-208', healthStatus: '1-red', license_caps: ['THREAT', 'URL Filtering'], ftdMode: '' }];
    const keyed = [kg('model', 'model'), kg('sw_version', 'v'), kg('healthStatus'), kg('license_caps', 'cap', { separator: '-' }), kg('ftdMode')];
    const ours = mapFmcAnswers(answers({ devices, deviceGroups: [], haPairs: [] }), cfg({ keyedGroups: keyed, leadingSeparator: leading }));
    const fields = ['model', 'sw_version', 'healthStatus', 'license_caps', 'ftdMode'];
    const hosts = Object.fromEntries(devices.map((d) => [d.name, Object.fromEntries(fields.filter((f) => f in d).map((f) => [f, (d as Record<string, unknown>)[f]]))]));
    const root = writeTree({
      'a.yml': JSON.stringify({ all: { hosts } }),
      'b.constructed.yml': JSON.stringify({ plugin: 'constructed', leading_separator: leading, keyed_groups: keyed.map((k) => ({ key: k.key, prefix: k.prefix, separator: k.separator })) }),
    });
    const out = execFileSync(ANSIBLE_INVENTORY!, ['-i', join(root, 'a.yml'), '-i', join(root, 'b.constructed.yml'), '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_INVENTORY_ENABLED: 'yaml,constructed', ANSIBLE_NOCOLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const theirs = JSON.parse(out) as Record<string, { hosts?: string[] }>;
    for (const h of ours.hosts) {
      const expected = Object.entries(theirs).filter(([g, v]) => g !== '_meta' && v.hosts?.includes(h.name) && g !== 'ungrouped').map(([g]) => g).sort();
      expect(h.groups.filter((g) => g !== 'ftd').sort(), h.name).toEqual(expected);
    }
    expect(ours.hosts.at(-1)!.groups).toContain('model_FPR_4110__SM_24____Zürich');
    expect(ours.hosts.at(-1)!.groups).toContain(leading ? '_1_red' : '__red'); // a leading digit becomes _, as in Ansible
  });
});

describe('device group members that name an HA pair', () => {
  it('by name only (no id): both units join', () => {
    const deviceGroups = [{ id: 'g-9', type: 'DeviceGroup', name: 'Core', members: [{ type: 'DeviceHAPair', name: 'ha-dc1' }] }];
    const m = mapFmcAnswers(answers({ deviceGroups }), cfg());
    expect(m.hosts.filter((h) => h.groups.includes('Core')).map((h) => h.name)).toEqual(['ftd-dc1-01', 'ftd-dc1-02']);
  });
});

describe('compose replaces a mapped variable (a field an FMC release names differently)', () => {
  it('fmc_is_connected from another field', () => {
    const m = mapFmcAnswers(answers(), cfg({ compose: { fmc_is_connected: 'metadata.isPartOfContainer' } }));
    expect(m.hosts[0].vars.fmc_is_connected).toBe(false);
    expect(m.hosts[1].vars.fmc_is_connected).toBe(true);
  });
});
