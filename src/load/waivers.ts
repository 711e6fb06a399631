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
  /** YYYY-MM-DD, required: a waiver accepts a failure for a time, never for ever (a waiver
   * without an end is how a known risk becomes a forgotten one). */
  expires: string;
  approver?: string;
}

/** A waiver with its pattern resolved to host names. */
export interface ResolvedWaiver extends Waiver {
  hostNames: ReadonlySet<string>;
}

export function loadWaivers(path: string, inventory: Inventory): ResolvedWaiver[] {
  const source = parseYamlSource(path, readUserFile(path, 'waivers file'));
  const issues = validateAgainstSchema('waivers', source);
  const expiresHint = 'every waiver needs expires: YYYY-MM-DD, the last day it applies (README, Waivers)';
  if (issues.length > 0) throw new UserError(issues.map((i) => ({ ...i, code: 'waiver' as const, hint: /'expires'/.test(i.message) ? expiresHint : i.hint })));
  const waivers = (source.value as { waivers: Waiver[] }).waivers;
  const badDates = waivers.flatMap((w, i) => (isCalendarDate(w.expires) ? [] : [{
    code: 'waiver' as const,
    message: `waivers[${i}].expires '${w.expires}' is not a calendar date`,
    location: source.locate(`/waivers/${i}/expires`),
    hint: 'write the last day the waiver applies as YYYY-MM-DD',
  }]));
  if (badDates.length > 0) throw new UserError(badDates);
  return waivers.map((w, i) => {
    try {
      return { ...w, hostNames: new Set(selectHosts(inventory, w.hosts ?? 'all')) };
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      throw new UserError(err.issues.map((x) => ({ ...x, code: 'waiver' as const, location: source.locate(`/waivers/${i}/hosts`) })));
    }
  });
}

function isCalendarDate(text: string): boolean {
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}
