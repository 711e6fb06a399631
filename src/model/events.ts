/**
 * Events the runner emits, in order. Reporters and the console subscribe; nothing else
 * reads runner internals. Every event is plain JSON (it is also appended to events.jsonl).
 * Evidence travels once (docs/scale.md): `host-end` carries the host's full result;
 * `check-end` and `remediation-end` say what happened without the commands' output, and
 * `run-end` carries the report's totals and verdict without the hosts (runEndEvent).
 */
import type { CheckResult, HostResult, RemediationResult, RunMeta, RunReport } from './result.js';
import type { LocalizedText, Severity } from './playbook.js';

export type RunEvent =
  | { type: 'run-begin'; time: string; meta: RunMeta; hosts: string[]; checks: Array<{ id: string; title: LocalizedText; severity: Severity }> }
  | { type: 'host-begin'; time: string; host: string }
  | { type: 'check-begin'; time: string; host: string; checkId: string }
  /** `result.evidence` is empty here: the host's `host-end` carries it. */
  | { type: 'check-end'; time: string; host: string; result: CheckResult }
  /** Without command output and verification evidence: the host's `host-end` carries them. */
  | { type: 'remediation-end'; time: string; host: string; result: RemediationResult }
  | { type: 'host-end'; time: string; result: HostResult }
  /** In events.jsonl `report.hosts` is empty: each host's result is its `host-end` event. */
  | { type: 'run-end'; time: string; report: RunReport };

/** Full host results by name: the result store (src/store/result-store.ts) or, for a report
 * held whole in memory, the report itself. */
export interface HostResults {
  read(host: string): HostResult | undefined;
}

/** The run-end event of events.jsonl: the report without its hosts (each host's result was its
 * host-end event; buildReport puts them back). */
export function runEndEvent(time: string, report: RunReport): RunEvent {
  return { type: 'run-end', time, report: { ...report, hosts: [] } };
}

/** A report held whole in memory, as HostResults. */
export function hostsOf(report: RunReport): HostResults {
  const byName = new Map(report.hosts.map((h) => [h.host, h]));
  return { read: (host) => byName.get(host) };
}

/**
 * A reporter. Every hook is optional.
 * - `onBegin` fires once, before any host starts.
 * - `onHostBegin` / `onHostEnd` fire once per host that starts; `onHostEnd` carries the
 *   host's complete result (also for unreachable hosts).
 * - `onCheckBegin` fires when a host starts a check (for "what is running" on long waits).
 * - `onCheckEnd` fires after each check result is final (after retries and waivers); once more
 *   with status `fixed` when a remediation in the same run fixed it (the last end is final).
 * - `onEnd` fires once with the complete report (also after an interruption, then
 *   `report.incomplete` is true) and the full host results: the report's hosts may be
 *   summaries without evidence; `results.read(host)` gives one host's full result. Files are
 *   written here.
 * A reporter that throws is reported through `onError` of the others and the run goes on.
 */
export interface Reporter {
  onBegin?(event: Extract<RunEvent, { type: 'run-begin' }>): void | Promise<void>;
  onHostBegin?(event: Extract<RunEvent, { type: 'host-begin' }>): void | Promise<void>;
  onCheckBegin?(event: Extract<RunEvent, { type: 'check-begin' }>): void | Promise<void>;
  onCheckEnd?(event: Extract<RunEvent, { type: 'check-end' }>): void | Promise<void>;
  onRemediationEnd?(event: Extract<RunEvent, { type: 'remediation-end' }>): void | Promise<void>;
  onHostEnd?(event: Extract<RunEvent, { type: 'host-end' }>): void | Promise<void>;
  onEnd?(report: RunReport, results: HostResults): void | Promise<void>;
  onError?(error: Error, reporterName: string): void;
}
