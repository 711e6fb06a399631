/**
 * CLISH `show failover` (Lina; docs/health.md "ha-state"). `Failover On|Off`, `Failover unit
 * Primary`, `Version: Ours X, Mate Y`, then a `This host: <role> - <state>` and an `Other host:
 * <role> - <state>` section, each with `Interface <name> (<ip>): <status> (<mode>)` lines and
 * `slot N: <name> … status (<status>)` lines (FTD adds the `snort` and `diskstatus` slots).
 * A host state outside the known list, or an interface status outside the known list, makes the
 * output unrecognised (quoted): the check says `error`, never guesses. Other lines (timers,
 * statistics) are listed in `unrecognised_lines`. Cut with indexOf: linear time.
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

/** Host states (docs/health.md "ha-state"): healthy, failed, and the transitional ones. */
export const FAILOVER_STATES = ['Active', 'Standby Ready', 'Failed', 'Cold Standby', 'Disabled', 'App Sync', 'Bulk Sync', 'Sync Config', 'Negotiation'];
const TRANSITIONAL = new Set(['App Sync', 'Bulk Sync', 'Sync Config', 'Negotiation']);
const IFC_OK = new Set(['Normal']);
const IFC_BAD = new Set(['Failed', 'Unknown', 'No Link', 'Link Down']);
// Lines of the header and of each host section that carry nothing the check judges.
const KNOWN_PREFIXES = ['Failover LAN Interface', 'Reconnect timeout', 'Unit Poll frequency', 'Interface Poll frequency', 'Interface Policy',
  'Monitored Interfaces', 'MAC Address Move', 'failover replication', 'Serial Number', 'Last Failover at', 'Active time', 'snort poll', 'disk poll'];

interface Side { role?: string; state?: string; failed: string[]; slotsDown: string[]; interfaces: number }

/** Parses `show failover` into the ha-state fields (docs/health.md "ha-state fields"). */
export function parseShowFailover(output: string): ParseResult {
  const lines = contentLines(output).map((l) => l.trim()).filter((l) => l !== '');
  const bad = (line: string): ParseResult => ({ fields: {}, error: `show-failover: unrecognised output (line: ${JSON.stringify(line.slice(0, 120))})` });
  let failover: 'on' | 'off' | undefined;
  const fields: Fields = {};
  const sides: Record<'this' | 'other', Side> = {
    this: { failed: [], slotsDown: [], interfaces: 0 },
    other: { failed: [], slotsDown: [], interfaces: 0 },
  };
  let side: Side | undefined;
  let sideName = '';
  const strange: string[] = [];
  for (const line of lines) {
    if (line === 'Failover On' || line === 'Failover Off') { failover = line === 'Failover On' ? 'on' : 'off'; continue; }
    if (line.startsWith('Failover unit ')) { fields.unit = line.slice('Failover unit '.length).trim(); continue; }
    if (line.startsWith('This host:') || line.startsWith('Other host:')) {
      sideName = line.startsWith('This') ? 'this' : 'other';
      side = sides[sideName as 'this' | 'other'];
      const rest = line.slice(line.indexOf(':') + 1);
      const dash = rest.indexOf(' - ');
      if (dash < 0) return bad(line);
      side.role = rest.slice(0, dash).trim();
      side.state = rest.slice(dash + 3).trim();
      if (!FAILOVER_STATES.includes(side.state)) return bad(line);
      continue;
    }
    if (line.startsWith('Version:')) {
      const ours = line.indexOf('Ours ');
      const comma = line.indexOf(',', ours);
      const mate = line.indexOf('Mate ', comma);
      if (ours < 0 || comma < 0 || mate < 0) return bad(line);
      fields.version_ours = line.slice(ours + 5, comma).trim();
      fields.version_mate = line.slice(mate + 5).trim();
      continue;
    }
    if (line.startsWith('Interface ') && side) {
      const close = line.indexOf('): ');
      const open = line.indexOf(' (');
      if (close < 0 || open < 0 || open > close) { strange.push(line.slice(0, 160)); continue; }
      const name = line.slice('Interface '.length, open).trim();
      const rest = line.slice(close + 3);
      const paren = rest.indexOf(' (');
      const status = (paren < 0 ? rest : rest.slice(0, paren)).trim();
      side.interfaces++;
      if (IFC_BAD.has(status)) side.failed.push(`${sideName} ${name}: ${status}`);
      else if (!IFC_OK.has(status)) return bad(line);
      continue;
    }
    if (line.startsWith('slot ') && side) {
      const colon = line.indexOf(': ');
      const at = line.lastIndexOf('status (');
      const end = line.lastIndexOf(')');
      if (colon < 0 || at < 0 || end < at) return bad(line);
      const name = line.slice(colon + 2).trim().split(/\s/, 1)[0];
      const status = line.slice(at + 'status ('.length, end).trim();
      const up = name === 'snort' || name === 'diskstatus' ? status === 'up' : status.startsWith('Up');
      if (!up) side.slotsDown.push(`${sideName} ${name}: ${status}`);
      continue;
    }
    if (KNOWN_PREFIXES.some((p) => line.startsWith(p))) continue;
    strange.push(line.slice(0, 160));
  }
  if (failover === undefined) return { fields: {}, error: detectShellError(output) ?? unrecognised('show-failover', lines) };
  fields.failover = failover;
  fields.failover_on = failover === 'on';
  if (failover === 'on') {
    const t = sides.this, o = sides.other;
    if (t.state === undefined || o.state === undefined) return { fields: {}, error: 'show-failover: "Failover On" without a "This host:" and an "Other host:" line' };
    Object.assign(fields, { this_role: t.role, this_state: t.state, other_role: o.role, other_state: o.state });
    fields.states = [t.state, o.state];
    fields.transitional = [t.state, o.state].filter((s) => TRANSITIONAL.has(s));
    fields.pair_states_ok = (t.state === 'Active' && o.state === 'Standby Ready') || (t.state === 'Standby Ready' && o.state === 'Active');
    if (fields.version_ours !== undefined) fields.versions_match = fields.version_ours === fields.version_mate;
  }
  fields.interfaces_failed = [...sides.this.failed, ...sides.other.failed];
  fields.slots_down = [...sides.this.slotsDown, ...sides.other.slotsDown];
  fields.interface_count = sides.this.interfaces;
  // A single list the check can require empty: every finding, in words.
  const problems: string[] = [];
  if (failover === 'on') {
    if (!fields.pair_states_ok) problems.push(`states: this ${String(fields.this_state)}, other ${String(fields.other_state)}`);
    problems.push(...(fields.interfaces_failed as string[]), ...(fields.slots_down as string[]));
    if (fields.versions_match === false) problems.push(`versions: ours ${String(fields.version_ours)}, mate ${String(fields.version_mate)}`);
  }
  fields.problems = problems;
  fields.unrecognised_count = strange.length;
  fields.unrecognised_lines = strange.slice(0, 5);
  return { fields };
}
