/**
 * Remediations: planned in check mode (exact commands, nothing sent); in plan mode the
 * capture runs too (read-only) so the plan holds the "before" values and the rendered
 * rollback; in apply mode capture → (rollback rendered and checked) → apply → read back →
 * wait → verify → roll back if verification fails. Every command sent is recorded, also
 * when the host is lost half-way.
 *
 * `run --apply`, `apply` (a plan), `resume` and `rollback` all go through this one path; a
 * change held to a plan passes a ChangeControl (drift check, exact commands, journal hooks).
 */
import { valuesLine, type ChangePhase } from '../model/change.js';
import type { CheckSpec, RemediationSpec, RemediationStep } from '../model/playbook.js';
import type { CheckResult, Fields, RemediationResult } from '../model/result.js';
import { settleRemediated } from '../model/outcome.js';
import { rootsOf } from '../model/causes.js';
import { checkDependencies } from '../checks/index.js';
import { getPath } from '../model/dotted-path.js';
import { commandVariables, renderCommand, stepHoleTypes } from '../command/index.js';
import { redact, redactDeep, REDACTED } from '../model/redact.js';
import { collectSteps, commandsFor, isLevelError } from './collect.js';
import { gate, registerResult, runCheck, type CheckRunContext } from './check-runner.js';
import { sleep } from './pacing.js';
import { pickValues, sameValues, usedCaptures } from './captured-values.js';

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

/** check: commands only; plan: capture too (read-only); apply: change the device. */
export type RemediationMode = 'check' | 'plan' | 'apply';

/** Told where a change stands (the journal listens). */
export interface ChangeObserver {
  /** Before the commands of a phase go out. */
  onPhase?(phase: ChangePhase): void;
  /** After the capture (`before`) and the read-back (`after`); `matches` compares with the plan. */
  onCaptured?(when: 'before' | 'after', values: Record<string, Fields>, matches?: boolean): void;
}

/** Holds a change to a plan (apply, resume, rollback). Absent for `run --apply`. */
export interface ChangeControl {
  /** The values captured while planning: when the device now shows others, it is drifted and
   * nothing is sent. */
  expectedBefore?: Record<string, Fields>;
  /** The commands the plan showed (redacted): rendering must reproduce them exactly. */
  expectedCommands?: { apply: string[]; rollback: string[] };
  /** A command of this change may already have reached the device (an apply killed mid-step):
   * a capture that differs from `expectedBefore` goes to verification instead of `drifted`. */
  maybeApplied?: boolean;
  /** What `captured.*` means in the templates when this capture is not the plan's before (a
   * change already applied, an undo): the plan's before. Default: this capture. */
  templateCaptured?: Record<string, Fields>;
  /** Verified when the read-back equals these values (an undo) instead of re-running checks. */
  verifyValues?: Record<string, Fields>;
  /** A capture equal to these values means the device already is where this step would bring
   * it: nothing is sent, the step ends `status` (default `verified`) with `reason` (an undo of a
   * change that never took; a plan step an earlier apply of the plan already made). */
  doneWhen?: { values: Record<string, Fields>; reason: string; status?: 'verified' | 'already-applied' | 'rolled-back' };
  /** When set, a capture that is neither `doneWhen` nor `expectedBefore` (or there is no
   * `expectedBefore`) stops the step with this reason, nothing sent: the state is unknown. */
  unknownState?: string;
  observer?: ChangeObserver;
}

export interface RemediationInput {
  spec: RemediationSpec;
  forCheck: string;
  mode: RemediationMode;
  allChecks: ReadonlyMap<string, CheckSpec>;
  control?: ChangeControl;
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

async function capture(spec: RemediationSpec, ctx: CheckRunContext, log: Commands): Promise<{ values: Record<string, Fields>; parseError?: string }> {
  const values: Record<string, Fields> = {};
  for (const c of await collectSteps(spec.capture, ctx)) {
    values[c.record.name] = c.record.fields;
    log.push({ level: c.evidence.level, command: c.evidence.command, phase: 'capture', output: c.evidence.output, ok: !c.record.parseError });
    if (c.record.parseError) return { values, parseError: `capture '${c.record.name}' could not be parsed (${c.record.parseError})` };
  }
  return { values };
}

/** The rendered commands differ from the plan's (redacted) ones: names the first difference. */
function commandMismatch(rendered: Rendered, expected: string[] | undefined, secrets: readonly string[]): string | undefined {
  if (!expected) return undefined;
  const got = rendered.map((r) => redact(r.command, secrets));
  if (got.length !== expected.length) return `${got.length} commands instead of the plan's ${expected.length}`;
  const i = got.findIndex((c, k) => c !== expected[k]);
  return i < 0 ? undefined : `'${got[i]}' instead of the plan's '${expected[i]}'`;
}

/** What `prepare` found: why nothing may be sent, a drifted device, or the commands to send. */
type Prepared =
  | { kind: 'stop'; reason: string; captured: Record<string, Fields> }
  | { kind: 'done'; reason: string; status: 'verified' | 'already-applied' | 'rolled-back'; captured: Record<string, Fields> }
  | { kind: 'drifted'; captured: Record<string, Fields> }
  | { kind: 'ready'; captured: Record<string, Fields>; matches?: boolean; applySteps: Rendered; rollbackSteps: Rendered };

/** Capture, render and check everything before any change. */
async function prepare(input: RemediationInput, ctx: CheckRunContext, log: Commands): Promise<Prepared> {
  const { spec, control } = input;
  control?.observer?.onPhase?.('capture');
  const cap = await capture(spec, ctx, log);
  const captured = cap.values;
  if (cap.parseError) return { kind: 'stop', reason: `${cap.parseError}; nothing was changed`, captured };
  // The plan holds values as stored (redacted): compare like with like.
  const matches = control?.expectedBefore ? sameValues(redactDeep(captured, ctx.secrets), control.expectedBefore, usedCaptures(spec)) : undefined;
  control?.observer?.onCaptured?.('before', captured, matches);
  if (control?.doneWhen && sameValues(redactDeep(captured, ctx.secrets), control.doneWhen.values, usedCaptures(spec))) return { kind: 'done', reason: control.doneWhen.reason, status: control.doneWhen.status ?? 'verified', captured };
  if (control?.unknownState && matches !== true) return { kind: 'stop', reason: control.unknownState, captured };
  // Someone changed the device since the plan: nothing is rendered against values nobody approved.
  if (matches === false && !control?.maybeApplied) return { kind: 'drifted', captured };
  const templateValues = control?.templateCaptured ?? captured;
  if (control?.templateCaptured && JSON.stringify(templateValues).includes(REDACTED)) {
    return { kind: 'stop', reason: 'a value to restore was stored redacted (it holds a secret), so it cannot be put back from the plan; nothing was changed', captured };
  }
  const context = { ...ctx.templateContext, captured: templateValues };
  // Before rendering: the gate would refuse the empty value too, but this says why it matters.
  const empty = emptyCapturedValue(spec.rollback ?? [], context);
  if (empty) return { kind: 'stop', reason: `the rollback would have no value for ${empty} (nothing to restore); nothing was changed`, captured };
  let applySteps: Rendered;
  let rollbackSteps: Rendered;
  try {
    applySteps = renderSteps(spec.apply, context, ctx);
    rollbackSteps = renderSteps(spec.rollback ?? [], context, ctx);
  } catch (err) {
    return { kind: 'stop', reason: `cannot build the command: ${(err as Error).message}; nothing was changed`, captured };
  }
  const differs = commandMismatch(applySteps, control?.expectedCommands?.apply, ctx.secrets) ?? commandMismatch(rollbackSteps, control?.expectedCommands?.rollback, ctx.secrets);
  if (differs) return { kind: 'stop', reason: `the commands differ from the plan (${differs}); nothing was changed`, captured };
  return { kind: 'ready', captured, matches, applySteps, rollbackSteps };
}

/** Plan mode: the capture runs (read-only) so the plan holds the before values and the
 * rendered rollback; nothing is changed. */
async function planWithCapture(input: RemediationInput, base: RemediationResult, ctx: CheckRunContext, log: Commands): Promise<RemediationResult> {
  const p = await prepare(input, ctx, log);
  if (p.kind === 'stop') return { ...base, status: 'failed', reason: p.reason.replace(/; nothing was changed$/, ''), commands: log, before: p.captured };
  if (p.kind === 'drifted' || p.kind === 'done') throw new Error('a plan is made without a plan to drift from');
  const planned = (steps: Rendered, phase: 'apply' | 'rollback') => steps.map((r) => ({ level: r.step.level, command: r.command, phase }));
  // The plan keeps the values its commands use: what the board reads and what drift is judged on.
  return { ...base, status: 'planned', commands: [...log, ...planned(p.applySteps, 'apply'), ...planned(p.rollbackSteps, 'rollback')], before: pickValues(p.captured, usedCaptures(input.spec)) };
}

async function verify(input: RemediationInput, ctx: CheckRunContext, after: Record<string, Fields>): Promise<{ ok: boolean; verification: CheckResult[]; why: string }> {
  const want = input.control?.verifyValues;
  if (want) {
    const ok = sameValues(redactDeep(after, ctx.secrets), want, usedCaptures(input.spec));
    return { ok, verification: [], why: ok ? '' : 'the read-back values differ from the values to restore' };
  }
  const verification: CheckResult[] = [];
  for (const id of input.spec.verify) verification.push(await runCheck(input.allChecks.get(id)!, { ...ctx, signal: undefined }));
  const failed = verification.filter((v) => v.status !== 'pass');
  return { ok: failed.length === 0, verification, why: `verification failed: ${failed.map((v) => `${v.checkId} ${v.status}`).join(', ')}` };
}

async function apply(input: RemediationInput, base: RemediationResult, ctx: CheckRunContext, log: Commands): Promise<RemediationResult> {
  const { spec, control } = input;
  const observer = control?.observer;
  let p = await prepare(input, ctx, log);
  if (p.kind === 'stop') return { ...base, status: 'failed', reason: p.reason, commands: log, before: p.captured };
  if (p.kind === 'done') {
    // Already applied by an earlier apply: its journal is not proof alone (it is not signed), so the
    // plan's verification must pass on the device as it is too; otherwise it is drift.
    const check = p.status === 'already-applied' && spec.verify.length > 0 ? await verify(input, ctx, p.captured) : undefined;
    if (!check || check.ok) return { ...base, status: p.status, reason: p.reason, commands: log, before: p.captured, after: p.captured, ...(check ? { verification: check.verification } : {}) };
    p = { kind: 'drifted', captured: p.captured };
  }
  if (p.kind === 'drifted') {
    const used = usedCaptures(spec);
    const expectedVsFound = `expected ${valuesLine(pickValues(control?.expectedBefore, used)) || 'the plan\'s before values'}, found ${valuesLine(pickValues(redactDeep(p.captured, ctx.secrets), used)) || 'none'}`;
    return { ...base, status: 'drifted', reason: `the device changed since the plan was made: ${expectedVsFound}; nothing was sent`, commands: log, before: p.captured };
  }
  const { captured, applySteps, rollbackSteps } = p;
  // Already applied by an apply that was killed mid-step: do not send it twice, judge it.
  const alreadyApplied = p.matches === false;
  let applyOk = true;
  if (!alreadyApplied) {
    observer?.onPhase?.('apply');
    applyOk = await sendAll(applySteps, 'apply', ctx, log);
  }
  let verification: CheckResult[] = [];
  let after: Record<string, Fields> | undefined;
  let why = 'a command was rejected by the device';
  if (applyOk) {
    // Read the captured values back (e.g. show network after configure network dns ...).
    observer?.onPhase?.('readback');
    after = {};
    for (const c of await collectSteps(spec.capture, ctx)) after[c.record.name] = c.record.fields;
    observer?.onCaptured?.('after', after);
    // Not cut short by Ctrl-C: a change already made is verified (and rolled back) within the grace.
    if (!alreadyApplied) await sleep((spec.wait_s ?? 0) * 1000);
    observer?.onPhase?.('verify');
    const v = await verify(input, ctx, after);
    verification = v.verification;
    if (v.ok) return { ...base, status: 'verified', reason: alreadyApplied ? 'found applied by the interrupted run, then verified' : undefined, commands: log, before: captured, after, verification };
    why = v.why;
  }
  if (rollbackSteps.length === 0) return { ...base, status: 'failed', reason: `${why}; no rollback defined`, commands: log, before: captured, after, verification };
  observer?.onPhase?.('rollback');
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
    return { result: input.mode === 'plan' ? await planWithCapture(input, base, ctx, log) : await apply(input, base, ctx, log) };
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
