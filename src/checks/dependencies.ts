/** Which earlier checks a check reads. Used by validation (must be earlier) and by the plan
 * (a check selected by --tags brings its dependencies). */
import type { CheckSpec } from '../model/playbook.js';
import { commandVariables } from '../command/template.js';

/** Ids of the checks a check reads (`checks.<id>.…` in conditions or templates). */
export function checkDependencies(check: CheckSpec): string[] {
  const paths: string[] = [];
  const conds = [...check.expect, ...(check.when ?? []), ...(check.diagnose ?? []).flatMap((r) => r.when)];
  for (const c of conds) paths.push(c.of);
  for (const s of check.collect ?? []) {
    for (const t of [s.command, s.file]) {
      try {
        if (t) paths.push(...commandVariables(t));
      } catch {
        /* a broken template is reported by validation on its own */
      }
    }
  }
  // A check across hosts reads its `reads` check on every member (docs/playbooks.md).
  if (check.reads !== undefined) paths.push(`checks.${check.reads}`);
  return [...new Set(paths.filter((p) => p.startsWith('checks.')).map((p) => p.split('.')[1]))];
}

