/** Loads waivers.yml (schemas/waivers.schema.json) and resolves each waiver's hosts with the
 * inventory's own pattern language (the same as --limit). Every waiver has an approver and a
 * lifetime, `approved` to `expires`, of at most `--waiver-max-days` (default 365): README,
 * Waivers. */
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
  /** Who accepted the failure: required, a waiver is a decision someone owns. */
  approver: string;
  /** YYYY-MM-DD the waiver was approved: `expires` is at most `maxDays` after it, and it is not
   * in the future (the file carries no other date a maximum lifetime could start from). */
  approved: string;
}

/** The longest a waiver may run, from `approved` to `expires`, unless `--waiver-max-days` says. */
export const DEFAULT_WAIVER_MAX_DAYS = 365;

export interface WaiverLimits {
  /** Days from `approved` to `expires` at most (default DEFAULT_WAIVER_MAX_DAYS). */
  maxDays?: number;
  /** YYYY-MM-DD (injected clock; default: today, UTC). */
  today?: string;
}

/** A waiver with its pattern resolved to host names. */
export interface ResolvedWaiver extends Waiver {
  hostNames: ReadonlySet<string>;
}

const HINTS: Array<[RegExp, string]> = [
  [/'expires'/, 'every waiver needs expires: YYYY-MM-DD, the last day it applies (README, Waivers)'],
  [/'approver'/, 'every waiver needs approver: the person who accepted the failure (README, Waivers)'],
  [/'approved'/, 'every waiver needs approved: YYYY-MM-DD, the day it was approved (README, Waivers)'],
];

const DAY_MS = 86_400_000;

export function loadWaivers(path: string, inventory: Inventory, limits: WaiverLimits = {}): ResolvedWaiver[] {
  const maxDays = limits.maxDays ?? DEFAULT_WAIVER_MAX_DAYS;
  const today = limits.today ?? new Date().toISOString().slice(0, 10);
  const source = parseYamlSource(path, readUserFile(path, 'waivers file'));
  const issues = validateAgainstSchema('waivers', source);
  if (issues.length > 0) throw new UserError(issues.map((i) => ({ ...i, code: 'waiver' as const, hint: HINTS.find(([re]) => re.test(i.message))?.[1] ?? i.hint })));
  const waivers = (source.value as { waivers: Waiver[] }).waivers;
  const badDates = waivers.flatMap((w, i) => {
    const at = (key: string) => source.locate(`/waivers/${i}/${key}`);
    for (const key of ['approved', 'expires'] as const) {
      if (!isCalendarDate(w[key])) return [{ code: 'waiver' as const, message: `waivers[${i}].${key} '${w[key]}' is not a calendar date`, location: at(key), hint: 'write the date as YYYY-MM-DD' }];
    }
    if (w.approved > today) return [{ code: 'waiver' as const, message: `waivers[${i}].approved ${w.approved} is in the future (today is ${today})`, location: at('approved'), hint: 'write the day the waiver was approved' }];
    const days = (Date.parse(w.expires) - Date.parse(w.approved)) / DAY_MS;
    if (days < 0) return [{ code: 'waiver' as const, message: `waivers[${i}].expires ${w.expires} is before approved ${w.approved}`, location: at('expires') }];
    if (days > maxDays) {
      return [{
        code: 'waiver' as const,
        message: `waivers[${i}] runs ${days} days, from approved ${w.approved} to expires ${w.expires}: over the maximum of ${maxDays}`,
        location: at('expires'),
        hint: `a waiver is reviewed at least every ${maxDays} days: approve it again with a nearer expires (the maximum is firebook run --waiver-max-days)`,
      }];
    }
    return [];
  });
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
