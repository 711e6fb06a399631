/**
 * CLISH `show managers` (docs/health.md "manager-registered"): one block of `Label : value` lines
 * per manager (`Type`, `Host`, `Registration`; 7.x adds `Display name`, `Version`, `Identifier`,
 * `Management type`). `Managed locally.` is an FDM-managed device. `No Managers Configured` is
 * the text other tools look for; its exact case is not confirmed, so it is read case-blind.
 * A `Registration` other than `Completed`/`Pending` makes the output unrecognised (quoted).
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, labelledValue, unique, unrecognised } from './common.js';

const LABEL = /^[A-Za-z][A-Za-z ]*$/;
const KNOWN = new Set(['type', 'host', 'display name', 'version', 'identifier', 'registration', 'management type']);
const REGISTRATIONS = new Set(['Completed', 'Pending']);

interface Manager { host?: string; registration?: string }

/** Parses `show managers`: hosts[], registrations[] (`HOST: STATE`), completed_hosts[],
 * pending_hosts[], manager_count, managed_locally, host/registration of the first manager. */
export function parseShowManagers(output: string): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const managers: Manager[] = [];
  const strange: string[] = [];
  let managedLocally = false;
  let noneConfigured = false;
  let current: Manager | undefined;
  for (const line of lines) {
    const t = line.trim();
    if (t === 'Managed locally.') { managedLocally = true; continue; }
    if (t.replace(/\.$/, '').toLowerCase() === 'no managers configured') { noneConfigured = true; continue; }
    const kv = labelledValue(line, LABEL, { allowBare: true });
    const label = kv?.label.toLowerCase();
    if (!kv || label === undefined || !KNOWN.has(label)) { strange.push(t.slice(0, 160)); continue; }
    // A new block starts at `Type`, or at a second `Host` in the same block.
    if (label === 'type' || !current || (label === 'host' && current.host !== undefined)) {
      current = {};
      managers.push(current);
    }
    if (label === 'host') current.host = kv.value;
    if (label === 'registration') {
      if (!REGISTRATIONS.has(kv.value)) return { fields: {}, error: `show-managers: unrecognised output (line: ${JSON.stringify(t.slice(0, 120))})` };
      current.registration = kv.value;
    }
  }
  const real = managers.filter((m) => m.host !== undefined || m.registration !== undefined);
  if (real.length === 0 && !managedLocally && !noneConfigured) {
    return { fields: {}, error: detectShellError(output) ?? unrecognised('show-managers', lines) };
  }
  const hosts = real.map((m) => m.host ?? '(none)');
  return {
    fields: {
      managed_locally: managedLocally,
      manager_count: real.length,
      hosts: unique(hosts),
      registrations: real.map((m) => `${m.host ?? '(none)'}: ${m.registration ?? '(none)'}`),
      completed_hosts: unique(real.filter((m) => m.registration === 'Completed').map((m) => m.host ?? '(none)')),
      pending_hosts: unique(real.filter((m) => m.registration === 'Pending').map((m) => m.host ?? '(none)')),
      ...(real.find((m) => m.registration === 'Completed')?.host !== undefined ? { completed_host: real.find((m) => m.registration === 'Completed')!.host } : {}),
      ...(real[0]?.host !== undefined ? { host: real[0].host } : {}),
      ...(real[0]?.registration !== undefined ? { registration: real[0].registration } : {}),
      unrecognised_count: strange.length,
      unrecognised_lines: strange.slice(0, 5),
    },
  };
}
