/**
 * The plan document (plan.json): built from a plan-mode run, read back and judged by `apply`.
 * Format: schemas/plan.schema.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PLAN_VERSION, type PlanDocument, type PlanFile, type PlanHost, type PlanHostVars, type PlanPlaybook, type PlanStep } from '../model/change.js';
import { UserError, type UserIssue } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { localize, type CheckSpec, type LoadedPlaybook, type PlaybookSpec } from '../model/playbook.js';
import type { RemediationResult, RunReport } from '../model/result.js';
import { redactDeep, redactVars } from '../model/redact.js';
import { checkDependencies } from '../checks/index.js';
import type { HostPlan, RunPlan } from '../plan/plan.js';
import { schemaValidator, humanPath } from '../validate/schema.js';
import { changedFiles } from './files.js';
import { inOffsetOf, windowState, windowText, type ChangeWindow } from './window.js';

export const PLAN_SCHEMA_URL = 'https://firebook.dev/schemas/plan.schema.json';

export interface PlanDocumentInput {
  report: RunReport;
  plan: RunPlan;
  inventory: Inventory;
  files: PlanFile[];
  selection: PlanDocument['selection'];
  argv: string[];
  createdBy: string;
  now: Date;
  validForMs: number;
  toolVersion: string;
}

function stepOf(r: RemediationResult, plan: RunPlan, host: string): PlanStep {
  const planned = plan.hosts.find((h) => h.name === host)!.playbooks.find((p) => p.remediations.has(r.remediationId))!;
  const spec = planned.remediations.get(r.remediationId)!;
  const phase = (p: 'capture' | 'apply' | 'rollback') => r.commands.filter((c) => c.phase === p).map((c) => ({ level: c.level, command: c.command }));
  return {
    stepId: r.remediationId,
    remediationId: r.remediationId,
    title: r.title,
    forCheck: r.forCheck,
    playbook: planned.playbook.path,
    capture: phase('capture'),
    before: r.before ?? {},
    apply: phase('apply'),
    waitS: spec.wait_s ?? 0,
    verify: [...spec.verify],
    rollback: phase('rollback'),
  };
}

/** The checks `ids` name, with every check they read (`checks.<id>.…`), in playbook order. */
export function withDependencies(checks: readonly CheckSpec[], ids: Iterable<string>): CheckSpec[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const chosen = new Set<string>();
  const queue = [...ids];
  while (queue.length > 0) {
    const id = queue.pop()!;
    const check = byId.get(id);
    if (!check || chosen.has(id)) continue;
    chosen.add(id);
    queue.push(...checkDependencies(check));
  }
  return checks.filter((c) => chosen.has(c.id));
}

/** What of a playbook the plan keeps: the remediations its steps use, their verification checks
 * (with the checks those read), and what types and allows its commands (variables' declarations,
 * read-only additions). Known secret values are masked. */
function planPlaybook(pb: LoadedPlaybook, remediationIds: ReadonlySet<string>, secrets: readonly string[]): PlanPlaybook {
  const { spec } = pb;
  const remediations = (spec.remediations ?? []).filter((r) => remediationIds.has(r.id));
  const kept: PlaybookSpec = {
    name: spec.name,
    ...(spec.vars ? { vars: spec.vars } : {}),
    ...(spec.platform_vars ? { platform_vars: spec.platform_vars } : {}),
    ...(spec.vars_by_input ? { vars_by_input: spec.vars_by_input } : {}),
    ...(spec.inputs ? { inputs: spec.inputs } : {}),
    ...(spec.readonly_commands ? { readonly_commands: spec.readonly_commands } : {}),
    checks: withDependencies(spec.checks, remediations.flatMap((r) => r.verify)),
    remediations,
  };
  return { path: pb.path, sha256: pb.sha256, spec: redactDeep(kept, secrets) };
}

/** A host's variables for one playbook, a variable holding a secret (by name, by input
 * declaration, or by a known secret value at any depth) named only. */
function hostVars(playbook: string, vars: Readonly<Record<string, unknown>>, secretInputs: readonly string[], secrets: readonly string[]): PlanHostVars {
  const kept: Record<string, unknown> = {};
  const secretVars: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    const one = { [k]: v };
    if (JSON.stringify(redactVars(one, { secretNames: secretInputs, secretValues: secrets })) === JSON.stringify(one)) kept[k] = v;
    else secretVars.push(k);
  }
  return { playbook, vars: kept, ...(secretVars.length ? { secretVars } : {}) };
}

/** What apply needs of a planned host: its target (no credentials), platform and variables. */
function hostTarget(host: HostPlan, platform: HostPlan['platform'], steps: readonly PlanStep[]): Omit<PlanHost, 'host' | 'haGroup' | 'steps'> {
  const used = new Set(steps.map((s) => s.playbook));
  const vars = host.playbooks
    .filter((p) => used.has(p.playbook.path))
    .map((p) => hostVars(p.playbook.path, p.varsByPlatform?.[platform] ?? p.vars, Object.entries(p.playbook.spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k), host.secrets));
  return { address: host.connection.address, port: host.connection.port, user: host.connection.user, platform, vars };
}

/** The plan: per host the remediations a plan-mode run found it needs, exactly as rendered. */
export function buildPlanDocument(input: PlanDocumentInput): PlanDocument {
  const hosts: PlanHost[] = [];
  const notPlanned: PlanDocument['notPlanned'] = [];
  for (const h of input.report.hosts) {
    if (h.status !== 'ok') {
      notPlanned.push({ host: h.host, reason: `${h.status}: ${h.triage?.message ?? 'no result'}` });
      continue;
    }
    const steps = h.remediations.filter((r) => r.status === 'planned').map((r) => stepOf(r, input.plan, h.host));
    for (const r of h.remediations.filter((x) => x.status !== 'planned')) notPlanned.push({ host: h.host, reason: `${r.remediationId} ${r.status}: ${localize(r.reason)}` });
    const failedWithout = h.checks.filter((c) => c.status === 'fail' && !(c.remediation?.length));
    if (steps.length > 0) {
      const ha = input.inventory.hosts.get(h.host)?.vars.ha_group;
      const planned = input.plan.hosts.find((x) => x.name === h.host)!;
      // The platform the device reported wins over the inventory's (transport/ssh-session.ts).
      const target = hostTarget(planned, h.facts?.platform ?? planned.platform, steps);
      hosts.push({ host: h.host, ...target, ...(ha !== undefined && ha !== null && ha !== '' ? { haGroup: String(ha) } : {}), steps });
    } else if (h.remediations.length === 0) {
      notPlanned.push({ host: h.host, reason: failedWithout.length ? `${failedWithout.map((c) => c.checkId).join(', ')} failed with no remediation` : 'nothing to change' });
    }
  }
  for (const name of input.report.notRun) notPlanned.push({ host: name, reason: 'not checked (interrupted)' });
  const secrets = [...new Set(input.plan.hosts.flatMap((h) => h.secrets))];
  const byPlaybook = new Map<string, Set<string>>();
  for (const step of hosts.flatMap((h) => h.steps)) byPlaybook.set(step.playbook, (byPlaybook.get(step.playbook) ?? new Set()).add(step.remediationId));
  const loaded = new Map(input.plan.hosts.flatMap((h) => h.playbooks.map((p) => [p.playbook.path, p.playbook] as const)));
  const playbooks = [...byPlaybook].map(([path, ids]) => planPlaybook(loaded.get(path)!, ids, secrets));
  return {
    $schema: PLAN_SCHEMA_URL,
    planVersion: PLAN_VERSION,
    tool: { name: 'firebook', version: input.toolVersion },
    createdAt: input.now.toISOString(),
    expiresAt: new Date(input.now.getTime() + input.validForMs).toISOString(),
    createdBy: input.createdBy,
    argv: input.argv,
    selection: input.selection,
    files: input.files,
    playbooks,
    hosts,
    notPlanned,
  };
}

/** Reads and validates plan.json; returns it with its exact text and the sha256 of its bytes
 * (what approvers sign and the journal names). */
export function readPlanDocument(path: string): { doc: PlanDocument; sha256: string; bytes: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UserError({ code: 'file-not-found', message: `cannot read plan ${path}: ${(err as Error).message}`, hint: "write one with 'firebook plan PLAYBOOK -i INVENTORY -o plan.json'" });
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UserError({ code: 'report-input', message: `${path} is not JSON: ${(err as Error).message}`, location: { file: path, line: 1, col: 1 } });
  }
  // An older plan does not carry what apply acts on: it is made again, never guessed at.
  const version = value && typeof value === 'object' ? (value as { planVersion?: unknown }).planVersion : undefined;
  if (typeof version === 'number' && version !== PLAN_VERSION) throw new UserError(oldPlan(path, version));
  const validate = schemaValidator('plan');
  if (!validate(value)) {
    const issues: UserIssue[] = (validate.errors ?? []).slice(0, 5).map((e) => ({ code: 'schema', message: `plan ${humanPath(e.instancePath)} ${e.message ?? 'is invalid'}`, location: { file: path, line: 1, col: 1 }, hint: 'plan.json is written by firebook plan; make a new plan instead of editing it' }));
    throw new UserError(issues);
  }
  return { doc: value as PlanDocument, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** A plan of another planVersion: made again with this firebook. */
export function oldPlan(file: string, version: unknown): UserIssue {
  return { code: 'report-input', message: `${file} is a planVersion ${String(version)} plan; this firebook applies planVersion ${PLAN_VERSION} plans only`, hint: 're-run firebook plan with the same playbooks and inventory, and have the new plan approved' };
}

export interface RefusalInput {
  now: Date;
  window?: ChangeWindow;
  /** Checking the files' hashes (apply, resume, rollback all do). */
  checkFiles: boolean;
  /** Expiry applies to starting a plan (apply, resume), not to undoing it. */
  checkExpiry: boolean;
}

/** Why the plan may not start (exit 4, nothing sent); empty when it may. */
export function planRefusals(doc: PlanDocument, file: string, r: RefusalInput): UserIssue[] {
  const issues: UserIssue[] = [];
  if (r.checkExpiry && r.now.getTime() >= Date.parse(doc.expiresAt)) {
    issues.push({ code: 'cli-usage', message: `${file}: the plan expired at ${doc.expiresAt}`, hint: 'make a new plan (firebook plan … --valid-for 24h) and have it approved' });
  }
  if (r.checkFiles) {
    for (const f of changedFiles(doc.files)) {
      issues.push({ code: 'cli-usage', message: `${f.path} ${f.now === undefined ? 'is gone' : 'changed'} since the plan was made (${f.role})`, hint: 'restore it, or make a new plan from the current files and have it approved' });
    }
  }
  if (r.window) {
    const state = windowState(r.window, r.now);
    if (state !== 'open') issues.push({ code: 'cli-usage', message: `${r.window.from ?? '--window'}: it is ${inOffsetOf(r.now, r.window.text)}, ${state === 'before' ? 'before the window opens' : 'after the window closed'} (${windowText(r.window)})`, hint: r.window.from ? `${r.window.from} binds resume: run inside it, or give a new approved --window (recorded in the journal)` : 'run inside the approved change window' });
  }
  return issues;
}
