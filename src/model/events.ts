/**
 * Events the runner emits, in order. Reporters and the console subscribe; nothing else
 * reads runner internals. Every event is plain JSON (it is also appended to events.jsonl).
 */
import type { CheckResult, HostResult, RemediationResult, RunMeta, RunReport } from './result.js';
import type { LocalizedText, Severity } from './playbook.js';

export type RunEvent =
  | { type: 'run-begin'; time: string; meta: RunMeta; hosts: string[]; checks: Array<{ id: string; title: LocalizedText; severity: Severity }> }
  | { type: 'host-begin'; time: string; host: string }
  | { type: 'check-begin'; time: string; host: string; checkId: string }
  | { type: 'check-end'; time: string; host: string; result: CheckResult }
  | { type: 'remediation-end'; time: string; host: string; result: RemediationResult }
  | { type: 'host-end'; time: string; result: HostResult }
  | { type: 'run-end'; time: string; report: RunReport };

/**
 * A reporter. Every hook is optional.
 * - `onBegin` fires once, before any host starts.
 * - `onHostBegin` / `onHostEnd` fire once per host that starts; `onHostEnd` carries the
 *   host's complete result (also for unreachable hosts).
 * - `onCheckBegin` fires when a host starts a check (for "what is running" on long waits).
 * - `onCheckEnd` fires after each check result is final (after retries and waivers); once more
 *   with status `fixed` when a remediation in the same run fixed it (the last end is final).
 * - `onEnd` fires once with the complete report (also after an interruption, then
 *   `report.incomplete` is true). Files are written here.
 * A reporter that throws is reported through `onError` of the others and the run goes on.
 */
export interface Reporter {
  onBegin?(event: Extract<RunEvent, { type: 'run-begin' }>): void | Promise<void>;
  onHostBegin?(event: Extract<RunEvent, { type: 'host-begin' }>): void | Promise<void>;
  onCheckBegin?(event: Extract<RunEvent, { type: 'check-begin' }>): void | Promise<void>;
  onCheckEnd?(event: Extract<RunEvent, { type: 'check-end' }>): void | Promise<void>;
  onRemediationEnd?(event: Extract<RunEvent, { type: 'remediation-end' }>): void | Promise<void>;
  onHostEnd?(event: Extract<RunEvent, { type: 'host-end' }>): void | Promise<void>;
  onEnd?(report: RunReport): void | Promise<void>;
  onError?(error: Error, reporterName: string): void;
}
