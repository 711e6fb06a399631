/**
 * A plan's `-e` variables (docs/secrets.md "What a plan and a journal store"): what plan.json may
 * store, what it names only, and how apply, resume and rollback get them again.
 */
import { resolve } from 'node:path';
import type { UserIssue } from '../model/errors.js';
import type { ExtraVarRef, PlanDocument } from '../model/change.js';
import { secretValuesOf } from '../model/redact.js';

/** `-e` values split into what the plan may store (given inline, no secret inside at any depth,
 * not a secret input, no known secret value) and what it names only (docs/secrets.md "What a
 * plan and a journal store"): a variable read from `-e @file` refers to its file, a secret
 * given inline is given again to apply by the operator. No secret and no digest of one is kept. */
export function splitExtraVars(extra: Record<string, unknown>, opts: { origins: Record<string, string>; secretInputs: ReadonlySet<string>; secretValues: readonly string[]; cwd: string }): Pick<PlanDocument['selection'], 'extraVars' | 'extraVarRefs'> {
  const extraVars: Record<string, unknown> = {};
  const refs: Record<string, ExtraVarRef> = {};
  const known = new Set(opts.secretValues);
  for (const [k, v] of Object.entries(extra)) {
    const origin = opts.origins[k];
    if (origin?.startsWith('@')) refs[k] = { from: 'file', file: resolve(opts.cwd, origin.slice(1)) };
    else if (opts.secretInputs.has(k) || secretValuesOf({ [k]: v }).length > 0 || secretValuesOf({ secret: v }).some((x) => known.has(x))) refs[k] = { from: 'operator' };
    else extraVars[k] = v;
  }
  return Object.keys(refs).length ? { extraVars, extraVarRefs: refs } : { extraVars };
}

/** The environment variable that gives apply the secret `-e NAME` of a plan. */
export const secretEnvName = (name: string) => `FIREBOOK_VAR_${name}`;

/** The plan's `-e` variables again: stored ones as they are, `file` ones read again from their
 * file (vault-decrypted with the vault flags), `operator` ones from apply's `-e @file` or the
 * environment. Returns the values that are secret (for redaction). */
export function restoreExtraVars(doc: PlanDocument, given: Record<string, unknown>, cfg: { command: string; env: NodeJS.ProcessEnv; readVarsFile: (file: string) => Record<string, unknown> }): { vars: Record<string, unknown>; secrets: string[]; issues: UserIssue[] } {
  const vars = { ...doc.selection.extraVars };
  const refs = doc.selection.extraVarRefs ?? {};
  const issues: UserIssue[] = [];
  const secrets: string[] = [];
  const files = new Map<string, Record<string, unknown>>();
  for (const [name, ref] of Object.entries(refs)) {
    if (ref.from === 'file') {
      if (!files.has(ref.file)) files.set(ref.file, cfg.readVarsFile(ref.file));
      const values = files.get(ref.file)!;
      if (name in values) vars[name] = values[name];
      else issues.push({ code: 'cli-usage', message: `-e @${ref.file} no longer defines ${name}`, hint: 'restore the file, or make a new plan' });
      continue;
    }
    const env = cfg.env[secretEnvName(name)];
    if (name in given) vars[name] = given[name];
    else if (env !== undefined) vars[name] = env;
    else {
      issues.push({ code: 'cli-usage', message: `the plan needs the secret ${name} (it keeps only its name)`, hint: `give it to firebook ${cfg.command} in a file (-e @secrets.yml, may be vault-encrypted) or the environment (${secretEnvName(name)}=...), never on the command line` });
      continue;
    }
    secrets.push(...secretValuesOf({ secret: vars[name] }));
  }
  for (const name of Object.keys(given)) {
    if (refs[name]?.from !== 'operator') issues.push({ code: 'cli-usage', message: `-e ${name}: the plan fixes every variable; only the secrets it names may be given again`, hint: 'make a new plan to change a variable' });
  }
  return { vars, secrets, issues };
}
