/**
 * Remediations: planned in check mode (exact commands, nothing sent); in apply mode
 * capture → (rollback rendered and checked) → apply → read back → wait → verify → roll back
 * if verification fails. Every command sent is recorded, also when the host is lost half-way.
 */
import type { CheckSpec, RemediationSpec, RemediationStep } from '../model/playbook.js';
import type { CheckResult, Fields, RemediationResult } from '../model/result.js';
import { settleRemediated } from '../model/outcome.js';
import { rootsOf } from '../model/causes.js';
import { checkDependencies, commandVariables, getPath, renderCommand, stepHoleTypes } from '../checks/index.js';
import { collectSteps, commandsFor, isLevelError } from './collect.js';
import { gate, registerResult, runCheck, type CheckRunContext } from './check-runner.js';
import { sleep } from './pacing.js';

type Commands = RemediationResult['commands'];
type Rendered = Array<{ step: RemediationStep; command: string }>;

function renderSteps(steps: RemediationStep[], context: Record<string, unknown>, ctx: CheckRunContext): Rendered {
  const types = ctx.playbook ? stepHoleTypes(ctx.playbook) : undefined;
  return steps.map((step) => ({ step, command: renderCommand(step.command, context, step.level, types) }));
}

/** A rollback that would send an empty value (e.g. no DNS server was configured before) must
 * not be trusted: refuse to apply instead. Returns the first empty `captured.*` path. */
function emptyCapturedValue(steps: RemediationStep[], context: Record<string, unknown>): string | undefined {
  for (const step of steps) {
    for (const path of commandVariables(step.command)) {
      if (!path.startsWith('captured.')) continue;
      const v = getPath(context, path.split('.'));
      if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) return path;
    }
  }
  return undefined;
}

/** Sends commands in order; stops at the first failure (fail_on match, non-zero exit, timeout). */
async function sendAll(steps: Rendered, phase: 'apply' | 'rollback', ctx: CheckRunContext, log: Commands): Promise<boolean> {
  for (const { step, command } of steps) {
    const res = await ctx.session.run(command, step.level, { timeoutMs: step.timeout_s ? step.timeout_s * 1000 : ctx.commandTimeoutMs });
    // Raw text for `fail_on`; the runner redacts the result before it is emitted.
    const output = res.output;
    const failedPattern = (step.fail_on ?? []).some((p) => new RegExp(p, 'm').test(output));
    const ok = !res.timedOut && !failedPattern && (res.exitCode === null || res.exitCode === 0);
    log.push({ level: step.level, command, phase, output, ok });
    if (!ok) return false;
  }
  return true;
}

export interface RemediationInput {
  spec: RemediationSpec;
  forCheck: string;
  mode: 'check' | 'apply';
  allChecks: ReadonlyMap<string, CheckSpec>;
}

/** The result, and — when the host was lost half-way — the error that ends the host. The
 * caller records the result first, then rethrows `fatal`. */
export interface RemediationOutcome {
  result: RemediationResult;
  fatal?: Error;
}

/** Check mode: the exact commands that would be sent (capture and apply); nothing is sent. */
function plan(spec: RemediationSpec, base: RemediationResult, ctx: CheckRunContext): RemediationResult {
  try {
    const capture = (spec.capture ?? []).flatMap((s) => commandsFor(s, ctx).map((c) => ({ level: s.level, command: c.command, phase: 'capture' as const })));
    // Rollback commands depend on captured values, known only at apply time.
    const apply = renderSteps(spec.apply, { ...ctx.templateContext, captured: {} }, ctx).map((a) => ({ level: a.step.level, command: a.command, phase: 'apply' as const }));
    return { ...base, commands: [...capture, ...apply] };
  } catch (err) {
    return { ...base, status: 'failed', reason: `cannot build the command: ${(err as Error).message}` };
  }
}

async function apply(input: RemediationInput, base: RemediationResult, ctx: CheckRunContext, log: Commands): Promise<RemediationResult> {
  const { spec } = input;
  const captured: Record<string, Fields> = {};
  for (const c of await collectSteps(spec.capture, ctx)) {
    captured[c.record.name] = c.record.fields;
    log.push({ level: c.evidence.level, command: c.evidence.command, phase: 'capture', output: c.evidence.output, ok: !c.record.parseError });
    if (c.record.parseError) return { ...base, status: 'failed', reason: `capture '${c.record.name}' could not be parsed (${c.record.parseError}); nothing was changed`, commands: log };
  }
  const context = { ...ctx.templateContext, captured };
  // Before rendering: the gate would refuse the empty value too, but this says why it matters.
  const empty = emptyCapturedValue(spec.rollback ?? [], context);
  if (empty) return { ...base, status: 'failed', reason: `the rollback would have no value for ${empty} (nothing to restore); nothing was changed`, commands: log, before: captured };
  let applySteps: Rendered;
  let rollbackSteps: Rendered;
  try {
    applySteps = renderSteps(spec.apply, context, ctx);
    rollbackSteps = renderSteps(spec.rollback ?? [], context, ctx);
  } catch (err) {
    return { ...base, status: 'failed', reason: `cannot build the command: ${(err as Error).message}; nothing was changed`, commands: log, before: captured };
  }

  const applyOk = await sendAll(applySteps, 'apply', ctx, log);
  const verification: NonNullable<RemediationResult['verification']> = [];
  let after: Record<string, Fields> | undefined;
  if (applyOk) {
    // Read the captured values back (e.g. show network after configure network dns ...).
    after = {};
    for (const c of await collectSteps(spec.capture, ctx)) after[c.record.name] = c.record.fields;
    // Not cut short by Ctrl-C: a change already made is verified (and rolled back) within the grace.
    await sleep((spec.wait_s ?? 0) * 1000);
    for (const id of spec.verify) verification.push(await runCheck(input.allChecks.get(id)!, { ...ctx, signal: undefined }));
    if (verification.every((v) => v.status === 'pass')) return { ...base, status: 'verified', commands: log, before: captured, after, verification };
  }
  const why = applyOk ? `verification failed: ${verification.filter((v) => v.status !== 'pass').map((v) => `${v.checkId} ${v.status}`).join(', ')}` : 'a command was rejected by the device';
  if (rollbackSteps.length === 0) return { ...base, status: 'failed', reason: `${why}; no rollback defined`, commands: log, before: captured, after, verification };
  const rolledBack = await sendAll(rollbackSteps, 'rollback', ctx, log);
  return { ...base, status: rolledBack ? 'rolled-back' : 'rollback-failed', reason: why, commands: log, before: captured, after, verification };
}

/** Plans or applies one remediation on a host. Never throws: a lost host comes back as `fatal`
 * next to a result that records every command already sent. */
export async function runRemediation(input: RemediationInput, ctx: CheckRunContext): Promise<RemediationOutcome> {
  const { spec } = input;
  const base: RemediationResult = { remediationId: spec.id, title: spec.title, forCheck: input.forCheck, status: 'planned', commands: [] };
  const g = gate(spec, ctx);
  if (!g.run) return { result: { ...base, status: 'not-applicable', reason: g.reason } };
  if (input.mode === 'check') return { result: plan(spec, base, ctx) };
  const log: Commands = [];
  try {
    return { result: await apply(input, base, ctx, log) };
  } catch (err) {
    const message = (err as Error).message;
    if (isLevelError(err)) return { result: { ...base, status: 'failed', reason: message, commands: log } };
    const sent = log.some((c) => c.phase !== 'capture');
    const reason = `${sent ? 'stopped after sending changes' : 'stopped before any change'}: ${message}; check the device by hand`;
    return { result: { ...base, status: 'failed', reason, commands: log }, fatal: err as Error };
  }
}

/** The `fixed` hand-off: after a remediation, each failed check it verified becomes `fixed` (the
 * rule: settleRemediated in model/outcome.ts), is replaced in `checks` and announced again —
 * a check may end more than once, the last end is final (report/build-report.ts). With
 * `recheck`, the failures that follow from a check it fixed (its symptoms, model/causes.ts) are
 * run again, and those that pass now are `fixed` too: a cron job with --apply must not page
 * anyone for a symptom of a cause that is already fixed. */
export async function settleFixedChecks(
  checks: CheckResult[],
  remediation: RemediationResult,
  onCheckEnd: (result: CheckResult) => Promise<void>,
  recheck?: { specs: ReadonlyMap<string, CheckSpec>; ctx: CheckRunContext },
): Promise<void> {
  const ids = recheck ? [...recheck.specs.keys()] : [];
  const roots = rootsOf(checks.filter((c) => c.status === 'fail'), ids, new Map(ids.map((id) => [id, checkDependencies(recheck!.specs.get(id)!)])));
  const fixedNow = new Set<string>();
  for (const [i, check] of checks.entries()) {
    const settled = settleRemediated(check, remediation);
    if (settled === check) continue;
    checks[i] = settled;
    fixedNow.add(check.checkId);
    await onCheckEnd(settled);
  }
  if (!recheck || fixedNow.size === 0) return;
  // Symptoms that read `checks.<id>` must see the verified state, not the failure before the fix.
  for (const v of remediation.verification ?? []) {
    const spec = recheck.specs.get(v.checkId);
    if (fixedNow.has(v.checkId) && spec) recheck.ctx.registered[v.checkId] = registerResult(v, spec);
  }
  for (const [i, check] of checks.entries()) {
    const root = roots.get(check.checkId);
    const spec = recheck.specs.get(check.checkId);
    if (check.status !== 'fail' || !root || !fixedNow.has(root) || !spec) continue;
    let again: CheckResult;
    try {
      again = await runCheck(spec, { ...recheck.ctx, signal: undefined });
    } catch {
      continue; // the session is gone: the failure stands (not verified)
    }
    if (again.status !== 'pass') continue;
    checks[i] = { ...check, status: 'fixed', fixed: { remediationId: remediation.remediationId, verifiedAt: again.startedAt, after: again.conditions } };
    recheck.ctx.registered[check.checkId] = registerResult(again, spec);
    await onCheckEnd(checks[i]);
  }
}
