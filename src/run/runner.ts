/**
 * The runner: hosts in parallel (one p-limit), each host's checks in order on one session.
 * Emits events; never lets one host stop the others; always ends with a report.
 */
import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { runEndEvent, type RunEvent } from '../model/events.js';
import type { PlaybookSpec, Severity } from '../model/playbook.js';
import type { HostResult, RunMeta, RunReport } from '../model/result.js';
import { exceedsMaxFail, planBatches, type Serial } from '../plan/batches.js';
import { TransportError, type Connector, type DeviceSession } from '../model/transport.js';
import { redact, redactDeep } from '../model/redact.js';
import type { HostPlan, RunPlan } from '../plan/plan.js';
import { computeExitCode, computeSummary } from '../model/outcome.js';
import { EventBus } from './emitter.js';
import { GroupChecks } from './group-checks.js';
import { applyWaivers } from './waivers.js';
import { runHostOnSession, type HostRunOptions } from './host-runner.js';
import { createLoginPacer, type PacerClock } from './pacing.js';
import { TRIAGE_NEXT } from '../model/triage.js';
import type { Waiver } from './waivers.js';
import type { RemediationMode } from './remediate.js';
import { lightRemediation, memoryResultStore, withoutEvidence, type ResultStore } from '../store/result-store.js';

/** Hosts run at once by default: the work is I/O-bound waiting on devices, not CPU. */
export const DEFAULT_FORKS = 50;
/** After Ctrl-C, in-flight commands get this long before connections close. In apply mode a
 * remediation already started may need to verify and roll back, so it gets longer. */
export const CHECK_GRACE_MS = 3_000;
export const APPLY_GRACE_MS = 120_000;

/**
 * Which hosts run together (docs/change-window.md "Batches"; plan/batches.ts): batches one after
 * the other, in one run (one run-begin, one run-end). Without a schedule every host is in one batch.
 */
export interface BatchSchedule {
  /** `--serial N|N%`: hosts per batch (default: all). */
  serial?: Serial;
  /** HA group per host: members never share a batch. */
  haGroups?: ReadonlyMap<string, string>;
  /** `--max-fail-percentage P`: the remaining batches stop when more than P% of a batch failed
   * (default: only when every host of a batch failed). */
  maxFailPercentage?: number;
  /** Whether a finished host counts as failed (default: its status is not `ok`). A host of the
   * batch that did not finish always counts. */
  failed?: (result: HostResult) => boolean;
  /** Asked before each batch: a reason to start no more batches (e.g. the change window closed). */
  stopBefore?: () => string | undefined;
  onBatchBegin?: (batch: number, hosts: readonly string[]) => void;
  /** After each batch (numbered from 1): its hosts' results in batch order, the failed count, and
   * why the remaining batches stop, when they do. */
  onBatchEnd?: (end: { batch: number; hosts: readonly string[]; results: readonly HostResult[]; failed: number; stop?: string }) => void;
}

/** How the run ended, for a caller that judges it itself (the change window). */
export interface RunEnding {
  hosts: readonly HostResult[];
  notRun: readonly string[];
  interrupted: boolean;
  /** Why batches were left unstarted (max-fail, stopBefore, interrupted), if they were. */
  stoppedBecause?: string;
  batches: readonly (readonly string[])[];
  endedAt: Date;
}

export interface RunOptions {
  connector: Connector;
  bus: EventBus;
  meta: RunMeta;
  /** `plan` is check mode plus the remediations' read-only capture (firebook plan). */
  mode: RemediationMode;
  forks?: number;
  connectRate?: number;
  waivers?: readonly Waiver[];
  failOn?: Severity;
  lang?: 'en' | 'ja';
  /** Aborted on the first Ctrl-C: stop starting hosts, let in-flight commands finish within the grace. */
  signal?: AbortSignal;
  graceMs?: number;
  /** Injected clock (tests). */
  now?: () => Date;
  /** Injected clock of the login pacer (tests). */
  pacerClock?: PacerClock;
  /** Also receives every event, in order (events.jsonl); `run-end` comes before the reporters'
   * `onEnd`, so files they hash include the complete log. */
  onEvent?: (e: RunEvent) => void;
  /** Told once when `onEvent` throws (e.g. disk full); the run goes on. */
  onEventError?: (error: Error) => void;
  /** What a host does once connected (default: its checks, then remediations). The change
   * window's apply gives its plan steps instead; connection, budgets and grace stay here. */
  hostWork?: (host: HostPlan, session: DeviceSession, startedAt: number, opts: HostRunOptions) => Promise<HostResult>;
  /** Where finished hosts' full results go (default: memory). With a file store the runner
   * keeps only summaries and the returned report's hosts are summaries; the caller closes it. */
  store?: ResultStore;
  /** Batches of hosts (default: one batch of every host). */
  batches?: BatchSchedule;
  /** The report's checks, exit code and changes, when the caller judges the run (the change
   * window: its changes and their exit code). Called once, before `run-end` is logged. */
  conclude?: (ending: RunEnding) => Partial<Pick<RunReport, 'checks' | 'exitCode' | 'changes'>>;
}

/** A playbook as the run's metadata records it; an extended read-only list is always said. */
export function playbookMetaOf(p: { path: string; sha256: string; spec: Pick<PlaybookSpec, 'name' | 'readonly_commands'> }): RunMeta['playbooks'][number] {
  const ext = p.spec.readonly_commands;
  const extended = (ext?.cli?.length ?? 0) + (ext?.shell?.length ?? 0) > 0;
  return { path: p.path, name: p.spec.name, sha256: p.sha256, ...(extended ? { readonlyCommands: ext } : {}) };
}

/** Unreachable = we never got a usable session; other connect failures are `error`. */
const UNREACHABLE = new Set(['dns', 'refused', 'connect-timeout', 'host-key-mismatch', 'host-key-unknown', 'auth']);

function failedHost(host: HostPlan, err: unknown, startedAt: number): HostResult {
  const triage = err instanceof TransportError ? err.triage : 'internal';
  const message = redact((err as Error).message ?? String(err), host.secrets);
  return {
    host: host.name,
    address: host.connection.address,
    status: UNREACHABLE.has(triage) ? 'unreachable' : 'error',
    triage: { class: triage, message, next: TRIAGE_NEXT[triage] },
    checks: [],
    remediations: [],
    startedAt: new Date(startedAt).toISOString(),
    durationMs: Date.now() - startedAt,
  };
}

/** `onEvent` guarded: a sink that throws (e.g. disk full) is told once via `onEventError`, and
 * the run goes on. */
export function guardedEventSink(opts: Pick<RunOptions, 'onEvent' | 'onEventError'>): (e: RunEvent) => void {
  let failed = false;
  return (e) => {
    try {
      opts.onEvent?.(e);
    } catch (err) {
      if (!failed) opts.onEventError?.(err as Error);
      failed = true;
    }
  };
}

/** The run's report at its end: timing, the final counts and the verdict, from the host results. */
export function finishReport(
  meta: RunMeta,
  startedAtMs: number,
  endedAt: Date,
  parts: Pick<RunReport, 'checks' | 'hosts' | 'notRun' | 'exitCode' | 'changes'> & { interrupted: boolean },
): RunReport {
  const { interrupted, changes, ...rest } = parts;
  return {
    schemaVersion: 1,
    meta: { ...meta, endedAt: endedAt.toISOString(), durationMs: Date.now() - startedAtMs },
    incomplete: interrupted,
    checks: rest.checks,
    hosts: rest.hosts,
    notRun: rest.notRun,
    summary: computeSummary(rest.hosts, rest.notRun),
    exitCode: rest.exitCode,
    ...(changes ? { changes } : {}),
  };
}

/** Resolves once the event loop has polled for I/O after this call: a Ctrl-C that came while
 * synchronous work (a parser) held the loop is then handled. A signal is read in the poll phase;
 * when this is called from a poll callback, the first setImmediate runs before the next poll,
 * so it takes two. */
export async function afterPendingSignals(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
}

export async function runPlan(plan: RunPlan, opts: RunOptions): Promise<RunReport> {
  const now = opts.now ?? (() => new Date());
  const signal = opts.signal ?? new AbortController().signal;
  // Every in-flight host listens for the run's abort: as many listeners as forks, by design.
  setMaxListeners(0, signal);
  const results = new Map<string, HostResult>();
  const store = opts.store ?? memoryResultStore();
  const log = guardedEventSink(opts);
  const emit = async (e: RunEvent) => {
    log(e);
    await opts.bus.emit(e);
  };
  // A host's final result is written to the store and sent once (host-end); memory keeps its
  // summary. A host with a check across hosts (group-checks.ts) is final only once its group has
  // finished: its result waits in the store, its host-end waits, and the pair check is added to
  // what the store gives back, then written again (docs/architecture.md "A host's way through").
  const groups = new GroupChecks(plan.hosts);
  const secretsOf = new Map(plan.hosts.map((h) => [h.name, h.secrets]));
  const today = now().toISOString().slice(0, 10);
  const release = async (name: string, full: HostResult) => {
    const added = groups.judge(name).map((c) => redactDeep(applyWaivers(c, name, opts.waivers ?? [], today), secretsOf.get(name) ?? []));
    for (const c of added) await emit({ type: 'check-end', time: now().toISOString(), host: name, result: c });
    const result = added.length > 0 ? { ...full, checks: [...full.checks, ...added] } : full;
    results.set(name, store.add(result));
    await emit({ type: 'host-end', time: now().toISOString(), result });
  };
  const groupsOf = new Map(plan.hosts.filter((h) => h.groups?.length).map((h) => [h.name, h.groups!]));
  const finish = async (done: HostResult) => {
    const groupNames = groupsOf.get(done.host);
    const result = groupNames && !done.groups ? { ...done, groups: groupNames } : done;
    const ready = groups.finished(result);
    if (!ready.includes(result.host)) results.set(result.host, store.add(result));
    for (const name of ready) await release(name, name === result.host ? result : store.read(name)!);
  };
  const pace = createLoginPacer(opts.connectRate, signal, opts.pacerClock);
  const limit = pLimit(Math.max(1, opts.forks ?? DEFAULT_FORKS));
  const startedAt = Date.now();
  // Check titles are playbook text, but a secret value may still be spelled in them.
  const checks = redactDeep(plan.checks, [...new Set(plan.hosts.flatMap((h) => h.secrets))]);
  await emit({ type: 'run-begin', time: now().toISOString(), meta: opts.meta, hosts: plan.hosts.map((h) => h.name), checks });

  const runHost = async (host: HostPlan): Promise<void> => {
    if (signal.aborted) return;
    await pace();
    if (signal.aborted) return;
    const hostStart = Date.now();
    await emit({ type: 'host-begin', time: now().toISOString(), host: host.name });
    // Per-host budget and run abort both close the session, which ends the in-flight command.
    const hostAbort = new AbortController();
    let session: DeviceSession | undefined;
    const timedOut = () => new TransportError('host-timeout', `host did not finish within ${host.connection.hostTimeoutMs / 1000}s`);
    const deadline = Date.now() + host.connection.hostTimeoutMs;
    const timer = setTimeout(() => hostAbort.abort(timedOut()), host.connection.hostTimeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    const onRunAbort = () => {
      // Grace for in-flight commands, then close the connection.
      graceTimer = setTimeout(() => hostAbort.abort(new TransportError('interrupted', 'the run was interrupted')), opts.graceMs ?? (opts.mode === 'apply' ? APPLY_GRACE_MS : CHECK_GRACE_MS));
    };
    signal.addEventListener('abort', onRunAbort, { once: true });
    let result: HostResult;
    // Every login attempt takes a pacer slot: the first took its slot above (before host-begin,
    // so an interrupted run leaves unstarted hosts as not run); retries and the one reconnect
    // take theirs here.
    const connect = (firstSlotTaken: boolean) => {
      let slotTaken = firstSlotTaken;
      return opts.connector.connect(host.connection, hostAbort.signal, {
        beforeAttempt: async () => {
          if (!slotTaken) await pace();
          slotTaken = false;
          if (signal.aborted) throw new TransportError('interrupted', 'the run was interrupted before this host could log in');
        },
      });
    };
    try {
      // An inventory value the playbook refuses (plan.ts inputErrorsPerHost): this host's error, no login.
      if (host.inputError !== undefined) throw new TransportError('invalid-input', host.inputError);
      session = await connect(true);
      hostAbort.signal.addEventListener('abort', () => void session?.close().catch(() => undefined), { once: true });
      result = await (opts.hostWork ?? runHostOnSession)(host, session, hostStart, {
        mode: opts.mode,
        lang: opts.lang ?? 'en',
        waivers: opts.waivers ?? [],
        today: now().toISOString().slice(0, 10),
        signal,
        onCheckBegin: (checkId) => emit({ type: 'check-begin', time: now().toISOString(), host: host.name, checkId }),
        onCheckEnd: (r) => emit({ type: 'check-end', time: now().toISOString(), host: host.name, result: redactDeep(withoutEvidence(r), host.secrets) }),
        onRemediationEnd: (r) => emit({ type: 'remediation-end', time: now().toISOString(), host: host.name, result: redactDeep(lightRemediation(r), host.secrets) }),
        reconnect: async () => {
          // A session closed by the host budget or the run's abort is not a device reboot.
          if (hostAbort.signal.aborted) throw hostAbort.signal.reason;
          await session?.close().catch(() => undefined);
          session = undefined;
          session = await connect(false);
          return session;
        },
      });
      // The timer cannot fire while synchronous work (a parser) holds the event loop: the clock
      // decides too, so a host past its budget never ends `ok` (docs/faults.md "Denial of service").
      if (!hostAbort.signal.aborted && Date.now() > deadline) hostAbort.abort(timedOut());
      if (hostAbort.signal.aborted && result.triage?.class !== 'interrupted') {
        const why = hostAbort.signal.reason as TransportError;
        result = { ...result, status: 'error', triage: { class: why.triage, message: why.message, next: TRIAGE_NEXT[why.triage] } };
      }
    } catch (err) {
      result = failedHost(host, hostAbort.signal.aborted ? hostAbort.signal.reason : err, hostStart);
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal.removeEventListener('abort', onRunAbort);
      await session?.close().catch(() => undefined);
    }
    await finish(redactDeep(result, host.secrets));
  };

  const schedule = opts.batches ?? {};
  const byName = new Map(plan.hosts.map((h) => [h.name, h]));
  const batches = planBatches(plan.hosts.map((h) => ({ name: h.name, haGroup: schedule.haGroups?.get(h.name) })), schedule.serial);
  const isFailed = schedule.failed ?? ((r: HostResult) => r.status !== 'ok');
  let stoppedBecause: string | undefined;
  for (const [index, names] of batches.entries()) {
    stoppedBecause ??= schedule.stopBefore?.() ?? (index > 0 && signal.aborted ? 'the run was interrupted' : undefined);
    if (stoppedBecause) break;
    schedule.onBatchBegin?.(index + 1, names);
    const batch = names.map((n) => byName.get(n)!);
    // runHost never throws by design; if it does, the host is still accounted for.
    await Promise.all(batch.map((h) => limit(() => runHost(h).catch((err) => finish(failedHost(h, err, Date.now()))))));
    const ran = names.map((n) => results.get(n)).filter((r): r is HostResult => r !== undefined);
    const failed = names.filter((n) => {
      const r = results.get(n);
      return !r || isFailed(r);
    }).length;
    const stop = exceedsMaxFail(failed, names.length, schedule.maxFailPercentage)
      ? schedule.maxFailPercentage === undefined
        ? `every host of batch ${index + 1} failed`
        : `${failed} of ${names.length} hosts of batch ${index + 1} failed (more than --max-fail-percentage ${schedule.maxFailPercentage})`
      : undefined;
    schedule.onBatchEnd?.({ batch: index + 1, hosts: names, results: ran, failed, stop });
    // One batch is the whole run unless a schedule was given: then a failed batch stops the rest.
    if (stop && opts.batches) stoppedBecause = stop;
  }

  await afterPendingSignals();
  // A group whose other member never ran (interrupted, a batch not started): judged now, naming it.
  for (const name of groups.stillWaiting()) await release(name, store.read(name)!);
  // Batch order (plan order without a schedule): two reports of one run list hosts alike.
  const hosts = batches.flat().map((n) => results.get(n)).filter((r): r is HostResult => r !== undefined);
  const notRun = plan.hosts.filter((h) => !results.has(h.name)).map((h) => h.name);
  const interrupted = signal.aborted;
  const endedAt = now();
  const judged = opts.conclude?.({ hosts, notRun, interrupted, stoppedBecause, batches, endedAt }) ?? {};
  const report = finishReport(opts.meta, startedAt, endedAt, { checks: judged.checks ?? checks, hosts, notRun, interrupted, exitCode: judged.exitCode ?? computeExitCode(hosts, { interrupted, failOn: opts.failOn }), changes: judged.changes });
  log(runEndEvent(endedAt.toISOString(), report));
  await opts.bus.end(report, store);
  return report;
}
