/** startLab: a fleet of simulated FTD/FMC devices, one SSH port each on 127.0.0.1, plus the
 * inventory, known_hosts and client key files a runner needs to reach them. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { stringify } from 'yaml';
import { Device, resolveProfile } from './device.js';
import { HostServer } from './host-server.js';
import { regionOfSpec } from './regions.js';
import { generateClientKey, generateEd25519, knownHostsLine } from './keys.js';
import type { Lab, LabHostSpec, LabOptions, ScenarioName } from './types.js';

/** Every `FMC_EVERY`-th generated host is an FMC. */
const FMC_EVERY = 5;

/** Host specs for `hosts: N`: ftd01.., with every 5th an FMC (alternating cli/bash login). */
export function generateHostSpecs(count: number, scenarios: ScenarioName[] = ['healthy']): LabHostSpec[] {
  const width = Math.max(2, String(count).length);
  const specs: LabHostSpec[] = [];
  let ftd = 0;
  let fmc = 0;
  for (let i = 0; i < count; i++) {
    const scenario = scenarios[i % scenarios.length];
    if (i % FMC_EVERY === FMC_EVERY - 1) {
      fmc++;
      specs.push({ name: `fmc${String(fmc).padStart(width, '0')}`, platform: 'fmc', scenario, fmcLogin: fmc % 2 === 0 ? 'bash' : 'cli' });
    } else {
      ftd++;
      specs.push({ name: `ftd${String(ftd).padStart(width, '0')}`, platform: 'ftd', scenario });
    }
  }
  return specs;
}

/** Links the two units of each `haGroup` (each device's `mate`); a group must be two FTDs. */
function linkHaPairs(specs: LabHostSpec[], devices: Map<string, Device>): void {
  const groups = new Map<string, LabHostSpec[]>();
  for (const s of specs) if (s.haGroup !== undefined) groups.set(s.haGroup, [...(groups.get(s.haGroup) ?? []), s]);
  for (const [group, members] of groups) {
    if (members.length > 2 || members.some((m) => m.platform !== 'ftd')) throw new Error(`lab: HA group '${group}' must be at most two FTDs`);
    if (members.length === 2) {
      const [a, b] = members.map((m) => devices.get(m.name)!);
      a.mate = b;
      b.mate = a;
      if (a.profile.haRole === b.profile.haRole) b.profile.haRole = a.profile.haRole === 'primary' ? 'secondary' : 'primary';
    }
  }
}

/** A word for ssh args, quoted the way shlex (and so firebook and Ansible) splits it back. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** The Ansible YAML inventory text for the running hosts. With `knownHostsPath`, the inventory
 * names the lab's known_hosts the way Ansible users do (`ansible_ssh_common_args: -o
 * UserKnownHostsFile=…`), so `firebook run -i <it>` verifies the lab's keys with no other flag. */
export function renderInventory(hosts: Array<LabHostSpec & { port: number }>, user: string, password: string, knownHostsPath?: string): string {
  const groups: Record<string, { hosts: Record<string, unknown> }> = { ftd: { hosts: {} }, fmc: { hosts: {} } };
  for (const h of hosts) {
    const region = regionOfSpec(h);
    groups[h.platform].hosts[h.name] = { ansible_host: '127.0.0.1', ansible_port: h.port, ansible_user: user, ansible_password: password, platform: h.platform, ...(region !== 'us' ? { sse_region: region } : {}), ...(h.haGroup !== undefined ? { ha_group: h.haGroup } : {}) };
    const group = `scenario_${(h.scenario ?? 'healthy').replace(/-/g, '_')}`;
    groups[group] ??= { hosts: {} };
    groups[group].hosts[h.name] = null;
  }
  const vars = knownHostsPath ? { vars: { ansible_ssh_common_args: `-o ${shellWord(`UserKnownHostsFile=${knownHostsPath}`)}` } } : {};
  return '# firebook device lab inventory (generated)\n' + stringify({ all: { ...vars, children: groups } });
}

/** Each running lab's devices, for the in-process readers of their state (the lab's bundles,
 * lab/bundles.ts); not part of the `Lab` interface. */
const LAB_DEVICES = new WeakMap<Lab, ReadonlyMap<string, Device>>();

/** The devices of a lab started by startLab, by host name. */
export function labDevices(lab: Lab): ReadonlyMap<string, Device> {
  const devices = LAB_DEVICES.get(lab);
  if (!devices) throw new Error('lab: not a lab started by startLab');
  return devices;
}

/** Starts the lab; resolves once every host listens. */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const specs = typeof opts.hosts === 'number' ? generateHostSpecs(opts.hosts, opts.scenarios?.length ? opts.scenarios : undefined) : opts.hosts;
  const names = new Set<string>();
  for (const s of specs) {
    if (names.has(s.name)) throw new Error(`lab: duplicate host name '${s.name}'`);
    names.add(s.name);
  }
  const user = opts.user ?? 'admin';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'firebook-lab-')));
  await mkdir(dir, { recursive: true });

  const clientKey = generateClientKey();
  const parsed = ssh2.utils.parseKey(clientKey.publicLine);
  if (parsed instanceof Error) throw parsed;
  const clientKeys: ParsedKey[] = Array.isArray(parsed) ? parsed : [parsed];
  const lastLogin = new Date(Date.now() - 26 * 3600_000);

  const devices = new Map<string, Device>();
  const servers: HostServer[] = [];
  const running: Array<LabHostSpec & { port: number; address: '127.0.0.1' }> = [];
  const hostLines: string[] = [];
  try {
    const ports = await Promise.all(
      specs.map((spec, index) => {
        const device = new Device(resolveProfile(spec, index, opts.latencyMs), user, password);
        devices.set(spec.name, device);
        const key = generateEd25519(`${spec.name}@firebook-lab`);
        const server = new HostServer({ device, hostPrivateKey: key.privateKey, clientKeys, lastLogin });
        servers.push(server);
        return server.listen(0).then((port) => ({ port, key }));
      }),
    );
    linkHaPairs(specs, devices);
    specs.forEach((spec, i) => {
      const { port, key } = ports[i];
      const p = devices.get(spec.name)!.profile;
      running.push({ ...spec, version: p.version, scenario: p.scenario, ...(spec.platform === 'fmc' ? { fmcLogin: p.fmcLogin } : {}), port, address: '127.0.0.1' });
      hostLines.push(knownHostsLine(port, key.publicLine));
    });
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    if (ownsDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const inventoryPath = join(dir, 'inventory.yml');
  const knownHostsPath = join(dir, 'known_hosts');
  const clientKeyPath = join(dir, 'id_ed25519');
  await writeFile(inventoryPath, renderInventory(running, user, password, knownHostsPath));
  await writeFile(knownHostsPath, hostLines.join('\n') + '\n');
  await writeFile(clientKeyPath, clientKey.privateKey, { mode: 0o600 });
  await writeFile(clientKeyPath + '.enc', clientKey.encryptedPrivateKey, { mode: 0o600 });
  await writeFile(clientKeyPath + '.pub', clientKey.publicLine + '\n');

  let stopped: Promise<void> | undefined;
  const deviceOf = (host: string): Device => {
    const d = devices.get(host);
    if (!d) throw new Error(`lab: no host named '${host}'`);
    return d;
  };
  const lab: Lab = {
    hosts: running,
    inventoryPath,
    knownHostsPath,
    clientKeyPath,
    password,
    commandLog: (host) => deviceOf(host).commandLog(),
    openConnections: () => servers.reduce((n, s) => n + s.openConnections, 0),
    state: (host) => deviceOf(host).snapshot(),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(servers.map((s) => s.stop()));
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      })()),
  };
  LAB_DEVICES.set(lab, devices);
  return lab;
}
