/** Rebuilds the run's report from its events, also from a partial log (a killed run). */
import { UserError } from '../model/errors.js';
import type { RunEvent } from '../model/events.js';
import type { CheckResult, HostResult, RemediationResult, RunReport } from '../model/result.js';
import { computeExitCode, computeSummary } from '../model/outcome.js';
import { TRIAGE_NEXT } from '../model/triage.js';

interface HostProgress {
  beganAt?: string;
  lastAt?: string;
  checks: Map<string, CheckResult>;
  remediations: RemediationResult[];
  ended?: HostResult;
}

/**
 * Builds the RunReport from a run's events. With a `run-end` event its report is returned with
 * the hosts its `host-end` events carried, in the planned order. Without one the
 * report is marked `incomplete`: hosts that began but never ended get a result from their
 * `check-end`s (statuses and diagnoses; the evidence came only with `host-end`), status
 * `error`, triage class `interrupted`; planned hosts never begun are `notRun`. Throws
 * UserError `report-input` when `run-begin` is missing.
 */
export function buildReport(events: readonly RunEvent[]): RunReport {
  const end = events.find((e): e is Extract<RunEvent, { type: 'run-end' }> => e.type === 'run-end');
  const begin = events.find((e): e is Extract<RunEvent, { type: 'run-begin' }> => e.type === 'run-begin');
  if (!begin) {
    throw new UserError({
      code: 'report-input',
      message: 'the event log has no run-begin event, so the run cannot be reconstructed',
      hint: 'pass the events.jsonl written by `firebook run`, or its report.json',
    });
  }
  if (end) {
    const ended = new Map(events.flatMap((e) => (e.type === 'host-end' ? [[e.result.host, e.result] as const] : [])));
    const order = [...new Set([...begin.hosts, ...ended.keys()])];
    // A run-end of an older firebook still carries its hosts.
    const hosts = end.report.hosts.length > 0 ? end.report.hosts : order.flatMap((h) => ended.get(h) ?? []);
    return { ...end.report, hosts };
  }
  const progress = new Map<string, HostProgress>();
  const progressOf = (host: string): HostProgress => {
    let p = progress.get(host);
    if (!p) progress.set(host, (p = { checks: new Map(), remediations: [] }));
    return p;
  };
  for (const e of events) {
    switch (e.type) {
      case 'host-begin':
        progressOf(e.host).beganAt ??= e.time;
        progressOf(e.host).lastAt = e.time;
        break;
      case 'check-begin':
        progressOf(e.host).lastAt = e.time;
        break;
      case 'check-end':
        // A retried or re-verified check ends more than once; the last result is final.
        progressOf(e.host).checks.set(e.result.checkId, e.result);
        progressOf(e.host).lastAt = e.time;
        break;
      case 'remediation-end':
        progressOf(e.host).remediations.push(e.result);
        progressOf(e.host).lastAt = e.time;
        break;
      case 'host-end':
        progressOf(e.result.host).ended = e.result;
        break;
      default:
        break;
    }
  }
  const order = [...begin.hosts, ...[...progress.keys()].filter((h) => !begin.hosts.includes(h))];
  const hosts: HostResult[] = [];
  const notRun: string[] = [];
  for (const host of order) {
    const p = progress.get(host);
    if (p?.ended) hosts.push(p.ended);
    else if (p?.beganAt) hosts.push(interruptedHost(host, p));
    else notRun.push(host);
  }
  return {
    schemaVersion: 1,
    meta: { ...begin.meta },
    incomplete: true,
    checks: begin.checks,
    hosts,
    notRun,
    summary: computeSummary(hosts, notRun),
    exitCode: computeExitCode(hosts, { interrupted: true }),
  };
}

function interruptedHost(host: string, p: HostProgress): HostResult {
  const startedAt = p.beganAt ?? '';
  const durationMs = Math.max(0, Date.parse(p.lastAt ?? startedAt) - Date.parse(startedAt)) || 0;
  return {
    host,
    // The events carry no address for a host that never ended; the name is what we know.
    address: '',
    status: 'error',
    triage: { class: 'interrupted', message: 'interrupted before the host finished', next: TRIAGE_NEXT.interrupted },
    checks: [...p.checks.values()],
    remediations: p.remediations,
    startedAt,
    durationMs,
  };
}
