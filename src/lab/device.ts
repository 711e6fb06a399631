/** One simulated device: its resolved profile and the state commands read and change. */
import type { CommandLogEntry, LabDeviceState, LabFaults, LabHostSpec, ScenarioName } from './types.js';
import { regionOfHost, regionOfSpec, type SseRegion } from './regions.js';

/** Resolvers that answer in the lab; any other DNS server is unreachable. */
export const GOOD_RESOLVERS: readonly string[] = ['192.0.2.53', '192.0.2.54'];
/** The unreachable resolver the dns-broken scenario starts with. */
export const BROKEN_RESOLVER = '203.0.113.53';
/** Most log entries kept per host, so a long soak run stays small. */
const MAX_LOG_ENTRIES = 5000;

/** Build numbers per version (banner, show version); unknown versions get a plausible one. */
const BUILDS: Record<string, { build: number; osBuild: number }> = {
  '6.5.0': { build: 115, osBuild: 4 },
  '6.6.1': { build: 91, osBuild: 14 },
  '6.7.0': { build: 65, osBuild: 7 },
  '7.0.1': { build: 84, osBuild: 6 },
  '7.2.4': { build: 165, osBuild: 6 },
};

/** Everything fixed about a host once the lab starts. */
export interface DeviceProfile {
  name: string;
  platform: 'ftd' | 'fmc';
  version: string;
  build: number;
  osBuild: number;
  scenario: ScenarioName;
  fmcLogin: 'cli' | 'bash';
  /** SSE region the device is registered to (its connector.properties, logs and allowed egress). */
  sseRegion: SseRegion;
  /** PS1 of the expert and root shells. */
  ps1: string;
  faults: LabFaults;
  /** 7.x changes product names, drops the expert notice and moves home to /Volume. */
  isSevenX: boolean;
  /** Admin's home directory (6.x `/home/admin`, 7.x `/Volume/home/admin`, Cisco doc 225502). */
  home: string;
  /** Last octet source for the 192.0.2.x management address. */
  index: number;
  uuid: string;
  haGroup?: string;
  haRole?: 'primary' | 'secondary';
}

/** Fills the defaults of a host spec. */
export function resolveProfile(spec: LabHostSpec, index: number, labLatencyMs?: number): DeviceProfile {
  const scenario = spec.scenario ?? 'healthy';
  const version = spec.version ?? (scenario === 'newer-release' ? '7.2.4' : spec.platform === 'fmc' ? '6.6.1' : '6.5.0');
  const builds = BUILDS[version] ?? { build: 100 + (index % 50), osBuild: 5 };
  const isSevenX = Number(version.split('.')[0]) >= 7;
  const faults: LabFaults = { ...spec.faults };
  if (faults.latencyMs === undefined && labLatencyMs !== undefined) faults.latencyMs = labLatencyMs;
  const hex = (index + 1).toString(16).padStart(12, '0');
  return {
    name: spec.name,
    platform: spec.platform,
    version,
    build: builds.build,
    osBuild: builds.osBuild,
    scenario,
    fmcLogin: spec.fmcLogin ?? 'cli',
    sseRegion: regionOfSpec(spec),
    ps1: spec.ps1 ?? '\\u@\\h:\\w\\$ ',
    faults,
    isSevenX,
    home: isSevenX ? '/Volume/home/admin' : '/home/admin',
    index,
    uuid: `9d4b06f4-f4d2-11e9-8c86-${hex}`,
    ...(spec.haGroup !== undefined ? { haGroup: spec.haGroup, haRole: spec.haRole ?? 'primary' } : {}),
  };
}

/** Mutable per-host state, shared by every connection to that host. */
export class Device {
  readonly profile: DeviceProfile;
  readonly user: string;
  readonly password: string;
  dnsServers: string[];
  connectorRunning = true;
  /** pmtool restarts so far (the connector's pid changes). */
  restarts = 0;
  socketConnected: boolean;
  /** sudo lectures once per user per host (its "lectured" file survives logouts). */
  lectured = false;
  /** The other unit of this device's HA pair (set by startLab), if any. */
  mate?: Device;
  /** Files written by redirections or `curl -o`. */
  readonly writtenFiles = new Map<string, string>();
  private readonly log: CommandLogEntry[] = [];

  constructor(profile: DeviceProfile, user: string, password: string) {
    this.profile = profile;
    this.user = user;
    this.password = password;
    this.dnsServers = profile.scenario === 'dns-broken' ? [BROKEN_RESOLVER] : [GOOD_RESOLVERS[0]];
    this.socketConnected = profile.scenario !== 'eventhandler-detached';
    this.connectorRunning = profile.scenario !== 'connector-stopped';
  }

  /** True when at least one configured resolver answers (resolv.conf falls through). */
  isDnsWorking(): boolean {
    return this.dnsServers.some((s) => GOOD_RESOLVERS.includes(s));
  }

  /** True when outbound 443 (to `host`, if given) is dropped upstream: everything in the
   * egress-blocked scenario, and another region's SSE hosts for every device. */
  isEgressBlocked(host?: string): boolean {
    if (this.profile.scenario === 'egress-blocked') return true;
    const region = host !== undefined ? regionOfHost(host) : undefined;
    return region !== undefined && region !== this.profile.sseRegion;
  }

  /** True when an upstream proxy decrypts and re-signs HTTPS (certificates from its own CA). */
  isTlsIntercepted(): boolean {
    return this.profile.scenario === 'tls-intercepted';
  }

  /** Set once the rebootOnCommand fault fired; new connections are reset until downUntilMs. */
  rebooted = false;
  downUntilMs = 0;

  /** True when `line` triggers the rebootOnCommand fault now (at most once per lab). */
  rebootsOn(line: string): boolean {
    const f = this.profile.faults;
    if (!f.rebootOnCommand || this.rebooted || !line.includes(f.rebootOnCommand)) return false;
    this.rebooted = true;
    this.downUntilMs = Date.now() + (f.rebootDownMs ?? 0);
    return true;
  }

  /** Records one input line. */
  record(level: CommandLogEntry['level'], line: string): void {
    if (this.log.length >= MAX_LOG_ENTRIES) this.log.shift();
    this.log.push({ time: new Date().toISOString(), level, line });
  }

  /** A copy of the command log. */
  commandLog(): CommandLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }

  /** The observable state (a copy). */
  snapshot(): LabDeviceState {
    return {
      dnsServers: [...this.dnsServers],
      connectorRunning: this.connectorRunning,
      socketConnected: this.socketConnected,
    };
  }

  /** The 192.0.2.x management address (avoids the .53/.54 resolvers). */
  managementAddress(): string {
    return `192.0.2.${100 + (this.profile.index % 150)}`;
  }
}
