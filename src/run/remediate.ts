/**
 * Remediations: planned in check mode (exact commands, nothing sent); in apply mode
 * capture → apply → wait → verify → roll back if verification fails. Every step is recorded.
 */
import type { CheckSpec, RemediationSpec, RemediationStep } from '../model/playbook.js';
import type { Fields, RemediationResult } from '../model/result.js';
import { redact } from '../model/redact.js';
import { renderCommand } from '../checks/index.js';
import { collectSteps, isLevelError } from './collect.js';
import { gate, runCheck, type CheckRunContext } from './check-runner.js';
import { sleep } from './pacing.js';

type Commands = RemediationResult['commands'];

function renderSteps(steps: RemediationStep[], ctx: CheckRunContext, context: Record<string, unknown>): Array<{ step: RemediationStep; command: string }> {
  return steps.map((step) => ({ step, command: renderCommand(step.command, context, step.level) }));
}

/** Sends commands in order; stops at the first failure (fail_on match or non-zero exit). */
async function sendAll(steps: Array<{ step: RemediationStep; command: string }>, phase: 'apply' | 'rollback', ctx: CheckRunContext, log: Commands): Promise<boolean> {
  for (const { step, command } of steps) {
    const res = await ctx.session.run(command, step.level, { timeoutMs: step.timeout_s ? step.timeout_s * 1000 : ctx.commandTimeoutMs });
    const output = redact(res.output, ctx.secrets);
    const failedPattern = (step.fail_on ?? []).some((p) => new RegExp(p, 'm').test(output));
    const ok = !res.timedOut && !failedPattern && (res.exitCode === null || res.exitCode === 0);
    log.push({ level: step.level, command: redact(command, ctx.secrets), phase, output, ok });
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

/** Plans or applies one remediation on a host. Never throws for device-side failures. */
export async function runRemediation(input: RemediationInput, ctx: CheckRunContext): Promise<RemediationResult> {
  const { spec } = input;
  const base: RemediationResult = { remediationId: spec.id, title: spec.title, forCheck: input.forCheck, status: 'planned', commands: [] };
  const g = gate(spec, ctx);
  if (!g.run) return { ...base, status: 'not-applicable', reason: g.reason };
  if (input.mode === 'check') {
    try {
      // Capture-dependent values (rollback) are unknown until apply; apply commands are exact.
      const applied = renderSteps(spec.apply, ctx, { ...ctx.templateContext, captured: {} });
      return { ...base, commands: [
        ...(spec.capture ?? []).map((s) => ({ level: s.level, command: redact(s.command ?? `cat ${s.file}`, ctx.secrets), phase: 'capture' as const })),
        ...applied.map((a) => ({ level: a.step.level, command: redact(a.command, ctx.secrets), phase: 'apply' as const })),
      ] };
    } catch (err) {
      return { ...base, status: 'failed', reason: `cannot build the command: ${(err as Error).message}` };
    }
  }
  const log: Commands = [];
  try {
    const captured: Record<string, Fields> = {};
    for (const c of await collectSteps(spec.capture, ctx)) {
      captured[c.record.name] = c.record.fields;
      log.push({ level: c.evidence.level, command: c.evidence.command, phase: 'capture', output: c.evidence.output, ok: !c.record.parseError });
      if (c.record.parseError) return { ...base, status: 'failed', reason: `capture '${c.record.name}' could not be parsed (${c.record.parseError}); nothing was changed`, commands: log };
    }
    const context = { ...ctx.templateContext, captured };
    const applyOk = await sendAll(renderSteps(spec.apply, ctx, context), 'apply', ctx, log);
    let verification: RemediationResult['verification'] = [];
    if (applyOk) {
      await sleep((spec.wait_s ?? 0) * 1000, ctx.signal);
      for (const id of spec.verify) verification.push(await runCheck(input.allChecks.get(id)!, ctx));
      if (verification.every((v) => v.status === 'pass')) return { ...base, status: 'verified', commands: log, before: captured, verification, after: afterFields(verification) };
    }
    const why = applyOk ? `verification failed: ${verification.filter((v) => v.status !== 'pass').map((v) => `${v.checkId} ${v.status}`).join(', ')}` : 'a command was rejected by the device';
    if (!spec.rollback?.length) return { ...base, status: 'failed', reason: `${why}; no rollback defined`, commands: log, before: captured, verification };
    const rolledBack = await sendAll(renderSteps(spec.rollback, ctx, context), 'rollback', ctx, log);
    return { ...base, status: rolledBack ? 'rolled-back' : 'rollback-failed', reason: why, commands: log, before: captured, verification };
  } catch (err) {
    if (isLevelError(err)) return { ...base, status: 'failed', reason: err.message, commands: log };
    throw err;
  }
}

function afterFields(verification: NonNullable<RemediationResult['verification']>): Record<string, Fields> {
  const after: Record<string, Fields> = {};
  for (const v of verification) for (const e of v.evidence) after[`${v.checkId}.${e.step}`] = e.fields;
  return after;
}
