/**
 * Recorded FMC REST answers for the firebook.fmc inventory tests, and a reader that serves
 * them: a real in-process object with the FmcReader interface (no mock library), which
 * counts its requests and refuses paths outside the logged-in domain.
 *
 * source: docs/fmc.md "The inventory source" → "Field names and their sources". The device
 * record `Cat` is the FMC 6.5 devicerecords item quoted there, field for field;
 * `isConnected`, `deviceGroup` and `metadata.deviceSerialNumber` follow the 7.6.4 capture it
 * cites; the HA pair (`primary`/`secondary` references) and device groups (`name`, `members`)
 * follow the documented fields of ftddevicehapairs and devicegrouprecords.
 */
import type { FmcConnect, FmcConnectSettings, FmcReader } from '../../src/inventory/index.js';

export const DOMAIN_UUID = 'e276abec-e0f2-11e3-8169-6d9ed49b625f';
export const CANARY_PASSWORD = 'Canary-FMC-pw-7f3a9c';

/** The 6.5 record, as quoted in docs/fmc.md. */
const CAT = {
  id: '966e41da-a0f7-11ea-b9d2-a72388220492',
  type: 'Device',
  name: 'Cat',
  description: 'NOT SUPPORTED',
  model: 'Cisco Firepower Threat Defense for VMWare',
  modelId: 'A',
  modelNumber: '75',
  modelType: 'Sensor',
  healthStatus: 'green',
  sw_version: '6.5.0',
  healthPolicy: { id: 'b352b258-a102-11ea-b0fe-b993706bf961', type: 'HealthPolicy', name: 'Initial_Health_Policy 2020-05-28 16:45:55' },
  accessPolicy: { name: 'Basic IPS', id: '000c290c-de43-0ed3-0000-004294967320', type: 'AccessPolicy' },
  hostName: '10.17.11.155',
  license_caps: ['BASE'],
  keepLocalEvents: false,
  prohibitPacketTransfer: true,
  ftdMode: 'ROUTED',
  metadata: {
    readOnly: { state: false },
    inventoryData: { cpuCores: '1 CPU (4 cores)', cpuType: 'CPU Lynnfield 3408 MHz', memoryInMB: '8192' },
    domain: { name: 'Global', id: DOMAIN_UUID, type: 'Domain' },
    isPartOfContainer: false,
    isMultiInstance: false,
  },
};

const HA_ID = '0a1b2c3d-1111-4222-8333-944455556666';

/** A 7.x-shaped device (isConnected, deviceGroup, deviceSerialNumber). */
function ftd(id: string, name: string, hostName: string, extra: Record<string, unknown> = {}, meta: Record<string, unknown> = {}) {
  return {
    id,
    type: 'Device',
    name,
    model: 'Cisco Firepower 2130 Threat Defense',
    healthStatus: 'green',
    sw_version: '7.6.4',
    hostName,
    isConnected: true,
    ftdMode: 'ROUTED',
    metadata: { domain: { name: 'Global', id: DOMAIN_UUID, type: 'Domain' }, deviceSerialNumber: `JAD${id.slice(0, 8).toUpperCase()}`, ...meta },
    ...extra,
  };
}

export const DEVICES = [
  CAT,
  ftd('11111111-aaaa-4bbb-8ccc-000000000001', 'ftd-dc1-01', '192.0.2.11', {}, { isPartOfContainer: true, containerDetails: { id: HA_ID, name: 'ha-dc1', type: 'DeviceHAPair', role: 'PRIMARY', status: 'Active' } }),
  ftd('11111111-aaaa-4bbb-8ccc-000000000002', 'ftd-dc1-02', '192.0.2.12', { healthStatus: 'yellow' }, { isPartOfContainer: true, containerDetails: { id: HA_ID, name: 'ha-dc1', type: 'DeviceHAPair', role: 'SECONDARY', status: 'Standby' } }),
  ftd('11111111-aaaa-4bbb-8ccc-000000000003', 'ftd-br-7', 'br7.example.net', { isConnected: false, healthStatus: 'red', deviceGroup: { id: 'g-3', name: 'Branch offices', type: 'DeviceGroup' } }),
];

export const HA_PAIRS = [
  {
    id: HA_ID,
    type: 'DeviceHAPair',
    name: 'ha-dc1',
    primary: { id: '11111111-aaaa-4bbb-8ccc-000000000001', type: 'Device', name: 'ftd-dc1-01' },
    secondary: { id: '11111111-aaaa-4bbb-8ccc-000000000002', type: 'Device', name: 'ftd-dc1-02' },
    healthStatus: 'green',
    ftdHABootstrap: { isEncryptionEnabled: false },
  },
];

export const DEVICE_GROUPS = [
  { id: 'g-1', type: 'DeviceGroup', name: 'DC 1', members: [{ id: HA_ID, type: 'DeviceHAPair', name: 'ha-dc1' }] },
  { id: 'g-2', type: 'DeviceGroup', name: 'Lab', members: [{ id: CAT.id, type: 'Device', name: 'Cat' }] },
];

/** path (relative to the domain) → items. */
export const RECORDED: Record<string, Record<string, unknown>[]> = {
  '/devices/devicerecords': DEVICES,
  '/devicehapairs/ftddevicehapairs': HA_PAIRS,
  '/devicegroups/devicegrouprecords': DEVICE_GROUPS,
};

/** An FMC that answers from RECORDED: counts logins and GETs, remembers the settings it got. */
export class RecordedFmc {
  logins = 0;
  gets: string[] = [];
  settings: FmcConnectSettings[] = [];
  constructor(readonly answers: Record<string, Record<string, unknown>[]> = RECORDED, readonly failWith?: Error) {}

  readonly connect: FmcConnect = async (settings) => {
    this.logins++;
    this.settings.push(settings);
    if (this.failWith) throw this.failWith;
    const gets = this.gets;
    const answers = this.answers;
    const reader: FmcReader = {
      domainUuid: DOMAIN_UUID,
      domainName: 'Global',
      serverVersion: '7.6.4 (build 31)',
      async getAll(path) {
        gets.push(path);
        const prefix = `/api/fmc_config/v1/domain/${DOMAIN_UUID}`;
        if (!path.startsWith(prefix)) throw new Error(`outside the domain: ${path}`);
        const items = answers[path.slice(prefix.length)];
        if (!items) throw new Error(`not recorded: ${path}`);
        return structuredClone(items);
      },
    };
    return reader;
  };
}

/** An error shaped as src/fmc's FmcError (triage + next step). */
export class TriagedError extends Error {
  constructor(message: string, readonly triage: string, readonly nextStep: string) {
    super(message);
  }
}

export const FMC_YML = (extra = '') => `plugin: firebook.fmc
url: https://fmc.example.net
username: firebook-ro
password_env: FMC_PASSWORD
${extra}`;
