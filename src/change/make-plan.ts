/** `firebook plan`: the plan document written from a plan-mode run (plan.json, plan.md,
 * plan.html), and what refuses to write it. docs/change-window.md. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT, type UserIssue } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import type { PlanFile } from '../model/change.js';
import type { LoadedPlaybook } from '../model/playbook.js';
import type { RunReport } from '../model/result.js';
import type { RunPlan } from '../plan/plan.js';
import { renderPlanHtml, renderPlanMarkdown } from '../report/render-plan.js';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../io/atomic-file.js';
import { redactArgv } from '../report/index.js';
import { formatLabel, labelsFor } from '../report/labels.js';
import { toolVersion } from '../io/package-files.js';
import { buildPlanDocument } from './plan-document.js';
import { extraVarsFiles, hashFiles, inventoryFiles } from './files.js';
import { signatureFiles } from './approval.js';
import { runFolderIssue } from './exclusive.js';
import { secretEnvName, splitExtraVars } from './extra-vars.js';
import type { ChangeNotes } from './history.js';

/** Why `-o output` may not be written (exit 4, before anything runs): an existing plan without
 * `force`, a run folder that is not new, signatures of an earlier plan beside it. */
export function planOutputIssue(output: string, o: { force: boolean; outDir?: string }): UserIssue | undefined {
  // An approved plan is evidence: a new one never replaces it unless asked.
  if (existsSync(output) && !o.force) return { code: 'cli-usage', message: `firebook plan: -o ${output} already exists: a plan is never overwritten silently`, hint: 'name another file with -o, or give --force to replace it' };
  const folder = o.outDir === undefined ? undefined : runFolderIssue(o.outDir);
  if (folder) return folder;
  const stale = signatureFiles(output);
  if (stale.length) return { code: 'cli-usage', message: `firebook plan: ${stale.join(', ')} already sign${stale.length === 1 ? 's' : ''} an earlier ${basename(output)}: a new plan would sit beside signatures it does not have`, hint: "run 'firebook plan --help' for the options" };
  return undefined;
}

/** The files the plan is made from, hashed: playbooks, the inventory's files, `-e @FILE`s. */
export function planInputFiles(cwd: string, playbooks: readonly LoadedPlaybook[], inventory: Inventory, extraVarArgs: readonly string[] | undefined): PlanFile[] {
  return hashFiles([
    ...playbooks.map((p) => ({ path: resolve(cwd, p.path), role: 'playbook' as const })),
    ...inventoryFiles(inventory).map((path) => ({ path, role: 'inventory' as const })),
    ...extraVarsFiles(cwd, extraVarArgs ? [...extraVarArgs] : undefined).map((path) => ({ path, role: 'vars' as const })),
  ]);
}

export interface PlanOutput {
  /** The plan-mode run's report. */
  report: RunReport;
  plan: RunPlan;
  inventory: Inventory;
  playbooks: readonly LoadedPlaybook[];
  files: PlanFile[];
  inventoryArg: string;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  /** `-e` as given, and the argument each came from. */
  given: Record<string, unknown>;
  origins: Record<string, string>;
  argv: string[];
  /** plan.json's absolute path (plan.md and plan.html go beside it). */
  output: string;
  validForMs: number;
  lang: 'en' | 'ja';
}

/** Writes plan.json, plan.md and plan.html; says what it planned; returns the exit code (0, or
 * 3 when a host was unreachable or errored: listed as not planned). */
export function writePlan(p: PlanOutput, io: ChangeNotes & { cwd: string }): number {
  const { report, output } = p;
  const secretInputs = new Set(p.playbooks.flatMap((pb) => Object.entries(pb.spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k)));
  const secrets = [...new Set(p.plan.hosts.flatMap((h) => h.secrets))];
  const doc = buildPlanDocument({
    report,
    plan: p.plan,
    inventory: p.inventory,
    files: p.files,
    selection: {
      playbooks: p.playbooks.map((pb) => resolve(io.cwd, pb.path)),
      inventory: resolve(io.cwd, p.inventoryArg),
      ...(p.limit ? { limit: p.limit } : {}),
      ...(p.tags ? { tags: p.tags } : {}),
      ...(p.skipTags ? { skipTags: p.skipTags } : {}),
      ...splitExtraVars(p.given, { origins: p.origins, secretInputs, secretValues: secrets, cwd: io.cwd }),
    },
    argv: redactArgv(p.argv, secrets),
    createdBy: report.meta.operator,
    now: new Date(),
    validForMs: p.validForMs,
    toolVersion: toolVersion(),
  });
  mkdirSync(dirname(output), { recursive: true });
  const stem = join(dirname(output), basename(output, '.json'));
  const text = JSON.stringify(doc, null, 2) + '\n';
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  writeFileAtomic(output, text, PRIVATE_FILE_MODE);
  writeFileAtomic(`${stem}.md`, renderPlanMarkdown(doc, sha256, basename(output)));
  writeFileAtomic(`${stem}.html`, renderPlanHtml(doc, sha256, basename(output)));
  const operator = Object.entries(doc.selection.extraVarRefs ?? {}).filter(([, r]) => r.from === 'operator').map(([k]) => k);
  if (operator.length) io.stderr.write(`firebook: plan: the plan names the secret(s) ${operator.join(', ')} without storing them: give them to apply in a file (-e @FILE) or as ${operator.map(secretEnvName).join(', ')} (docs/secrets.md)\n`);
  const steps = doc.hosts.reduce((n, h) => n + h.steps.length, 0);
  io.stderr.write(`firebook: plan ${output} (+ .md, .html): ${steps} change(s) on ${doc.hosts.length} host(s), expires ${doc.expiresAt}, sha256 ${sha256}\n`);
  const exit = report.hosts.some((h) => h.status !== 'ok') ? EXIT.hostFailed : EXIT.ok;
  // The console's verdict said what the plan found; its last line says what it plans.
  io.stderr.write(`firebook: ${formatLabel(labelsFor(p.lang).planSummary, { changes: steps, hosts: doc.hosts.length, left: doc.notPlanned.length, exit })}\n`);
  return exit;
}
