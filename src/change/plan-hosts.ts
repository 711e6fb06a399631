/**
 * The hosts apply, resume and rollback run: each built from plan.json (its target, platform and
 * variables) and the plan's inventory, read only for connection settings and secrets — the
 * playbooks are never planned again (docs/change-window.md "What plan.json holds").
 */
import { resolve } from 'node:path';
import { UserError, type UserIssue } from '../model/errors.js';
import type { PlanDocument, PlanHost } from '../model/change.js';
import { connectionSecrets, redact, secretValuesOf } from '../model/redact.js';
import { coerceInput } from '../model/inputs.js';
import type { ConnectionSpec, InventoryHost } from '../model/inventory.js';
import type { PlaybookSpec } from '../model/playbook.js';
import { connectionSpec, loadInventory, withExtraVars } from '../inventory/index.js';
import type { HostPlan, PlannedPlaybook } from '../plan/plan.js';
import type { ChangeConnection } from './apply-driver.js';
/** A host as apply runs it: the plan's target and variables, with the connection settings and
 * secrets the inventory (and its vault) and the `-e` secrets give today. Never reads a playbook. */
function hostFromPlan(h: PlanHost, doc: PlanDocument, inv: { host: InventoryHost; secretValues: readonly string[] }, opts: { vars: Record<string, unknown>; secrets: readonly string[]; connectionDefaults: Partial<ConnectionSpec>; planFile: string }, issues: UserIssue[]): HostPlan | undefined {
  const problem = (message: string, hint = 'make a new plan from the current files and have it approved') => issues.push({ code: 'cli-usage', message: `${opts.planFile}: host ${h.host}: ${message}`, hint });
  const specs = new Map(doc.playbooks.map((p) => [p.path, p] as const));
  let connection: ConnectionSpec;
  try {
    // `-e` wins over the inventory for connection variables too, as when planned.
    connection = connectionSpec({ ...inv.host, vars: withExtraVars(inv.host.vars, opts.vars) }, opts.connectionDefaults);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    issues.push(...err.issues.map((i) => ({ ...i, message: redact(i.message, [...inv.secretValues, ...opts.secrets]) })));
    return undefined;
  }
  // A troubleshoot bundle is evidence only: nothing can be applied to it (docs/bundles.md).
  if (connection.bundlePath !== undefined) {
    issues.push({ code: 'bundle', message: `${opts.planFile}: host ${h.host} is a troubleshoot bundle in the inventory (ansible_connection: firebook.bundle): nothing can be changed on a bundle (check mode only)`, hint: 'apply the plan to the live device: point the inventory host at it again' });
    return undefined;
  }
  if (connection.address !== h.address || connection.port !== h.port || connection.user !== h.user) {
    problem(`the inventory now connects to ${connection.user}@${connection.address}:${connection.port}, the plan was made for ${h.user}@${h.address}:${h.port}`);
    return undefined;
  }
  const playbooks: PlannedPlaybook[] = [];
  let secrets = [...inv.secretValues, ...opts.secrets, ...connectionSecrets(connection)];
  for (const hv of h.vars) {
    const pb = specs.get(hv.playbook);
    if (!pb) {
      problem(`its variables name the playbook ${hv.playbook}, which the plan does not hold`);
      continue;
    }
    const spec: PlaybookSpec = pb.spec;
    const secretInputs = Object.entries(spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k);
    const vars: Record<string, unknown> = { ...hv.vars };
    for (const name of hv.secretVars ?? []) {
      const value = name in opts.vars ? opts.vars[name] : inv.host.vars[name];
      if (value === undefined) {
        problem(`the plan needs the variable ${name} (a secret it names only), which neither the inventory nor -e gives`, `give it again as when the plan was made (inventory, vault or -e @FILE)`);
        continue;
      }
      const decl = spec.inputs?.[name];
      vars[name] = decl ? coerceInput(decl.type, value) : value;
    }
    secrets.push(...secretValuesOf({ ...inv.host.vars, ...opts.vars }, secretInputs), ...secretValuesOf(vars, secretInputs));
    playbooks.push({
      // Steps name their playbook by path; nothing points into its file (it is not read).
      playbook: { path: pb.path, sha256: pb.sha256, spec, locate: () => ({ file: pb.path, line: 1, col: 1 }) },
      vars,
      checks: [],
      allChecks: new Map(spec.checks.map((c) => [c.id, c])),
      remediations: new Map((spec.remediations ?? []).map((r) => [r.id, r])),
    });
  }
  secrets = [...new Set(secrets)];
  // The connection logs in as when planned (the inventory's platform); the steps are for the
  // platform the device reported then (apply-runner.ts refuses a device that reports another).
  return { name: h.host, connection: { ...connection, secrets }, platform: h.platform, playbooks, secrets };
}

/** The plan's hosts that have steps to run, from plan.json and the plan's inventory. */
export async function hostsFromPlan(doc: PlanDocument, wanted: ReadonlySet<string>, opts: { cwd: string; vars: Record<string, unknown>; secrets: readonly string[]; connection: ChangeConnection; planFile: string }): Promise<HostPlan[]> {
  const inventory = await loadInventory(resolve(opts.cwd, doc.selection.inventory), { vault: opts.connection.vault });
  const issues: UserIssue[] = [];
  const hosts: HostPlan[] = [];
  for (const h of doc.hosts.filter((x) => wanted.has(x.host))) {
    const invHost = inventory.hosts.get(h.host);
    if (!invHost) {
      issues.push({ code: 'cli-usage', message: `${opts.planFile}: host ${h.host} is no longer in the plan's inventory ${doc.selection.inventory}`, hint: 'make a new plan' });
      continue;
    }
    const host = hostFromPlan(h, doc, { host: invHost, secretValues: [...(inventory.secretValues ?? []), ...opts.connection.vault.revealed] }, { vars: opts.vars, secrets: opts.secrets, connectionDefaults: opts.connection.connectionDefaults, planFile: opts.planFile }, issues);
    if (host) hosts.push(host);
  }
  if (issues.length) throw new UserError(issues);
  return hosts;
}
