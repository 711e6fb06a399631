/** Waivers: a known, justified failure becomes `waived` until it expires. */
import type { CheckResult } from '../model/result.js';
import type { ResolvedWaiver } from '../load/waivers.js';

export type { ResolvedWaiver as Waiver } from '../load/waivers.js';

/** Applies the first matching waiver to a failed check. An expired waiver leaves the failure
 * and says so in the reason. `today` is YYYY-MM-DD (injected clock). */
export function applyWaivers(result: CheckResult, host: string, waivers: readonly ResolvedWaiver[], today: string): CheckResult {
  if (result.status !== 'fail') return result;
  const w = waivers.find((x) => x.check === result.checkId && x.hostNames.has(host));
  if (!w) return result;
  if (w.expires < today) {
    return { ...result, reason: { en: `waiver expired on ${w.expires} (${w.justification}); failure counts again`, ja: `例外承認は ${w.expires} に期限切れです (${w.justification})。失敗として扱います` } };
  }
  return { ...result, status: 'waived', reason: w.justification, waiver: { justification: w.justification, expires: w.expires, approver: w.approver } };
}
