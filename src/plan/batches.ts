/**
 * Batches for a change window: which hosts are changed together. Planning, not running — a
 * pure function from hosts to batches, so the rules are tested without a device.
 *
 * - `--serial N|N%` caps a batch (a percentage of all hosts, rounded down, at least 1 — as
 *   Ansible's `serial`).
 * - Hosts that share an `ha_group` (HA pairs, clusters) never share a batch: changing both
 *   members at once would take the pair down. A batch then holds fewer hosts than allowed,
 *   and with no `--serial` the fleet still splits into as many batches as the largest group.
 * - `--max-fail-percentage P` stops the remaining batches when the failed share of a batch
 *   EXCEEDS P (Ansible's meaning: 0 stops on the first failure, 100 never stops). Without it,
 *   as Ansible does with `serial`, the run stops only when every host of a batch failed.
 */

/** `--serial`: a host count or a percentage of the hosts. */
export type Serial = { count: number } | { percent: number };

/** One host to batch: its name and HA group, if any. */
export interface BatchHost {
  name: string;
  haGroup?: string;
}

/** Parses `N` or `N%`; undefined when the text is neither (the caller says so, with the flag). */
export function parseSerial(text: string): Serial | undefined {
  const m = /^\s*(\d+)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n >= 1 && n <= 100 ? { percent: n } : undefined;
  return n >= 1 ? { count: n } : undefined;
}

/** Largest batch allowed for `total` hosts. */
export function batchSize(total: number, serial: Serial | undefined): number {
  if (!serial) return Math.max(1, total);
  if ('count' in serial) return serial.count;
  return Math.max(1, Math.floor((total * serial.percent) / 100));
}

/**
 * Hosts → batches, in order. Each host goes into the first batch (from the one its
 * predecessor landed in) that has room and no member of its HA group; hosts keep their
 * order within batches, and no batch is empty.
 */
export function planBatches(hosts: readonly BatchHost[], serial?: Serial): string[][] {
  const size = batchSize(hosts.length, serial);
  const batches: Array<{ names: string[]; groups: Set<string> }> = [];
  for (const host of hosts) {
    let target = batches.find((b) => b.names.length < size && !(host.haGroup !== undefined && b.groups.has(host.haGroup)));
    if (!target) {
      target = { names: [], groups: new Set() };
      batches.push(target);
    }
    target.names.push(host.name);
    if (host.haGroup !== undefined) target.groups.add(host.haGroup);
  }
  return batches.map((b) => b.names);
}

/** True when the remaining batches must not start after a batch of `total` hosts with `failed` failures. */
export function exceedsMaxFail(failed: number, total: number, maxFailPercentage?: number): boolean {
  if (total === 0 || failed === 0) return false;
  if (maxFailPercentage === undefined) return failed === total;
  return (failed * 100) / total > maxFailPercentage;
}
