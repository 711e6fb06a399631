/**
 * Judges one check on collected evidence: expect → pass / fail / error, then diagnosis.
 * `error` means "we could not tell" (a needed step timed out, its output could not be parsed,
 * a field is missing) and is never reported as pass or fail.
 */
import type { CheckSpec, CollectStep, LocalizedText } from '../model/playbook.js';
import type { Diagnosis } from '../model/result.js';
import { evaluateCondition, type ConditionEvaluation } from './condition.js';
import type { EvalContext, StepRecord } from './context.js';
import { renderLocalized } from './template.js';

/** What evaluateCheck returns; the runner adds evidence, timing and attempts. */
export interface CheckEvaluation {
  status: 'pass' | 'fail' | 'error' | 'skipped';
  conditions: ConditionEvaluation[];
  diagnosis?: Diagnosis;
  reason?: LocalizedText;
}

/** The step bare paths refer to: the context's default, else the check's first collect step. */
export function defaultStepOf(spec: CheckSpec, ctx: EvalContext): string | undefined {
  return ctx.defaultStep ?? stepNamesOf(spec.collect)[0] ?? Object.keys(ctx.steps)[0];
}

/** Names of a list of collect steps: `name`, else `main` for a single step, `step<N>` otherwise.
 * The one definition: the runner names records with it and validation checks references with it. */
export function stepNamesOf(steps: readonly CollectStep[] | undefined): string[] {
  const list = steps ?? [];
  return list.map((s, i) => s.name ?? (list.length === 1 ? 'main' : `step${i + 1}`));
}

function recordView(r: StepRecord): Record<string, unknown> {
  return { exit: r.exitCode, output: r.output, fields: r.fields, item: r.item ?? null, timed_out: r.timedOut === true, parse_error: r.parseError ?? null };
}

/**
 * The context message templates see: `steps.<name>.fields.<f>` / `.exit` / `.output` (first record;
 * all records of a looped step under `.records`), `fields` (default step), `facts`, `vars`, `checks`.
 */
export function buildTextContext(ctx: EvalContext, defaultStep?: string): Record<string, unknown> {
  const steps: Record<string, unknown> = {};
  for (const [name, records] of Object.entries(ctx.steps)) {
    if (records.length === 0) continue;
    steps[name] = { ...recordView(records[0]), records: records.map(recordView) };
  }
  const first = defaultStep !== undefined ? ctx.steps[defaultStep]?.[0] : undefined;
  return { ...ctx.operands, steps, fields: first?.fields ?? {}, facts: ctx.facts, vars: ctx.vars, checks: ctx.checks };
}

function missingReason(undecided: ConditionEvaluation[]): LocalizedText {
  const list = undecided.map((c) => `${c.description} — ${c.reason ?? 'value missing'}`).join('; ');
  return { en: `Not enough evidence to judge: ${list}`, ja: `判定に必要な証拠がありません: ${list}` };
}

/** The first rule whose `when` conditions all hold (an undecidable one does not apply). A
 * fallback rule (`when: []`) explains a failure only: for `error` the reason already says what
 * evidence is missing, and a fallback would claim a cause nobody saw. */
function pickDiagnosis(spec: CheckSpec, ctx: EvalContext, text: () => Record<string, unknown>, failed = true): Diagnosis | undefined {
  for (const rule of spec.diagnose ?? []) {
    if (rule.when.length === 0 && !failed) continue;
    const applies = rule.when.every((c) => {
      const r = evaluateCondition(c, ctx);
      return r.holds && !r.undecidable;
    });
    if (!applies) continue;
    const d: Diagnosis = { cause: renderLocalized(rule.cause, text()) };
    if (rule.id !== undefined) d.id = rule.id;
    if (rule.next !== undefined) d.next = renderLocalized(rule.next, text());
    if (rule.severity !== undefined) d.severity = rule.severity;
    return d;
  }
  return undefined;
}

/** Evaluates a check's `expect` and `diagnose` against the evidence. Pure; never throws. */
export function evaluateCheck(spec: CheckSpec, ctx: EvalContext, _lang: 'en' | 'ja' = 'en'): CheckEvaluation {
  // Both languages are always produced (reports pick one); `_lang` is kept for callers that
  // pass the run language and may be used to trim output later.
  const defaultStep = defaultStepOf(spec, ctx);
  const judged: EvalContext = { ...ctx, defaultStep };
  // Built only when a message is rendered: a passing check without messages needs none.
  let built: Record<string, unknown> | undefined;
  const text = (): Record<string, unknown> => (built ??= buildTextContext(judged, defaultStep));
  // `skip_when`: the evidence says the check does not apply (docs/playbooks.md "Checks").
  if (spec.skip_when?.length && spec.skip_when.every((c) => {
    const r = evaluateCondition(c, judged);
    return r.holds && !r.undecidable;
  })) {
    return { status: 'skipped', conditions: [], reason: spec.skip_reason ? renderLocalized(spec.skip_reason, text()) : { en: 'not applicable', ja: '対象外' } };
  }
  const conditions = spec.expect.map((c) => {
    const r = evaluateCondition(c, judged);
    if (r.message !== undefined) r.message = renderLocalized(r.message, text());
    return r;
  });
  const undecided = conditions.filter((c) => c.undecidable);
  if (undecided.length > 0) {
    const diagnosis = pickDiagnosis(spec, judged, text, false);
    return { status: 'error', conditions, reason: missingReason(undecided), ...(diagnosis ? { diagnosis } : {}) };
  }
  if (conditions.every((c) => c.holds)) return { status: 'pass', conditions };
  const diagnosis = pickDiagnosis(spec, judged, text);
  return { status: 'fail', conditions, ...(diagnosis ? { diagnosis } : {}) };
}
