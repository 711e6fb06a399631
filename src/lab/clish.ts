/** The FTD/FMC CLI ("CLISH") command set of the lab. Errors start with `Syntax error:`
 * (docs/devices.md "Quirks"); the exact wording for unknown commands/bad parameters is unconfirmed. */
import { isIP } from 'node:net';
import type { Device } from './device.js';
import { renderShowManagers, renderShowNetwork, renderShowVersion } from './texts.js';
import { renderSftunnelBrief, renderShowClock, renderShowFailover, renderShowNtp } from './health-texts.js';

/** What a CLISH line asks the terminal to do. */
export type ClishOutcome =
  | { kind: 'output'; text: string; ok: boolean }
  | { kind: 'expert' }
  | { kind: 'exit' };

/** Runs one CLISH line (already trimmed). Output has `\n` line ends and no trailing newline. */
export function runClishLine(device: Device, line: string): ClishOutcome {
  const words = line.trim().split(/\s+/).filter(Boolean);
  const cmd = words.join(' ');
  if (cmd === 'exit' || cmd === 'logout') return { kind: 'exit' };
  if (cmd === 'expert') return { kind: 'expert' };
  if (cmd === 'show version') return { kind: 'output', text: renderShowVersion(device), ok: true };
  if (cmd === 'show network') return { kind: 'output', text: renderShowNetwork(device), ok: true };
  if (cmd === 'show managers' && device.profile.platform === 'ftd') return { kind: 'output', text: renderShowManagers(device), ok: true };
  if (cmd === 'sftunnel-status-brief' && device.profile.platform === 'ftd') return { kind: 'output', text: renderSftunnelBrief(device), ok: true };
  if (cmd === 'show clock') return { kind: 'output', text: renderShowClock(), ok: true };
  if (cmd === 'show failover' && device.profile.platform === 'ftd') return { kind: 'output', text: renderShowFailover(device), ok: true };
  if (cmd === 'show ntp' && device.profile.platform === 'ftd') return { kind: 'output', text: renderShowNtp(device), ok: true };
  if (words[0] === 'configure' && words[1] === 'network' && words[2] === 'dns') return configureDns(device, words.slice(3));
  if (['show', 'configure', 'system', 'show network', 'configure network'].includes(cmd)) {
    return { kind: 'output', text: 'Syntax error: The command is not completed', ok: false };
  }
  return { kind: 'output', text: `Syntax error: Illegal command '${words[0]}'`, ok: false };
}

/** `configure network dns servers a,b` (comma list; docs/devices.md "DNS commands"). Silent on success. */
function configureDns(device: Device, args: string[]): ClishOutcome {
  const [sub, ...rest] = args;
  if (sub !== 'servers' && sub !== 'searchdomains') {
    return { kind: 'output', text: sub ? `Syntax error: Illegal parameter '${sub}'` : 'Syntax error: The command is not completed', ok: false };
  }
  if (rest.length === 0) return { kind: 'output', text: 'Syntax error: The command is not completed', ok: false };
  if (rest.length > 1) return { kind: 'output', text: `Syntax error: Illegal parameter '${rest[1]}'`, ok: false };
  if (sub === 'searchdomains') return { kind: 'output', text: '', ok: true };
  const servers = rest[0].split(',');
  const bad = servers.find((s) => isIP(s) === 0);
  if (bad !== undefined) return { kind: 'output', text: `Syntax error: Illegal parameter: '${bad}' is not a valid IP address`, ok: false };
  device.dnsServers = servers;
  return { kind: 'output', text: '', ok: true };
}

/** An SSH exec request: the string goes to the CLISH parser (docs/devices.md "Exec requests"). */
export function runExecRequest(device: Device, command: string): { output: string; exitCode: number } {
  const outcome = runClishLine(device, command);
  if (outcome.kind === 'output' && (outcome.ok || outcome.text.startsWith('Syntax error: Illegal parameter'))) {
    return { output: outcome.text ? outcome.text + '\n' : '', exitCode: outcome.ok ? 0 : 255 };
  }
  if (outcome.kind === 'exit') return { output: '', exitCode: 0 };
  return { output: `Syntax error on line stdin:1 "${command}": Unknown command\n`, exitCode: 255 };
}
