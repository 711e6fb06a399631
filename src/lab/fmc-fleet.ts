/** What the lab's FMC knows: its devices, HA pairs, device groups, two domains and cloud settings,
 * and the API's answer for a collection path in a domain (docs/fmc.md "The lab's FMC"). The
 * HTTPS side — logins, tokens, the limiter, faults — is fmc-emulator.ts. */
import { randomUUID } from 'node:crypto';
import type { FmcDeviceSpec, FmcEmulatorOptions, FmcHaPairSpec } from './fmc-emulator.js';

type Json = Record<string, unknown>;

/** `count` generated devices: every 10th and 11th form an HA pair, groups by tens of hundreds. */
export function generateFmcFleet(count: number): { devices: FmcDeviceSpec[]; haPairs: FmcHaPairSpec[] } {
  const width = Math.max(4, String(count).length);
  const devices: FmcDeviceSpec[] = [];
  const haPairs: FmcHaPairSpec[] = [];
  for (let i = 0; i < count; i++) {
    const n = i + 1;
    devices.push({
      name: `ftd${String(n).padStart(width, '0')}`,
      hostName: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      model: i % 3 === 0 ? 'Cisco Firepower 2130 Threat Defense' : 'Cisco Firepower Threat Defense for VMware',
      sw_version: i % 4 === 0 ? '7.2.4' : '6.5.0',
      healthStatus: i % 17 === 0 ? 'red' : 'green',
      isConnected: i % 23 !== 0,
      deviceGroup: `dg-${String(Math.floor(i / 1000) + 1).padStart(2, '0')}`,
    });
  }
  for (let i = 0; i + 1 < count; i += 10) haPairs.push({ name: `ha-${devices[i].name}`, primary: devices[i].name, secondary: devices[i + 1].name });
  return { devices, haPairs };
}

/** The emulator's data, from its options (read live: setIntegration changes them). */
export function fmcFleet(opts: FmcEmulatorOptions) {
  const generated = typeof opts.devices === 'number' ? generateFmcFleet(opts.devices) : undefined;
  const globalUuid = randomUUID();
  const childUuid = randomUUID();
  const childName = `Global/ ${opts.childDomain ?? 'Lab'}`;
  const devices = (generated?.devices ?? (opts.devices as FmcDeviceSpec[])).map((d) => ({ ...d, id: d.id ?? randomUUID() }));
  const byName = new Map(devices.map((d) => [d.name, d]));
  const haPairs = (generated?.haPairs ?? opts.haPairs ?? []).map((p) => {
    if (!byName.has(p.primary) || !byName.has(p.secondary)) throw new Error(`fmc emulator: HA pair '${p.name}' names an unknown device`);
    return { ...p, id: randomUUID() };
  });
  const pairOf = new Map<string, { pair: (typeof haPairs)[number]; role: 'PRIMARY' | 'SECONDARY' }>();
  for (const pair of haPairs) {
    pairOf.set(pair.primary, { pair, role: 'PRIMARY' });
    pairOf.set(pair.secondary, { pair, role: 'SECONDARY' });
  }
  const groupIds = new Map<string, string>();
  for (const d of devices) if (d.deviceGroup && !groupIds.has(d.deviceGroup)) groupIds.set(d.deviceGroup, randomUUID());

  const singletons = { region: randomUUID(), securex: randomUUID(), events: randomUUID() };
  const domainOf = (uuid: string) => (uuid === globalUuid ? 'Global' : uuid === childUuid ? childName : undefined);
  const domainRef = (d: { domain?: string }) => (d.domain ? { name: childName, id: childUuid, type: 'Domain' } : { name: 'Global', id: globalUuid, type: 'Domain' });
  const inDomain = (d: { domain?: string }, uuid: string) => uuid === globalUuid || (uuid === childUuid && d.domain !== undefined);

  function deviceItem(d: (typeof devices)[number], base: string): Json {
    const ha = pairOf.get(d.name);
    const group = d.deviceGroup ? { id: groupIds.get(d.deviceGroup), name: d.deviceGroup, type: 'DeviceGroup' } : undefined;
    return {
      id: d.id,
      type: 'Device',
      name: d.name,
      links: { self: `${base}/devices/devicerecords/${d.id}` },
      description: 'NOT SUPPORTED',
      model: d.model ?? 'Cisco Firepower Threat Defense for VMware',
      modelType: 'Sensor',
      healthStatus: d.healthStatus ?? 'green',
      sw_version: d.sw_version ?? '6.5.0',
      hostName: d.hostName,
      isConnected: d.isConnected ?? true,
      ...(group ? { deviceGroup: group } : {}),
      ftdMode: 'ROUTED',
      metadata: {
        readOnly: { state: false },
        domain: domainRef(d),
        isPartOfContainer: ha !== undefined,
        ...(ha ? { containerDetails: { id: ha.pair.id, name: ha.pair.name, type: 'DeviceHAPair', role: ha.role, status: ha.role === 'PRIMARY' ? 'Active' : 'Standby' } } : {}),
      },
    };
  }

  /** True when the FMC's version is at least `min` (endpoints newer than the FMC answer 404). */
  const atLeast = (min: string) => {
    const have = (opts.serverVersion ?? '7.2.4').split(/[ .]/).map(Number);
    const want = min.split('.').map(Number);
    for (let i = 0; i < want.length; i++) if ((have[i] || 0) !== want[i]) return (have[i] || 0) > want[i];
    return true;
  };

  function collection(domainUuid: string, rest: string): Json[] | Json | undefined {
    const base = `/api/fmc_config/v1/domain/${domainUuid}`;
    const mine = devices.filter((d) => inDomain(d, domainUuid));
    const ref = (d: { id: string; name: string }) => ({ id: d.id, name: d.name, type: 'Device' });
    switch (rest) {
      case '/devices/devicerecords':
        return mine.map((d) => deviceItem(d, base));
      case '/devicehapairs/ftddevicehapairs':
        return haPairs
          .filter((p) => inDomain(byName.get(p.primary)!, domainUuid))
          .map((p) => ({ id: p.id, type: 'DeviceHAPair', name: p.name, primary: ref(byName.get(p.primary)!), secondary: ref(byName.get(p.secondary)!), healthStatus: 'green', sw_version: byName.get(p.primary)!.sw_version ?? '6.5.0', status: 'Active/Standby' }));
      case '/devicegroups/devicegrouprecords':
        return [...groupIds].map(([name, id]) => ({ id, type: 'DeviceGroup', name, members: mine.filter((d) => d.deviceGroup === name).map(ref) }));
      case '/integration/cloudregions':
        if (!atLeast('6.5')) return undefined;
        return [{ id: singletons.region, type: 'CloudRegion', name: opts.cloudRegion ?? 'us-east-1', current: true, domain: domainRef({}) }];
      case '/integration/securexconfigs':
        if (!atLeast('7.0')) return undefined;
        return [{ id: singletons.securex, type: 'SecurexConfig', name: 'SecureX', enabled: opts.securexEnabled ?? true }];
      case '/integration/cloudeventsconfigs': {
        if (!atLeast('6.4')) return undefined;
        const send = opts.cloudEvents ?? true;
        return [{ id: singletons.events, type: 'CloudEventsConfig', name: 'CloudEventsConfig', sendIntrusionEvents: send, sendFileEvents: send, sendConnectionEvents: send, sendAllConnectionEvents: false }];
      }
      default: {
        const m = /^\/devices\/devicerecords\/([^/]+)$/.exec(rest);
        const d = m ? mine.find((x) => x.id === m[1]) : undefined;
        return d ? deviceItem(d, base) : undefined;
      }
    }
  }

  return { devices, byName, haPairs, globalUuid, childUuid, childName, domainOf, collection };
}
