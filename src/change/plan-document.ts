/**
 * The plan document (plan.json): built from a plan-mode run, read back and judged by `apply`.
 * Format: schemas/plan.schema.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PLAN_VERSION, type PlanDocument, type PlanFile, type PlanHost, type PlanStep } from '../model/change.js';
import { UserError, type UserIssue } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { localize } from '../model/playbook.js';
import type { RemediationResult, RunReport } from '../model/result.js';
import type { RunPlan } from '../plan/plan.js';
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
      hosts.push({ host: h.host, address: h.address, ...(ha !== undefined && ha !== null && ha !== '' ? { haGroup: String(ha) } : {}), steps });
    } else if (h.remediations.length === 0) {
      notPlanned.push({ host: h.host, reason: failedWithout.length ? `${failedWithout.map((c) => c.checkId).join(', ')} failed with no remediation` : 'nothing to change' });
    }
  }
  for (const name of input.report.notRun) notPlanned.push({ host: name, reason: 'not checked (interrupted)' });
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
  const validate = schemaValidator('plan');
  if (!validate(value)) {
    const issues: UserIssue[] = (validate.errors ?? []).slice(0, 5).map((e) => ({ code: 'schema', message: `plan ${humanPath(e.instancePath)} ${e.message ?? 'is invalid'}`, location: { file: path, line: 1, col: 1 }, hint: 'plan.json is written by firebook plan; make a new plan instead of editing it' }));
    throw new UserError(issues);
  }
  return { doc: value as PlanDocument, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
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
