/** The captured values of a remediation: which of them its commands use, and comparing them —
 * what drift is judged on and what an undo restores (docs/playbooks.md "Remediations",
 * docs/change-window.md "What apply refuses"). */
import type { RemediationSpec } from '../model/playbook.js';
import type { Fields } from '../model/result.js';
import { commandVariables } from '../command/index.js';

/** The captured values a remediation's commands use (`captured.<step>.<field>`): what drift is
 * judged on, what a plan shows as "before" and what an undo must restore. A `show network`
 * capture holds link state and counters too; those may move without anyone changing the
 * device. Undefined when no command uses a captured value (then every value counts). */
export function usedCaptures(spec: Pick<RemediationSpec, 'apply' | 'rollback'>): Array<[step: string, field: string]> | undefined {
  const used = new Map<string, [string, string]>();
  for (const step of [...spec.apply, ...(spec.rollback ?? [])]) {
    for (const path of commandVariables(step.command)) {
      const [root, name, field] = path.split('.');
      if (root === 'captured' && name && field) used.set(`${name}.${field}`, [name, field]);
    }
  }
  return used.size ? [...used.values()] : undefined;
}

/** The used captured values only (all of them when `used` is undefined). */
export function pickValues(values: Record<string, Fields> | undefined, used: ReturnType<typeof usedCaptures>): Record<string, Fields> {
  if (!values || !used) return values ?? {};
  const out: Record<string, Fields> = {};
  for (const [name, field] of used) {
    const v = values[name]?.[field];
    if (v !== undefined) (out[name] ??= {})[field] = v;
  }
  return out;
}

/** Order-independent equality of captured values (the drift check), on the used values. */
export function sameValues(a: Record<string, Fields> | undefined, b: Record<string, Fields> | undefined, used?: ReturnType<typeof usedCaptures>): boolean {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]))
      : v;
  return JSON.stringify(canon(pickValues(a, used))) === JSON.stringify(canon(pickValues(b, used)));
}
