/** `firebook lab --fmc`: the FMC emulator beside the SSH lab, managing the lab's FTDs (HA pairs
 * and device groups among them), and the files to reach both: its CA, an `fmc.yml` inventory
 * (`plugin: firebook.fmc`) and `host_vars/` / `group_vars/` beside it with the SSH settings
 * the FMC does not know (ports, user, password, known_hosts). See docs/fmc.md ("The lab's FMC"). */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';
import { regionOfSpec, type SseRegion } from './regions.js';
import { startFmcEmulator, type FmcDeviceSpec, type FmcEmulator, type FmcEmulatorOptions, type FmcHaPairSpec } from './fmc-emulator.js';
import { shellWord } from './lab.js';
import type { Lab } from './types.js';

/** The FMC's cloud-region name for an SSE region (the FMC's value format is UNCONFIRMED: docs/fmc.md). */
export const FMC_CLOUD_REGION: Record<SseRegion, string> = { us: 'us-east-1', eu: 'eu-central-1', apj: 'ap-northeast-1' };

/** What the FMC of a lab knows: the lab's FTDs, each 4 in a row the first two an HA pair, pairs
 * of two alternately in groups dg-east / dg-west, and the last unpaired FTD in the child domain. */
export function fmcFleetOfLab(hosts: Lab['hosts']): { devices: FmcDeviceSpec[]; haPairs: FmcHaPairSpec[] } {
  const ftds = hosts.filter((h) => h.platform === 'ftd');
  const devices: FmcDeviceSpec[] = ftds.map((h, i) => ({
    name: h.name,
    hostName: h.address,
    model: 'Cisco Firepower Threat Defense for VMware',
    sw_version: h.version ?? '6.5.0',
    healthStatus: h.scenario === undefined || h.scenario === 'healthy' || h.scenario.startsWith('region-') ? 'green' : 'yellow',
    isConnected: true,
    deviceGroup: Math.floor(i / 2) % 2 === 0 ? 'dg-east' : 'dg-west',
  }));
  const haPairs: FmcHaPairSpec[] = [];
  for (let i = 0; i + 1 < ftds.length; i += 4) haPairs.push({ name: `ha-${ftds[i].name}-${ftds[i + 1].name}`, primary: ftds[i].name, secondary: ftds[i + 1].name });
  const last = devices.length - 1;
  if (devices.length >= 3 && last % 4 !== 0 && last % 4 !== 1) devices[last].domain = 'Lab';
  return { devices, haPairs };
}

export interface LabFmc {
  emulator: FmcEmulator;
  /** The `plugin: firebook.fmc` inventory file. */
  inventoryPath: string;
  /** The password to put in FMC_PASSWORD. */
  password: string;
  stop(): Promise<void>;
}

/** Starts the lab's FMC (stop it before the lab: it writes into the lab's folder). */
export async function startLabFmc(lab: Lab, opts: { user?: string } & Partial<Omit<FmcEmulatorOptions, 'devices' | 'dir'>> = {}): Promise<LabFmc> {
  const dir = dirname(lab.inventoryPath);
  const fleet = fmcFleetOfLab(lab.hosts);
  const fmcHost = lab.hosts.find((h) => h.platform === 'fmc');
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const emulator = await startFmcEmulator({
    ...fleet,
    fmcName: fmcHost?.name ?? 'fmc',
    serverVersion: `${fmcHost?.version ?? '7.2.4'} (build 1)`,
    cloudRegion: FMC_CLOUD_REGION[fmcHost ? regionOfSpec(fmcHost) : 'us'],
    ...opts,
    password,
    dir,
  });
  try {
    await mkdir(join(dir, 'host_vars'), { recursive: true });
    await mkdir(join(dir, 'group_vars'), { recursive: true });
    for (const h of lab.hosts) {
      const region = regionOfSpec(h);
      const vars = stringify({ ansible_port: h.port, ...(region !== 'us' ? { sse_region: region } : {}) });
      await writeFile(join(dir, 'host_vars', `${h.name}.yml`), vars);
      // include_fmc names the FMC host by the url's host name (docs/fmc.md "The mapping").
      if (h === fmcHost) await writeFile(join(dir, 'host_vars', `${new URL(emulator.url).hostname}.yml`), vars);
    }
    await writeFile(
      join(dir, 'group_vars', 'all.yml'),
      stringify({ ansible_user: opts.user ?? 'admin', ansible_password: lab.password, ansible_ssh_common_args: `-o ${shellWord(`UserKnownHostsFile=${lab.knownHostsPath}`)}` }),
    );
    const inventoryPath = join(dir, 'fmc.yml');
    await writeFile(
      inventoryPath,
      '# firebook lab: the FMC emulator as an inventory source (generated); export FMC_PASSWORD first\n' +
        stringify({ plugin: 'firebook.fmc', url: emulator.url, username: emulator.username, password_env: 'FMC_PASSWORD', ca_file: emulator.caFile, include_fmc: true }),
    );
    return { emulator, inventoryPath, password, stop: () => emulator.close() };
  } catch (err) {
    await emulator.close();
    throw err;
  }
}
