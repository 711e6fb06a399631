/** Waivers: a known, justified failure becomes `waived` until it expires. */
import { UserError } from '../model/errors.js';
import type { CheckResult } from '../model/result.js';
import { readUserFile } from '../load/playbook.js';
import { parseYamlSource } from '../load/yaml-source.js';
import { validateAgainstSchema } from '../validate/schema.js';
import { globToRegExp } from '../inventory/index.js';

export interface Waiver {
  check: string;
  hosts?: string;
  justification: string;
  expires?: string;
  approver?: string;
}

export function loadWaivers(path: string): Waiver[] {
  const source = parseYamlSource(path, readUserFile(path, 'waivers file'));
  const issues = validateAgainstSchema('waivers', source);
  if (issues.length > 0) throw new UserError(issues.map((i) => ({ ...i, code: 'waiver' as const })));
  return (source.value as { waivers: Waiver[] }).waivers;
}

/** True when the waiver's host pattern names the host or one of its groups. */
export function waiverMatchesHost(w: Waiver, host: string, groups: readonly string[]): boolean {
  if (!w.hosts || w.hosts === 'all') return true;
  return w.hosts.split(',').some((p) => {
    const re = globToRegExp(p.trim());
    return re.test(host) || groups.some((g) => re.test(g));
  });
}

/** Applies the first matching waiver to a failed check. An expired waiver leaves the failure
 * and says so in the reason. `today` is YYYY-MM-DD (injected clock). */
export function applyWaivers(result: CheckResult, host: string, groups: readonly string[], waivers: readonly Waiver[], today: string): CheckResult {
  if (result.status !== 'fail') return result;
  const w = waivers.find((x) => x.check === result.checkId && waiverMatchesHost(x, host, groups));
  if (!w) return result;
  if (w.expires && w.expires < today) {
    return { ...result, reason: { en: `waiver expired on ${w.expires} (${w.justification}); failure counts again`, ja: `例外承認は ${w.expires} に期限切れです (${w.justification})。失敗として扱います` } };
  }
  return { ...result, status: 'waived', reason: w.justification, waiver: { justification: w.justification, expires: w.expires, approver: w.approver } };
}
