/** Load stage for run/validate: playbooks, inventory, extra vars → a plan (all errors at once). */
import { resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import type { LoadedPlaybook } from '../model/playbook.js';
import type { RunMeta } from '../model/result.js';
import { loadPlaybooks } from '../load/playbook.js';
import { loadInventory } from '../inventory/index.js';
import { buildPlan, checkExtraVars, type PlanOptions, type RunPlan } from '../plan/plan.js';
import type { Vault } from '../inventory/vault.js';
import { redact, secretValuesOf } from '../model/redact.js';
import { playbookMetaOf } from '../run/runner.js';
import { withBundleHosts } from './bundle-hosts.js';

export interface LoadedInputs {
  playbooks: LoadedPlaybook[];
  inventory?: Inventory;
  plan?: RunPlan;
  /** The hosts `--bundle FILE` added, named after their files until their bundles are read. */
  bundleNames?: string[];
}

/** A playbook as the run's metadata records it (run/runner.ts). */
export const playbookMeta = (p: LoadedPlaybook): RunMeta['playbooks'][number] => playbookMetaOf(p);

/** Loads everything, collecting playbook and inventory errors together before throwing.
 * `vault` decrypts the inventory's vaulted data; every value it revealed is redacted. */
export async function loadInputs(cwd: string, playbookPaths: string[], inventoryPath: string | undefined, planOpts: PlanOptions, vault?: Vault, bundles: readonly string[] = []): Promise<LoadedInputs> {
  const issues: UserError['issues'] = [];
  let playbooks: LoadedPlaybook[] = [];
  let inventory: Inventory | undefined;
  try {
    playbooks = loadPlaybooks(playbookPaths.map((p) => resolve(cwd, p)), cwd);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    issues.push(...err.issues);
  }
  if (inventoryPath) {
    try {
      inventory = await loadInventory(resolve(cwd, inventoryPath), { vault });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new UserError(issues);
  // `run --bundle FILE`: each bundle one more host (docs/bundles.md).
  let bundleNames: string[] | undefined;
  if (bundles.length > 0) ({ inventory, names: bundleNames } = withBundleHosts(inventory, bundles, cwd));
  // Known before any host: secrets of `-e` by name (any depth) or as secret inputs, and what the
  // vault revealed; `validate` without an inventory quotes `-e` arguments in its messages.
  const secretInputs = playbooks.flatMap((p) => Object.entries(p.spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k));
  const secretValues = [...(planOpts.secretValues ?? []), ...(vault?.revealed ?? []), ...secretValuesOf(planOpts.extraVars ?? {}, secretInputs)];
  const plan = inventory ? buildPlan(playbooks, inventory, { ...planOpts, secretValues }) : undefined;
  const extraIssues = inventory || !planOpts.extraVars ? [] : checkExtraVars(playbooks, { ...planOpts, secretValues });
  if (extraIssues.length > 0) throw new UserError(extraIssues.map((i) => ({ ...i, message: redact(i.message, secretValues), ...(i.hint ? { hint: redact(i.hint, secretValues) } : {}) })));
  return { playbooks, inventory, plan, bundleNames };
}
