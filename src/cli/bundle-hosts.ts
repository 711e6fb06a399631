/** Troubleshoot bundles as hosts on the command line (docs/bundles.md): `run --bundle FILE`
 * hosts, the want set of each bundle host from the plan, the refusal of apply modes. */
import { basename, resolve } from 'node:path';
import pLimit from 'p-limit';
import { UserError } from '../model/errors.js';
import type { Inventory, InventoryHost } from '../model/inventory.js';
import type { Level, Platform } from '../model/playbook.js';
import type { HostPlan, RunPlan } from '../plan/plan.js';
import { commandsFor } from '../run/collect.js';
import { BUNDLE_CONNECTION } from '../inventory/index.js';
import { BundleConnector, loadBundleMap, wantedPaths, type BundleMap } from '../bundle/index.js';
import { TransportError } from '../model/transport.js';

const PLATFORMS: Platform[] = ['ftd', 'fmc', 'linux'];

/** A host name made of what a name may hold (letters, digits, `.`, `_`, `-`); the rest is `_`. */
function hostName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200) || 'bundle';
}

/** A `--bundle` host's name until its bundle is opened: the file name without `.tar.gz`. */
function provisionalName(file: string): string {
  return hostName(basename(file).replace(/\.(tar\.gz|tgz|tar)$/i, ''));
}

/** The inventory with one host per `--bundle FILE` (variables `ansible_connection:
 * firebook.bundle`, `bundle_path`); without an inventory, one of just those. */
export function withBundleHosts(inventory: Inventory | undefined, files: readonly string[], cwd: string): { inventory: Inventory; names: string[] } {
  const inv: Inventory = inventory ?? { source: '--bundle', hosts: new Map(), groups: new Map([['all', { name: 'all', hosts: [], children: [], vars: {} }]]) };
  const all = inv.groups.get('all') ?? { name: 'all', hosts: [], children: [], vars: {} };
  inv.groups.set('all', all);
  const names: string[] = [];
  for (const file of files) {
    const base = provisionalName(file);
    let name = base;
    for (let n = 2; inv.hosts.has(name); n++) name = `${base}-${n}`;
    const host: InventoryHost = { name, groups: ['all'], vars: { ansible_connection: BUNDLE_CONNECTION, bundle_path: resolve(cwd, file) } };
    inv.hosts.set(name, host);
    all.hosts.push(name);
    names.push(name);
  }
  return { inventory: inv, names };
}

/** The hosts of a plan that are troubleshoot bundles. */
export function bundleHosts(plan: RunPlan): HostPlan[] {
  return plan.hosts.filter((h) => h.connection.bundlePath !== undefined);
}

/** Apply modes change devices; a bundle is evidence only: refused before anything runs (exit 4). */
export function refuseBundleHosts(plan: RunPlan, what: string): void {
  const hosts = bundleHosts(plan);
  if (hosts.length === 0) return;
  const names = hosts.map((h) => h.name).join(', ');
  throw new UserError({ code: 'bundle', message: `${what} refuses troubleshoot bundle host(s) ${names}: a bundle is evidence read offline, nothing can be changed on it (check mode only)`, hint: 'run it in check mode (firebook run … --bundle FILE), or leave the bundle hosts out with --limit' });
}

/** Every command the host's planned checks may send, for each platform its bundle may report
 * (the device's platform is known only once the bundle is read). A command that cannot be
 * rendered before the run (it reads facts or earlier checks) is left out. */
export function plannedCommands(host: HostPlan): Array<{ command: string; level: Level }> {
  const out: Array<{ command: string; level: Level }> = [];
  for (const planned of host.playbooks) {
    for (const platform of PLATFORMS) {
      const vars = planned.varsByPlatform?.[platform] ?? planned.vars;
      const ctx = { templateContext: { ...vars, vars, facts: {}, checks: {}, host: { name: host.name } }, playbook: planned.playbook.spec };
      for (const check of planned.checks) {
        for (const step of check.collect ?? []) {
          try {
            for (const c of commandsFor(step, ctx)) out.push({ command: c.command, level: step.level });
          } catch {
            // rendered at run time; its evidence is then not extracted (docs/bundles.md)
          }
        }
      }
    }
  }
  return out;
}

/** The connector for the plan's bundle hosts. `named` hosts (from `--bundle`) are opened now
 * and renamed after the device their bundle names; a bundle that cannot be read keeps its file
 * name and is that host's error when the run reaches it. Returns the plan with the new names. */
export async function openBundleHosts(plan: RunPlan, opts: { map: BundleMap; named: readonly string[] }): Promise<{ plan: RunPlan; connector: BundleConnector; renamed: ReadonlyMap<string, string> }> {
  const hosts = bundleHosts(plan);
  const wants = new Map(hosts.map((h) => [h.name, wantedPaths(opts.map, plannedCommands(h))] as const));
  const connector = new BundleConnector({ map: opts.map, wants });
  // Read two at a time: each is a gunzip stream, CPU-bound (docs/bundles.md).
  const limit = pLimit(2);
  const named = hosts.filter((x) => opts.named.includes(x.name));
  const devices = await Promise.all(named.map((h) => limit(() => connector.open(h.connection).then((s) => s.facts.hostname, (err: unknown) => {
    if (err instanceof TransportError) return undefined; // that host's error when the run reaches it
    throw err;
  }))));
  const taken = new Set(plan.hosts.map((h) => h.name));
  const renamed = new Map<string, string>();
  for (const [i, h] of named.entries()) {
    const device = devices[i];
    if (device === undefined || hostName(device) === h.name) continue;
    const base = hostName(device);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.delete(h.name);
    taken.add(name);
    connector.rename(h.name, name);
    renamed.set(h.name, name);
  }
  const rename = (h: HostPlan): HostPlan => {
    const name = renamed.get(h.name);
    return name === undefined ? h : { ...h, name, connection: { ...h.connection, name, address: name } };
  };
  return { plan: { ...plan, hosts: plan.hosts.map(rename) }, connector, renamed };
}

/** The inventory with the renamed `--bundle` hosts under their new names (for waivers' patterns). */
export function renameInventoryHosts(inv: Inventory, renamed: ReadonlyMap<string, string>): void {
  for (const [from, to] of renamed) {
    const host = inv.hosts.get(from);
    if (!host) continue;
    inv.hosts.delete(from);
    inv.hosts.set(to, { ...host, name: to });
    for (const g of inv.groups.values()) g.hosts = g.hosts.map((h) => (h === from ? to : h));
  }
}

export { loadBundleMap };
