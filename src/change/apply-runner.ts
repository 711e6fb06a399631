/**
 * A change window's steps on their hosts: the runner (runPlan) with another source of work (the
 * plan's steps, `hostWork`), a batch schedule, and one more sink (the journal). Connections,
 * budgets, grace, batches and events are the runner's, in one run; each step is the one
 * remediation path (remediate.ts) held to the plan by a ChangeControl.
 */
import { resumeCommand, SENT_NOT_VERIFIED, valuesLine, type ChangePhase, type JournalEntry, type PendingStep, type StepOutcome } from '../model/change.js';
import type { RunEvent } from '../model/events.js';
import type { ChangeRecord, ChangeStatus, CheckResult, CheckStatus, HostResult, RemediationResult, RunMeta, RunReport } from '../model/result.js';
import type { DeviceSession, Facts } from '../model/transport.js';
import type { HostPlan, PlannedPlaybook, RunPlan } from '../plan/plan.js';
import type { Serial } from '../plan/batches.js';
import { withDependencies } from './plan-document.js';
import { computeChangeExitCode } from '../model/outcome.js';
import { redact, redactDeep } from '../model/redact.js';
import type { Connector } from '../model/transport.js';
import type { EventBus } from '../run/emitter.js';
import { contextFor, type HostRunOptions, type HostState } from '../run/host-runner.js';
import { registerResult, runCheck, type CheckRunContext } from '../run/check-runner.js';
import { runRemediation, type ChangeControl } from '../run/remediate.js';
import { pickValues, usedCaptures } from '../run/captured-values.js';
import { runPlan } from '../run/runner.js';
import type { ResultStore } from '../store/result-store.js';

/** A window the driver stops starting hosts after (the start was checked before). */
export interface OpenWindow {
  end: Date;
}

export interface ChangeRunOptions {
  /** Hosts as the plan's selection resolves them today (connection, variables, playbooks). */
  plan: RunPlan;
  kind: 'apply' | 'rollback';
  steps: readonly PendingStep[];
  connector: Connector;
  bus: EventBus;
  meta: RunMeta;
  journal: (entry: JournalEntry) => void;
  /** The journal's path, for the next step an interrupted run names (`firebook resume …`). */
  journalPath?: string;
  /** Who each change record names: the plan's approvers for an apply; for a rollback, who ran
   * it (and its own ticket), never the apply's approver by default. */
  approvedBy: string;
  ticket?: string;
  forks?: number;
  connectRate?: number;
  serial?: Serial;
  maxFailPercentage?: number;
  /** HA group per host: members never share a batch. */
  haGroups: ReadonlyMap<string, string>;
  window?: OpenWindow;
  signal?: AbortSignal;
  graceMs?: number;
  now?: () => Date;
  lang?: 'en' | 'ja';
  onEvent?: (e: RunEvent) => void;
  /** Told once when `onEvent` throws (e.g. disk full); the run goes on. */
  onEventError?: (error: Error) => void;
  /** Where finished hosts' full results go (see RunOptions.store). */
  store?: ResultStore;
}

const UNDO_STATUS: Partial<Record<RemediationResult['status'], StepOutcome>> = { verified: 'undone', drifted: 'drifted' };

/** The report's coarser status: an undo that held is `verified` (its row says "undo …"); a
 * failed rollback or undo is `failed` (the reason says which). */
const REPORT_STATUS: Record<StepOutcome, ChangeStatus> = {
  verified: 'verified',
  'already-applied': 'already-applied',
  'rolled-back': 'rolled-back',
  'rollback-failed': 'failed',
  failed: 'failed',
  drifted: 'drifted',
  'not-started': 'not-started',
  undone: 'verified',
  'undo-failed': 'failed',
};

function changeStatus(kind: 'apply' | 'rollback', r: RemediationResult): StepOutcome {
  if (kind === 'rollback') return UNDO_STATUS[r.status] ?? 'undo-failed';
  return r.status === 'verified' || r.status === 'already-applied' || r.status === 'rolled-back' || r.status === 'rollback-failed' || r.status === 'drifted' ? r.status : 'failed';
}

/** A host's checks in a change window are the verifications its changes ran (the last run of
 * each check counts): the report's verdict and matrix then say whether the changes worked. */
function verificationsOf(remediations: readonly RemediationResult[]): CheckResult[] {
  const byId = new Map<string, CheckResult>();
  for (const v of remediations.flatMap((r) => r.verification ?? [])) byId.set(v.checkId, v);
  return [...byId.values()];
}

/** A session that writes a journal line before each command goes out and after its answer. */
function journaledSession(session: DeviceSession, host: HostPlan, journal: (e: JournalEntry) => void, now: () => Date, at: { stepId?: string; phase: ChangePhase }): DeviceSession {
  return {
    get facts() {
      return session.facts;
    },
    async run(command, level, o) {
      if (!at.stepId) return session.run(command, level, o);
      const base = { host: host.name, stepId: at.stepId, phase: at.phase, level, command: redact(command, host.secrets) };
      journal({ type: 'command', time: now().toISOString(), ...base });
      const res = await session.run(command, level, o);
      journal({ type: 'answer', time: now().toISOString(), ...base, output: redact(res.output, host.secrets), exitCode: res.exitCode, ok: !res.timedOut && (res.exitCode === null || res.exitCode === 0) });
      return res;
    },
    close: () => session.close(),
  };
}

/** Runs every plan step of the changed hosts, batch by batch; returns the report (with `changes`). */
export async function runChanges(opts: ChangeRunOptions): Promise<RunReport> {
  const now = opts.now ?? (() => new Date());
  const signal = opts.signal ?? new AbortController().signal;
  const stepsByHost = new Map<string, PendingStep[]>();
  for (const s of opts.steps) stepsByHost.set(s.host, [...(stepsByHost.get(s.host) ?? []), s]);
  const hostPlans = new Map(opts.plan.hosts.map((h) => [h.name, h]));
  const changes: ChangeRecord[] = [];
  /** The plan step id of each change record (a record names its remediation, not its step). */
  const changeStep: string[] = [];
  const outcomes: Array<{ host: string; status: StepOutcome }> = [];
  const ended = new Set<string>();
  /** Ends a step: a journal line (unless `unended`: the host was lost mid-step, and resume must
   * find the step open to re-capture it) and a change record. */
  const record = (p: PendingStep, status: StepOutcome, r?: RemediationResult, reason?: string, unended = false, used?: ReturnType<typeof usedCaptures>) => {
    const time = now().toISOString();
    const verification = r?.verification?.map((v) => ({ checkId: v.checkId, status: v.status as CheckStatus }));
    const why = reason ?? (r?.reason === undefined ? undefined : typeof r.reason === 'string' ? r.reason : r.reason.en);
    if (!unended) opts.journal({ type: 'step-end', time, host: p.host, stepId: p.step.stepId, status, reason: why, before: r?.before, after: r?.after, verification });
    ended.add(`${p.host}\u0000${p.step.stepId}`);
    outcomes.push({ host: p.host, status });
    changeStep.push(p.step.stepId);
    changes.push({
      host: p.host,
      remediation: opts.kind === 'rollback' ? `undo ${p.step.remediationId}` : p.step.remediationId,
      commands: (r?.commands ?? []).filter((c) => c.phase !== 'capture').map((c) => c.command),
      // The values the change is about (a full `show network` would bury them).
      before: valuesLine(pickValues(r?.before, used)),
      after: valuesLine(pickValues(r?.after, used)),
      status: REPORT_STATUS[status],
      approver: opts.ticket ? `${opts.approvedBy} (${opts.ticket})` : opts.approvedBy,
      time,
      ...(why !== undefined || status !== REPORT_STATUS[status] ? { reason: [status !== REPORT_STATUS[status] ? status : undefined, why].filter(Boolean).join(': ') } : {}),
    });
  };
  const windowClosed = () => opts.window !== undefined && now().getTime() >= opts.window.end.getTime();
  const stopReason = () => (signal.aborted ? 'the run was interrupted' : windowClosed() ? 'the change window closed' : undefined);

  const hostWork = async (host: HostPlan, session: DeviceSession, hostStart: number, hostOpts: HostRunOptions): Promise<HostResult> => {
    const pending = stepsByHost.get(host.name) ?? [];
    // No reconnect mid-change: a lost host ends here and its open step is re-captured by resume.
    const state: HostState = { checks: [], remediations: [], interrupted: false, session };
    const at: { stepId?: string; phase: ChangePhase } = { phase: 'capture' };
    const journaled = journaledSession(session, host, opts.journal, now, at);
    const registeredFor = new Map<PlannedPlaybook, CheckRunContext['registered']>();
    opts.journal({ type: 'host-begin', time: now().toISOString(), host: host.name });
    const base = { host: host.name, address: host.connection.address, facts: session.facts as Facts, startedAt: new Date(hostStart).toISOString() };
    // The steps were rendered for the platform the device reported when planned.
    const platform = (session.facts as Facts | undefined)?.platform;
    const otherPlatform = platform !== undefined && platform !== host.platform ? `the device reports platform ${platform}; the plan was made for ${host.platform}: nothing was sent` : undefined;
    for (const [i, p] of pending.entries()) {
      if (otherPlatform) {
        record(p, 'failed', undefined, otherPlatform);
        continue;
      }
      const stop = stopReason();
      if (stop) {
        if (signal.aborted) state.interrupted = true;
        for (const rest of pending.slice(i)) record(rest, 'not-started', undefined, stop);
        break;
      }
      const planned = host.playbooks.find((pb) => pb.playbook.path === p.step.playbook && pb.remediations.has(p.step.remediationId));
      if (!planned) {
        record(p, 'failed', undefined, `remediation ${p.step.remediationId} is not in ${p.step.playbook} for this host; nothing was sent`);
        continue;
      }
      const spec = planned.remediations.get(p.step.remediationId)!;
      // Verification may read values earlier checks register: run those (read-only) once.
      let registered = registeredFor.get(planned);
      if (!registered) {
        registered = {};
        registeredFor.set(planned, registered);
        const verifyIds = new Set(opts.kind === 'apply' ? p.step.verify : []);
        const ctx0 = contextFor(host, planned, session, registered, hostOpts, state);
        for (const dep of withDependencies(planned.playbook.spec.checks, verifyIds).filter((c) => !verifyIds.has(c.id))) {
          registered[dep.id] = registerResult(await runCheck(dep, ctx0), dep);
        }
      }
      const ctx = contextFor(host, planned, journaled, registered, hostOpts, state);
      const observer: ChangeControl['observer'] = {
        onPhase: (phase) => (at.phase = phase),
        onCaptured: (when, values, matches) => opts.journal({ type: 'captured', time: now().toISOString(), host: host.name, stepId: p.step.stepId, when, values: redactDeep(values, host.secrets), matches }),
      };
      const undo = opts.kind === 'rollback';
      if (undo && p.step.rollback.length === 0) {
        record(p, 'undo-failed', undefined, 'the remediation defines no rollback: undo it by hand');
        continue;
      }
      const control: ChangeControl = undo
        ? {
            expectedBefore: p.after,
            expectedCommands: { apply: p.step.rollback.map((c) => c.command), rollback: [] },
            maybeApplied: p.uncertain,
            templateCaptured: p.step.before,
            verifyValues: p.step.before,
            observer,
            // A change sent but never verified: the re-capture decides (docs/change-window.md "After a crash").
            ...(p.sentNotVerified
              ? {
                  doneWhen: { values: p.step.before, reason: 'the change was sent but had not taken: the device shows the plan\'s before values; nothing was sent' },
                  unknownState: `${SENT_NOT_VERIFIED}: the device shows neither the plan's before values${p.after ? ' nor the values read back after the change' : ''}; nothing was sent. Run ${resumeCommand(opts.journalPath)} first, then roll back its journal`,
                }
              : {}),
          }
        : {
            expectedBefore: p.step.before,
            expectedCommands: { apply: p.step.apply.map((c) => c.command), rollback: p.step.rollback.map((c) => c.command) },
            maybeApplied: p.uncertain,
            ...(p.uncertain ? { templateCaptured: p.step.before } : {}),
            ...(p.judgeOnly ? { doneWhen: { values: p.step.before, status: 'rolled-back' as const, reason: 'the change had not taken: the device shows the plan\'s before values; nothing was sent' } } : {}),
            ...(p.appliedBy ? { doneWhen: { values: p.appliedBy.after, status: 'already-applied' as const, reason: `already applied by ${p.appliedBy.journal} (the device holds the values it left); nothing was sent` } } : {}),
            observer,
          };
      const runSpec = undo ? { ...spec, apply: spec.rollback ?? [], rollback: [], verify: [] } : spec;
      opts.journal({ type: 'step-begin', time: now().toISOString(), host: host.name, stepId: p.step.stepId, ...(p.uncertain ? { recapture: true } : {}) });
      at.stepId = p.step.stepId;
      const { result, fatal } = await runRemediation({ spec: runSpec, forCheck: p.step.forCheck, mode: 'apply', allChecks: planned.allChecks, control }, ctx);
      at.stepId = undefined;
      state.remediations.push(result);
      await hostOpts.onRemediationEnd(result);
      if (fatal) {
        // The step's last command has no answer in the journal: left open, so resume re-captures it first.
        record(p, 'failed', redactDeep(result, host.secrets), `the host was lost mid-change (${fatal.message}); 'firebook resume' re-captures it first`, true, usedCaptures(runSpec));
        for (const rest of pending.slice(i + 1)) record(rest, 'not-started', undefined, `the host was lost: ${fatal.message}`);
        return { ...base, status: 'error', triage: { class: 'disconnected', message: `lost during ${p.step.remediationId}: ${fatal.message}`, next: { en: `The connection dropped mid-change: check the device, then ${resumeCommand(opts.journalPath)} re-captures it and finishes the change.`, ja: `変更中に接続が切断されました。機器を確認してから ${resumeCommand(opts.journalPath)} を実行してください。` } }, checks: verificationsOf(state.remediations), remediations: state.remediations, durationMs: Date.now() - hostStart };
      }
      // Judged on raw text; what the journal and the report keep is redacted.
      record(p, changeStatus(opts.kind, result), redactDeep(result, host.secrets), undefined, false, usedCaptures(runSpec));
    }
    const triage = state.interrupted ? { class: 'interrupted' as const, message: 'the run was interrupted', next: { en: `The change run was interrupted before this host finished: ${resumeCommand(opts.journalPath)} finishes it.`, ja: `このホストの完了前に変更の実行が中断されました。${resumeCommand(opts.journalPath)} で続きを実行してください。` } } : undefined;
    return { ...base, status: triage ? 'error' : 'ok', triage, checks: verificationsOf(state.remediations), remediations: state.remediations, durationMs: Date.now() - hostStart };
  };

  // One run: batches of the changed hosts (plan order of their steps), one run-begin, one run-end.
  const plan: RunPlan = { hosts: [...stepsByHost.keys()].map((n) => hostPlans.get(n)!), checks: [] };
  let batches: readonly (readonly string[])[] = [];
  const report = await runPlan(plan, {
    connector: opts.connector,
    bus: opts.bus,
    meta: opts.meta,
    mode: 'apply',
    forks: opts.forks,
    connectRate: opts.connectRate,
    signal,
    graceMs: opts.graceMs,
    now,
    lang: opts.lang,
    onEvent: opts.onEvent,
    onEventError: opts.onEventError,
    hostWork,
    store: opts.store,
    batches: {
      serial: opts.serial,
      haGroups: opts.haGroups,
      maxFailPercentage: opts.maxFailPercentage,
      // A host fails its batch when it did not end ok or one of its changes did not hold.
      failed: (h) => h.status !== 'ok' || outcomes.some((o) => o.host === h.host && ['rolled-back', 'rollback-failed', 'failed', 'undo-failed'].includes(o.status)),
      stopBefore: stopReason,
      onBatchBegin: (batch, names) => opts.journal({ type: 'batch-begin', time: now().toISOString(), batch, hosts: [...names] }),
      onBatchEnd: ({ batch, hosts: names, results, failed, stop }) => {
        for (const h of results) {
          opts.journal({ type: 'host-end', time: now().toISOString(), host: h.host, status: h.status, ...(h.triage ? { message: h.triage.message } : {}) });
          // A host that never connected: its steps did not start (resume tries them again).
          for (const p of stepsByHost.get(h.host) ?? []) {
            if (!ended.has(`${p.host}\u0000${p.step.stepId}`)) record(p, 'not-started', undefined, `${h.status}: ${h.triage?.message ?? 'not started'}`);
          }
        }
        opts.journal({ type: 'batch-end', time: now().toISOString(), batch, failed, total: names.length, ...(stop ? { stop } : {}) });
      },
    },
    conclude: (ending) => {
      batches = ending.batches;
      for (const name of ending.notRun) {
        for (const p of stepsByHost.get(name) ?? []) record(p, 'not-started', undefined, ending.stoppedBecause ?? 'not started');
      }
      // Plan order (batch, then the plan's order of steps), never completion order: two reports of
      // one change list its changes alike.
      const batchOf = new Map(batches.flatMap((names, b) => names.map((n) => [n, b] as const)));
      const stepIndex = new Map(opts.steps.map((s, i) => [`${s.host}\u0000${s.step.stepId}`, i]));
      const rank = (c: ChangeRecord, i: number) => [batchOf.get(c.host) ?? batches.length, stepIndex.get(`${c.host}\u0000${changeStep[i]}`) ?? 0];
      const order = changes.map((c, i) => ({ c, key: rank(c, i) }));
      order.sort((x, y) => x.key[0] - y.key[0] || x.key[1] - y.key[1]);
      const exitCode = computeChangeExitCode(ending.hosts, outcomes.map((o) => o.status), { interrupted: ending.interrupted });
      opts.journal({ type: 'journal-end', time: ending.endedAt.toISOString(), exitCode, interrupted: ending.interrupted, ...(ending.stoppedBecause ? { stoppedBecause: ending.stoppedBecause } : {}) });
      return {
        checks: [...new Map(ending.hosts.flatMap((h) => h.checks).map((c) => [c.checkId, { id: c.checkId, title: c.title, severity: c.severity }])).values()],
        exitCode,
        changes: order.map((o) => o.c),
      };
    },
  });
  return report;
}
