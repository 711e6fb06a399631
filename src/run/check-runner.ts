/** Runs one check on one host: when-gating, collect, judge, retries. Returns a result value. */
import type { CheckSpec, LocalizedText } from '../model/playbook.js';
import type { CheckResult, CheckStatus, Evidence } from '../model/result.js';
import { TransportError } from '../model/transport.js';
import { evaluateCheck, evaluateCondition, renderLocalized, stepNamesOf, type EvalContext } from '../checks/index.js';
import { TemplateError } from '../command/index.js';
import { collectSteps, EvidenceUnavailable, isLevelError, recordsByStep, type CollectContext } from './collect.js';
import { sleep } from './pacing.js';

export interface CheckRunContext extends CollectContext {
  facts: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Results registered by earlier checks: `checks.<id>.<field>` and `.status`. */
  registered: Record<string, Record<string, unknown>>;
  lang: 'en' | 'ja';
  signal?: AbortSignal;
  /** Called when a level (expert/sudo) is refused, so the host can be marked `error`. */
  onLevelError?(err: TransportError): void;
}

function baseResult(spec: CheckSpec, startedAt: number): Omit<CheckResult, 'status'> {
  return {
    checkId: spec.id,
    title: spec.title,
    severity: spec.severity,
    tags: spec.tags ?? [],
    evidence: [],
    conditions: [],
    attempts: 0,
    startedAt: new Date(startedAt).toISOString(),
    durationMs: 0,
    remediation: spec.remediation,
  };
}

/** A result for a check that did not run its steps (skipped, or error before collection). */
export function syntheticResult(spec: CheckSpec, status: CheckStatus, reason: LocalizedText): CheckResult {
  return { ...baseResult(spec, Date.now()), status, reason };
}

function evalContext(ctx: CheckRunContext, steps: EvalContext['steps'], spec?: CheckSpec): EvalContext {
  return { steps, defaultStep: spec ? stepNamesOf(spec.collect)[0] : undefined, facts: ctx.facts, vars: ctx.vars, checks: ctx.registered };
}

/** Evaluates `when`: undefined → run; a condition that does not hold → skip reason;
 * an undecidable one → error (no silent skip on missing facts). */
export function gate(spec: { when?: CheckSpec['when']; skip_reason?: LocalizedText }, ctx: CheckRunContext): { run: true } | { run: false; status: 'skipped' | 'error'; reason: LocalizedText } {
  for (const cond of spec.when ?? []) {
    const o = evaluateCondition(cond, evalContext(ctx, {}));
    if (o.undecidable) return { run: false, status: 'error', reason: `cannot evaluate when-condition ${o.description}: value missing` };
    if (!o.holds) {
      const reason = spec.skip_reason ? renderLocalized(spec.skip_reason, { ...ctx.templateContext, actual: o.actual }) : `condition not met: ${o.description} (actual: ${o.actual ?? 'none'})`;
      return { run: false, status: 'skipped', reason };
    }
  }
  return { run: true };
}

/** Runs a check through its attempts. Rejects only with TransportErrors that end the host. */
export async function runCheck(spec: CheckSpec, ctx: CheckRunContext): Promise<CheckResult> {
  const started = Date.now();
  const g = gate(spec, ctx);
  if (!g.run) return { ...syntheticResult(spec, g.status, g.reason), durationMs: Date.now() - started };
  const maxAttempts = (spec.retries ?? 0) + 1;
  let result: CheckResult | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (attempt > 1) await sleep((spec.delay_s ?? 1) * 1000, ctx.signal);
    let evidence: Evidence[] = [];
    try {
      const collected = await collectSteps(spec.collect, ctx);
      evidence = collected.map((c) => c.evidence);
      const verdict = evaluateCheck(spec, evalContext(ctx, recordsByStep(collected), spec), ctx.lang);
      result = { ...baseResult(spec, started), ...(verdict.diagnosis?.severity ? { severity: verdict.diagnosis.severity } : {}), status: verdict.status, conditions: verdict.conditions, diagnosis: verdict.diagnosis, reason: verdict.reason, evidence, attempts: attempt };
    } catch (err) {
      // Evidence this session cannot give (not in the bundle): not judged, never guessed.
      if (err instanceof EvidenceUnavailable) return { ...baseResult(spec, started), status: 'skipped', reason: err.reason, evidence: err.evidence, attempts: attempt, durationMs: Date.now() - started };
      if (isLevelError(err)) {
        ctx.onLevelError?.(err);
        return { ...baseResult(spec, started), status: 'error', reason: err.message, evidence, attempts: attempt, durationMs: Date.now() - started };
      }
      if (err instanceof TransportError) throw err;
      // A template or loop problem found only at run time (e.g. a value refused for a command) ends
      // this check as an error; anything else is a bug of ours, said as such.
      const message = (err as Error).message;
      const reason = err instanceof TemplateError || message.startsWith('loop ') ? `cannot build the command: ${message}` : `internal error in firebook: ${message}`;
      result = { ...baseResult(spec, started), status: 'error', reason, evidence, attempts: attempt };
      break;
    }
    if (result.status === 'pass' || ctx.signal?.aborted) break;
  }
  return { ...result!, durationMs: Date.now() - started };
}

/** Fields and status a later check can read as `checks.<id>.…`. */
export function registerResult(result: CheckResult, spec: CheckSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const ev of result.evidence) {
    for (const [k, v] of Object.entries(ev.fields)) {
      if (!spec.register || spec.register.includes(k)) fields[k] = v;
    }
  }
  // `checks.<id>.status` is the check's status, even when a parser has a field of that name
  // (nslookup's `status: timeout` would otherwise hide a failed dns-resolves-sse).
  fields.status = result.status;
  return fields;
}
