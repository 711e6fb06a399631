/** Runs every planned check (and remediation) of one host on its one session. */
import type { CheckSpec, LocalizedText } from '../model/playbook.js';
import type { CheckResult, HostResult, RemediationResult } from '../model/result.js';
import type { DeviceSession, Facts } from '../model/transport.js';
import { TransportError } from '../model/transport.js';
import type { HostPlan, PlannedPlaybook } from '../plan/plan.js';
import { TRIAGE_NEXT } from '../model/triage.js';
import { registerResult, runCheck, syntheticResult, type CheckRunContext } from './check-runner.js';
import { renderLocalized } from '../checks/index.js';
import { runRemediation, settleFixedChecks, type RemediationMode } from './remediate.js';
import { applyWaivers, type Waiver } from './waivers.js';

export interface HostRunOptions {
  mode: RemediationMode;
  lang: 'en' | 'ja';
  waivers: readonly Waiver[];
  today: string;
  signal: AbortSignal;
  /** Told before a check runs (optional: the console names what is running on long waits). */
  onCheckBegin?(checkId: string): Promise<void>;
  onCheckEnd(result: CheckResult): Promise<void>;
  onRemediationEnd(result: RemediationResult): Promise<void>;
  /** Opens a fresh session to the same host (the old one is closed first). Used at most ONCE
   * per host, when the connection is lost during a check (e.g. the device rebooted). */
  reconnect?: () => Promise<DeviceSession>;
}

/** What a host's work accumulates. */
export interface HostState {
  checks: CheckResult[];
  remediations: RemediationResult[];
  /** The run was interrupted before this host finished its work. */
  interrupted: boolean;
  /** First level error (expert/sudo refused): the host ends `error` with this triage. */
  levelError?: TransportError;
  /** The session in use (replaced by the one reconnect). */
  session: DeviceSession;
  /** Set when the one reconnect was used. */
  reconnected?: { check: string; reason: string };
}

/** The context checks and remediations of one playbook run in on this host. */
export function contextFor(host: HostPlan, planned: PlannedPlaybook, session: DeviceSession, registered: CheckRunContext['registered'], opts: HostRunOptions, state: HostState): CheckRunContext {
  const facts = session.facts as unknown as Record<string, unknown>;
  // The platform the device reports wins over the inventory's (transport/ssh-session.ts).
  const platform = session.facts.platform;
  const vars = planned.varsByPlatform?.[platform] ?? planned.vars;
  return {
    session,
    platform,
    templateContext: { ...vars, vars, facts, checks: registered, host: { name: host.name } },
    playbook: planned.playbook.spec,
    secrets: host.secrets,
    commandTimeoutMs: host.connection.commandTimeoutMs,
    facts,
    vars: vars as Record<string, unknown>,
    registered,
    lang: opts.lang,
    signal: opts.signal,
    onLevelError: (err) => {
      if (err.triage === 'privilege') state.levelError ??= err;
    },
  };
}

async function finish(result: CheckResult, host: HostPlan, opts: HostRunOptions, state: HostState): Promise<CheckResult> {
  const final = applyWaivers(result, host.name, opts.waivers, opts.today);
  state.checks.push(final);
  await opts.onCheckEnd(final);
  return final;
}

/** Checks with `applicability` run first; a failed one makes every check `skipped` (not applicable). */
function orderChecks(checks: readonly CheckSpec[]): CheckSpec[] {
  return [...checks.filter((c) => c.applicability), ...checks.filter((c) => !c.applicability)];
}

/** Runs one playbook's checks, then its remediations. Throws TransportErrors that end the host. */
async function runPlaybook(host: HostPlan, planned: PlannedPlaybook, opts: HostRunOptions, state: HostState): Promise<void> {
  const registered: CheckRunContext['registered'] = {};
  const ctx = contextFor(host, planned, state.session, registered, opts, state);
  let notApplicable: LocalizedText | undefined;
  // Checks across hosts are judged by the runner once the host's group has finished (group-checks.ts).
  const pending = orderChecks(planned.checks.filter((c) => c.scope === undefined));
  for (const [i, spec] of pending.entries()) {
    if (opts.signal.aborted) {
      state.interrupted = true;
      for (const rest of pending.slice(i)) await finish(syntheticResult(rest, 'error', 'not run: the run was interrupted'), host, opts, state);
      return;
    }
    if (notApplicable !== undefined) {
      await finish(syntheticResult(spec, 'skipped', notApplicable), host, opts, state);
      continue;
    }
    let result: CheckResult;
    await opts.onCheckBegin?.(spec.id);
    try {
      result = await runCheckReconnecting(spec, ctx, opts, state);
    } catch (err) {
      // The session is gone: this and every later check are errors with the cause.
      const reason = `not run: ${(err as Error).message}`;
      for (const rest of pending.slice(i)) await finish(syntheticResult(rest, 'error', reason), host, opts, state);
      throw err;
    }
    if (spec.applicability && result.status === 'fail') {
      notApplicable = spec.skip_reason ? renderLocalized(spec.skip_reason, ctx.templateContext) : { en: 'not applicable', ja: '対象外' };
      result = { ...result, status: 'skipped', reason: notApplicable };
    }
    registered[spec.id] = registerResult(result, spec);
    await finish(result, host, opts, state);
  }
  const done = new Set<string>();
  for (const result of state.checks.filter((c) => c.status === 'fail' && planned.allChecks.has(c.checkId))) {
    for (const rid of result.remediation ?? []) {
      if (done.has(rid)) continue;
      done.add(rid);
      const spec = planned.remediations.get(rid)!;
      if (opts.signal.aborted) {
        // Recorded, not silently dropped: the change window must see what was left undone.
        state.interrupted = true;
        await record({ remediationId: rid, title: spec.title, forCheck: result.checkId, status: 'planned', reason: 'not applied: the run was interrupted', commands: [] }, opts, state);
        continue;
      }
      const { result: rem, fatal } = await runRemediation({ spec, forCheck: result.checkId, mode: opts.mode, allChecks: planned.allChecks }, ctx);
      await record(rem, opts, state);
      await settleFixedChecks(state.checks, rem, opts.onCheckEnd, { specs: planned.allChecks, ctx });
      if (fatal) throw fatal;
    }
  }
}

const isLostConnection = (err: unknown): err is TransportError => err instanceof TransportError && err.triage === 'disconnected';

/** Runs a check; when the connection is lost (a reboot, a reset), reconnects ONCE for the whole
 * host, re-enters the level (the new session moves there itself) and runs the check again —
 * checks are read-only, so running one twice is safe. A second loss ends the host, saying both.
 * Remediations are never re-run this way: a change half-applied needs a human. */
async function runCheckReconnecting(spec: CheckSpec, ctx: CheckRunContext, opts: HostRunOptions, state: HostState): Promise<CheckResult> {
  try {
    return await runCheck(spec, ctx);
  } catch (err) {
    if (!isLostConnection(err)) throw err;
    if (state.reconnected) throw lostAgain(err, state.reconnected);
    if (!opts.reconnect || opts.signal.aborted) throw err;
    state.reconnected = { check: spec.id, reason: err.message };
    try {
      state.session = ctx.session = await opts.reconnect();
    } catch (again) {
      const triage = again instanceof TransportError ? again.triage : 'disconnected';
      throw new TransportError(triage, `${err.message}; reconnecting once failed: ${(again as Error).message}`);
    }
    try {
      return await runCheck(spec, ctx);
    } catch (again) {
      throw isLostConnection(again) ? lostAgain(again, state.reconnected) : again;
    }
  }
}

function lostAgain(err: TransportError, first: { check: string; reason: string }): TransportError {
  return new TransportError('disconnected', `connection lost again after the one reconnect (first lost during ${first.check}: ${first.reason}): ${err.message}`);
}

async function record(rem: RemediationResult, opts: HostRunOptions, state: HostState): Promise<void> {
  state.remediations.push(rem);
  await opts.onRemediationEnd(rem);
}

/** The values of the inputs that chose variables for this host (`vars_by_input`), if any. */
export function selectionsOf(host: HostPlan): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const p of host.playbooks) {
    for (const input of Object.keys(p.playbook.spec.vars_by_input ?? {})) {
      const v = p.vars[input];
      if (typeof v === 'string') out[input] = v;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Runs a host to completion; always returns a result (never throws). */
export async function runHostOnSession(host: HostPlan, session: DeviceSession, startedAt: number, opts: HostRunOptions): Promise<HostResult> {
  const state: HostState = { checks: [], remediations: [], interrupted: false, session };
  const selections = selectionsOf(host);
  const base = { host: host.name, address: host.connection.address, facts: session.facts as Facts, ...(session.bundle ? { bundle: session.bundle } : {}), ...(selections ? { selections } : {}), startedAt: new Date(startedAt).toISOString() };
  try {
    for (const planned of host.playbooks) await runPlaybook(host, planned, opts, state);
  } catch (err) {
    const triage = err instanceof TransportError ? err.triage : 'internal';
    return { ...base, status: 'error', triage: { class: triage, message: (err as Error).message, next: TRIAGE_NEXT[triage] }, checks: state.checks, remediations: state.remediations, ...reconnectedOf(state), durationMs: Date.now() - startedAt };
  }
  const triage = state.interrupted
    ? { class: 'interrupted' as const, message: 'the run was interrupted', next: TRIAGE_NEXT.interrupted }
    : state.levelError
      ? { class: 'privilege' as const, message: state.levelError.message, next: TRIAGE_NEXT.privilege }
      : undefined;
  return { ...base, status: triage ? 'error' : 'ok', triage, checks: state.checks, remediations: state.remediations, ...reconnectedOf(state), durationMs: Date.now() - startedAt };
}

const reconnectedOf = (state: HostState) => (state.reconnected ? { reconnected: state.reconnected } : {});
