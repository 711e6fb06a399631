/** Public types of the built-in device lab (a simulated FTD/FMC fleet over real SSH). */

/** A canned device condition that drives what the simulated commands print. */
export type ScenarioName =
  | 'healthy'
  | 'dns-broken'
  | 'egress-blocked'
  | 'eventhandler-detached'
  | 'connector-misconfigured'
  | 'newer-release'
  | 'expert-disabled'
  | 'connector-stopped'
  | 'tls-intercepted'
  | 'region-eu'
  | 'region-apj'
  // Health scenarios (docs/health.md "Lab"): one failure of playbooks/health.yml each.
  | 'tunnel-down'
  | 'registration-pending'
  | 'ha-unit-failed'
  | 'ha-split-brain'
  | 'disk-full'
  | 'ntp-unsynced'
  | 'process-down'
  | 'fdm-managed';

/** Every scenario, in the order generated hosts cycle through them by default. */
export const SCENARIOS: readonly ScenarioName[] = [
  'healthy',
  'dns-broken',
  'egress-blocked',
  'eventhandler-detached',
  'connector-misconfigured',
  'newer-release',
  'expert-disabled',
  'connector-stopped',
  'tls-intercepted',
  'region-eu',
  'region-apj',
  'tunnel-down',
  'registration-pending',
  'ha-unit-failed',
  'ha-split-brain',
  'disk-full',
  'ntp-unsynced',
  'process-down',
  'fdm-managed',
];

/** Misbehaviours a host can be told to show, for transport robustness tests. */
export interface LabFaults {
  /** Delay before each command's output. */
  latencyMs?: number;
  /** Delay between TCP accept and the SSH identification exchange. */
  handshakeDelayMs?: number;
  /** Reject every authentication attempt. */
  authFail?: boolean;
  /** Accepted auth methods (default all three). `['keyboard-interactive']` is how many
   * TACACS+/PAM-backed devices take a password. */
  authMethods?: Array<'password' | 'publickey' | 'keyboard-interactive'>;
  /** Substring: close the TCP connection abruptly when a command containing it runs. */
  dropOnCommand?: string;
  /** Substring: never answer that command (Ctrl-C still interrupts it). */
  hangOnCommand?: string;
  /** ANSI/OSC/BEL/NUL noise mixed into outputs (never inside a prompt). */
  garbageOutput?: boolean;
  /** `cat /var/log/huge.log` returns this many bytes. */
  hugeOutputBytes?: number;
  /** BEL after prompts. */
  bell?: boolean;
  /** CLISH pages long output with `--More--` (space continues, q quits). */
  pager?: boolean;
  /** The login asks for a new password before the first prompt (netmiko issue #3065). */
  forcePasswordChange?: boolean;
  /** Substring: the FIRST time a command containing it runs, the device "reboots": the TCP
   * connection drops at once and new connections are reset for `rebootDownMs`; after that it
   * answers again and the command works. */
  rebootOnCommand?: string;
  /** How long new connections are reset after a reboot (default 0). */
  rebootDownMs?: number;
  /** `cat /var/log/binary.dat` writes this many raw bytes: every byte value, invalid UTF-8,
   * NUL, lone CR, unterminated ESC/DCS/OSC introducers, no final newline. */
  binaryOutputBytes?: number;
  /** `cat /var/log/prompts.log` prints lines that look like prompts (`> `, `admin@x:~$ `,
   * `root@x:~# `, `Password: `, `--More--`). */
  promptLikeOutput?: boolean;
}

/** One simulated device. */
export interface LabHostSpec {
  name: string;
  platform: 'ftd' | 'fmc';
  /** Default 6.5.0 (FTD) / 6.6.1 (FMC); scenario 'newer-release' → 7.2.4. */
  version?: string;
  scenario?: ScenarioName;
  /** FMC lands on `>` (`cli`, default) or directly in bash (`bash`). */
  fmcLogin?: 'cli' | 'bash';
  /** SSE cloud region the device is registered to (default `us`; scenario 'region-apj' → `apj`,
   * 'region-eu' → `eu`: healthy devices of that region).
   * The inventory gets `sse_region` for a non-US device. */
  sseRegion?: 'us' | 'eu' | 'apj';
  /** bash PS1 of the expert and root shells (default `\u@\h:\w\$ `), e.g. a customised `.bashrc`
   * prompt with colours and non-ASCII: see FANCY_PS1. */
  ps1?: string;
  /** An HA pair: the two FTDs with the same `haGroup` are the pair's units (`haRole` primary:
   * Active, secondary: Standby Ready, each seeing the other). The inventory gets `ha_group`.
   * Scenario 'ha-unit-failed' makes that unit Failed (its mate sees "Other host: … - Failed");
   * 'ha-split-brain' on either unit makes both Active, each seeing the other Failed. */
  haGroup?: string;
  haRole?: 'primary' | 'secondary';
  faults?: LabFaults;
}

/** How to start a lab. */
export interface LabOptions {
  /** A number generates names ftd01.. with a few FMCs mixed in (every 5th host). */
  hosts: number | LabHostSpec[];
  /** Cycled over generated hosts (default: healthy only). */
  scenarios?: ScenarioName[];
  /** Per-command latency for every host (a host's own fault wins). */
  latencyMs?: number;
  /** Where files go; default a fresh temp dir (removed by stop()). */
  dir?: string;
  /** Login user, default `admin`. */
  user?: string;
  /** Login (and sudo) password, default generated. */
  password?: string;
}

/** One line a shell received. Password answers are never logged. */
export interface CommandLogEntry {
  time: string;
  level: 'cli' | 'expert' | 'root' | 'exec';
  line: string;
}

/** The observable device state a remediation can change. */
export interface LabDeviceState {
  dnsServers: string[];
  connectorRunning: boolean;
  socketConnected: boolean;
}

/** A running lab. */
export interface Lab {
  hosts: Array<LabHostSpec & { port: number; address: '127.0.0.1' }>;
  /** Ansible YAML inventory: groups ftd, fmc, one per scenario (`scenario_dns_broken`). */
  inventoryPath: string;
  /** OpenSSH known_hosts lines `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  knownHostsPath: string;
  /** Ed25519 private key (OpenSSH format) accepted for publickey auth; encrypted copy at `+ '.enc'`. */
  clientKeyPath: string;
  password: string;
  commandLog(host: string): CommandLogEntry[];
  /** TCP connections open right now, over every host (leak checks). */
  openConnections(): number;
  state(host: string): LabDeviceState;
  stop(): Promise<void>;
}

/** A customised prompt as found on real appliances: colour codes, markup and non-ASCII in the
 * host part (`\e[1;32madmin@fw-東京<b>:~$\e[0m `). No prompt pattern knows it; pinning does not care. */
export const FANCY_PS1 = '\\[\\e[1;32m\\]\\u@fw-東京<b>:\\w\\$\\[\\e[0m\\] ';

/** Passphrase of the encrypted client key copy. */
export const LAB_KEY_PASSPHRASE = 'lab-passphrase';
