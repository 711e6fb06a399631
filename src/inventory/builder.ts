/**
 * The mutable inventory graph the parsers fill in, with Ansible's rules for it
 * (ansible/inventory/data.py, group.py): insertion order is kept everywhere, a group's depth
 * is its longest distance from `all`, `ansible_group_priority` sets a priority instead of a
 * variable, and `reconcile()` attaches parentless groups to `all` and parentless hosts to
 * `ungrouped`. Parsers report errors; this class throws plain Errors that they locate.
 *
 * Every operation is linear in what it adds (membership is a Set per group, not `includes`):
 * a 200,000-host group loads in about a second (docs/faults.md "Denial of service").
 */
import { UserError } from '../model/errors.js';

/** One group while the inventory is being built. */
export interface GroupNode {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  /** Variables set in the inventory source itself. */
  vars: Record<string, unknown>;
  depth: number;
  priority: number;
}

/** One host while the inventory is being built. */
export interface HostNode {
  name: string;
  /** Groups the host is listed in directly, in the order it was added to them. */
  directGroups: string[];
  /** Variables set in the inventory source itself (and `ansible_port` from `host:port`). */
  vars: Record<string, unknown>;
}

/** Thrown for a structural mistake (cycle, host/group clash); parsers add the location. */
export class InventoryGraphError extends Error {}

/** Default of the inventory's host cap (docs/faults.md "Denial of service"). */
export const DEFAULT_MAX_HOSTS = 100_000;

/** The host cap: FIREBOOK_MAX_HOSTS (a positive whole number) or DEFAULT_MAX_HOSTS. */
export function maxHostsOf(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.FIREBOOK_MAX_HOSTS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_HOSTS;
  if (!/^[1-9]\d*$/.test(raw.trim())) {
    throw new UserError({ code: 'cli-usage', message: `FIREBOOK_MAX_HOSTS=${JSON.stringify(raw)} is not a positive whole number`, hint: `unset it for the default cap of ${DEFAULT_MAX_HOSTS} hosts` });
  }
  return Number(raw.trim());
}

/** Ansible's InventoryData: groups and hosts in insertion order. */
export class InventoryBuilder {
  readonly groups = new Map<string, GroupNode>();
  readonly hosts = new Map<string, HostNode>();
  /** Each group's hosts as a Set, beside its ordered list. */
  private readonly members = new Map<string, Set<string>>();
  /** (group, host) pairs so far: at most 10 × maxHosts (40 groups of the same 100,000 hosts is
   * already 4,000,000 pairs, seconds of work). */
  private memberships = 0;

  /** `maxHosts`: more distinct hosts than this is an error the parsers locate. */
  constructor(readonly maxHosts: number = maxHostsOf()) {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** Adds a group if new; returns it. */
  addGroup(name: string): GroupNode {
    if (!name) throw new InventoryGraphError('a group name must not be empty');
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {}, depth: 0, priority: 1 };
      this.groups.set(name, g);
      this.members.set(name, new Set());
    }
    return g;
  }

  /** Adds a host (and its membership of `group`). The port applies only when the host is new. */
  addHost(name: string, group?: string, port?: number): HostNode {
    if (!name) throw new InventoryGraphError('a host name must not be empty');
    let h = this.hosts.get(name);
    if (!h) {
      if (this.hosts.size >= this.maxHosts) {
        throw new InventoryGraphError(`the inventory has more than ${this.maxHosts} hosts, the cap (FIREBOOK_MAX_HOSTS raises it; docs/faults.md "Denial of service")`);
      }
      h = { name, directGroups: [], vars: {} };
      if (port !== undefined) h.vars.ansible_port = port;
      this.hosts.set(name, h);
    }
    if (group !== undefined) {
      const g = this.groups.get(group);
      if (!g) throw new InventoryGraphError(`could not find group ${group} in inventory`);
      const members = this.members.get(group)!;
      if (!members.has(name)) {
        if (++this.memberships > 10 * this.maxHosts) {
          throw new InventoryGraphError(`the inventory puts hosts in groups more than ${10 * this.maxHosts} times, the cap (10 × the ${this.maxHosts}-host cap; FIREBOOK_MAX_HOSTS raises it; docs/faults.md "Denial of service")`);
        }
        members.add(name);
        g.hosts.push(name);
        h.directGroups.push(group);
      }
    }
    return h;
  }

  /** Sets a variable on a group; `ansible_group_priority` becomes the group's priority. */
  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.addGroup(group);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new InventoryGraphError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`);
      g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  /** Sets a variable on a host. */
  setHostVar(host: string, key: string, value: unknown): void {
    const h = this.hosts.get(host);
    if (!h) throw new InventoryGraphError(`could not identify host ${host}`);
    h.vars[key] = value;
  }

  /** Makes `child` (a group) a child of `parent`. Rejects loops, as Ansible does. */
  addChild(parent: string, child: string): void {
    const p = this.groups.get(parent);
    const c = this.groups.get(child);
    if (!p) throw new InventoryGraphError(`${parent} is not a known group`);
    if (!c) throw new InventoryGraphError(`${child} is not a known group`);
    if (parent === child) throw new InventoryGraphError(`group '${child}' cannot be a child of itself`);
    if (p.children.includes(child)) return;
    if (this.ancestorsOf(parent).has(child)) {
      throw new InventoryGraphError(`adding group '${child}' as child to '${parent}' creates a recursive dependency loop`);
    }
    p.children.push(child);
    if (!c.parents.includes(parent)) c.parents.push(parent);
    this.deepen(c, p.depth + 1);
  }

  /** Every group above `group` (not itself). */
  ancestorsOf(group: string): Set<string> {
    const seen = new Set<string>();
    const todo = [...(this.groups.get(group)?.parents ?? [])];
    while (todo.length) {
      const g = todo.pop()!;
      if (seen.has(g)) continue;
      seen.add(g);
      todo.push(...(this.groups.get(g)?.parents ?? []));
    }
    return seen;
  }

  /** Every group a host belongs to, directly or through children (with `all` after reconcile). */
  groupsOfHost(host: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.hosts.get(host)?.directGroups ?? []) {
      out.add(g);
      for (const a of this.ancestorsOf(g)) out.add(a);
    }
    return out;
  }

  /** Ansible's reconcile_inventory(): parentless groups go under `all`, lone hosts into `ungrouped`. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    const inUngrouped = this.members.get('ungrouped')!;
    const leave = new Set<string>();
    for (const h of this.hosts.values()) {
      const mine = this.groupsOfHost(h.name);
      if (inUngrouped.has(h.name)) {
        const others = [...mine].filter((g) => g !== 'all' && g !== 'ungrouped');
        if (others.length) {
          leave.add(h.name);
          h.directGroups = h.directGroups.filter((x) => x !== 'ungrouped');
        }
      } else if (mine.size === 0 || (mine.size === 1 && mine.has('all'))) {
        this.addHost(h.name, 'ungrouped');
      }
    }
    if (leave.size > 0) {
      ungrouped.hosts = ungrouped.hosts.filter((x) => !leave.has(x));
      for (const x of leave) inUngrouped.delete(x);
    }
  }

  private deepen(group: GroupNode, depth: number): void {
    if (group.depth >= depth) return;
    group.depth = depth;
    for (const c of group.children) this.deepen(this.groups.get(c)!, depth + 1);
  }
}
