/** Loads waivers.yml (schemas/waivers.schema.json) and resolves each waiver's hosts with the
 * inventory's own pattern language (the same as --limit). */
import { UserError } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { selectHosts } from '../inventory/index.js';
import { readUserFile } from './playbook.js';
import { parseYamlSource } from './yaml-source.js';
import { validateAgainstSchema } from '../validate/schema.js';

export interface Waiver {
  check: string;
  /** Ansible host pattern (`ftd:!lab*`, globs, groups). Default: all. */
  hosts?: string;
  justification: string;
  expires?: string;
  approver?: string;
}

/** A waiver with its pattern resolved to host names. */
export interface ResolvedWaiver extends Waiver {
  hostNames: ReadonlySet<string>;
}

export function loadWaivers(path: string, inventory: Inventory): ResolvedWaiver[] {
  const source = parseYamlSource(path, readUserFile(path, 'waivers file'));
  const issues = validateAgainstSchema('waivers', source);
  if (issues.length > 0) throw new UserError(issues.map((i) => ({ ...i, code: 'waiver' as const })));
  const waivers = (source.value as { waivers: Waiver[] }).waivers;
  return waivers.map((w, i) => {
    try {
      return { ...w, hostNames: new Set(selectHosts(inventory, w.hosts ?? 'all')) };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(err.issues.map((x) => ({ ...x, code: 'waiver' as const, location: source.locate(`/waivers/${i}/hosts`) })));
    }
  });
}
