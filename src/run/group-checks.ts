/**
 * Checks across hosts (`scope: ha_group`, docs/playbooks.md "Checks across hosts"): judged by the
 * runner once every host sharing an `ha_group` has finished, from the fields their `reads` check
 * registered. Nothing is sent. Memory keeps, per member, only those fields and its host status.
 */
import type { CheckSpec, LocalizedText } from '../model/playbook.js';
import type { CheckResult, ConditionOutcome, FieldValue, HostResult } from '../model/result.js';
import type { HostPlan } from '../plan/plan.js';
import { evaluateCheck, type CheckEvaluation, type EvalContext } from '../checks/index.js';
import { registerResult, syntheticResult } from './check-runner.js';

/** What a member left for the group: its host's outcome and the read check's registered fields. */
interface MemberRecord {
  hostStatus: HostResult['status'];
  hostProblem?: string;
  read?: { status: CheckResult['status']; reason?: string; fields: Record<string, unknown> };
}

/** One group check as planned on one host. */
interface Planned {
  spec: CheckSpec;
  read: CheckSpec;
  /** The host's `ha_group`, when it has one. */
  group?: string;
}

const text = (t: LocalizedText | undefined): string => (t === undefined ? '' : typeof t === 'string' ? t : t.en);

/** The inventory variable naming a host's group (docs/change-window.md "Batches" reads the same). */
function groupValue(vars: Readonly<Record<string, unknown>>): string | undefined {
  const v = vars.ha_group;
  return typeof v === 'string' || typeof v === 'number' ? (String(v) === '' ? undefined : String(v)) : undefined;
}

export class GroupChecks {
  /** Per host: its group checks. */
  private readonly planned = new Map<string, Planned[]>();
  /** Per check id and group: member names, sorted. */
  private readonly members = new Map<string, string[]>();
  /** Per check id: member name → what it left. */
  private readonly records = new Map<string, Map<string, MemberRecord>>();
  /** Hosts finished and waiting for their groups. */
  private readonly waiting = new Set<string>();

  constructor(hosts: readonly HostPlan[]) {
    for (const host of hosts) {
      const mine: Planned[] = [];
      for (const p of host.playbooks) {
        for (const spec of p.checks) {
          if (spec.scope === undefined || spec.reads === undefined) continue;
          const read = p.allChecks.get(spec.reads);
          if (!read) continue; // refused by validation
          const group = groupValue(p.vars);
          mine.push({ spec, read, group });
          if (group === undefined) continue;
          const key = `${spec.id}\0${group}`;
          this.members.set(key, [...(this.members.get(key) ?? []), host.name].sort());
        }
      }
      if (mine.length > 0) this.planned.set(host.name, mine);
    }
  }

  /** Whether a host has a check across hosts planned (its host-end waits for its groups). */
  has(host: string): boolean {
    return this.planned.has(host);
  }

  /**
   * Keeps what a finished host leaves for its groups (the read check's registered fields, from the
   * full result) and returns the hosts whose every group is now complete, this one included when
   * it is: their results can be judged and sent.
   */
  finished(result: HostResult): string[] {
    const mine = this.planned.get(result.host);
    if (!mine) return [result.host];
    for (const p of mine) {
      const read = result.checks.find((c) => c.checkId === p.read.id);
      const record: MemberRecord = {
        hostStatus: result.status,
        ...(result.triage ? { hostProblem: result.triage.message } : {}),
        ...(read ? { read: { status: read.status, ...(read.reason !== undefined ? { reason: text(read.reason) } : {}), fields: registerResult(read, p.read) } } : {}),
      };
      const byHost = this.records.get(p.spec.id) ?? new Map<string, MemberRecord>();
      byHost.set(result.host, record);
      this.records.set(p.spec.id, byHost);
    }
    this.waiting.add(result.host);
    // Only this host and its groups' members can have become complete: a fleet-wide scan per
    // finished host would be quadratic in the hosts waiting for a mate.
    const touched = new Set([result.host, ...mine.flatMap((p) => this.groupOf(p))]);
    const ready = [...touched].filter((h) => this.waiting.has(h) && this.complete(h));
    for (const h of ready) this.waiting.delete(h);
    return ready;
  }

  /** Hosts still waiting (at the run's end: a member never ran). */
  stillWaiting(): string[] {
    const left = [...this.waiting];
    this.waiting.clear();
    return left;
  }

  private complete(host: string): boolean {
    return (this.planned.get(host) ?? []).every((p) => p.group === undefined || this.groupOf(p).every((m) => this.records.get(p.spec.id)?.has(m)));
  }

  private groupOf(p: Planned): string[] {
    return p.group === undefined ? [] : this.members.get(`${p.spec.id}\0${p.group}`) ?? [];
  }

  /** The results of a host's checks across hosts, judged from what its groups' members left
   * (a member that left nothing was not run). */
  judge(host: string): CheckResult[] {
    return (this.planned.get(host) ?? []).map((p) => this.judgeOne(p));
  }

  private judgeOne(p: Planned): CheckResult {
    const { spec, read } = p;
    if (p.group === undefined) {
      return syntheticResult(spec, 'skipped', { en: `not applicable: this host has no ha_group (${spec.id} judges the two units of an HA pair)`, ja: `対象外: このホストには ha_group がありません (${spec.id} は HA ペアの 2 台を判定します)` });
    }
    const names = this.groupOf(p);
    if (names.length !== 2) {
      const other = names.length < 2 ? '; the other unit is not in this run (inventory, --limit or --shard)' : '';
      return syntheticResult(spec, 'error', `ha_group '${p.group}' has ${names.length} member(s) in this run (${names.join(', ')}): an HA pair has two units${other}`);
    }
    const records = this.records.get(spec.id)!;
    const problems: string[] = [];
    const skipped: string[] = [];
    for (const name of names) {
      const r = records.get(name);
      if (!r) problems.push(`${name} was not run (the run was interrupted)`);
      else if (!r.read) problems.push(`${name} is ${r.hostStatus === 'unreachable' ? 'unreachable' : 'in error'}${r.hostProblem ? `: ${r.hostProblem}` : ''} (no ${read.id} result)`);
      else if (r.read.status === 'error') problems.push(`${read.id} on ${name} could not tell${r.read.reason ? `: ${r.read.reason}` : ''}`);
      else if (r.read.status === 'skipped') skipped.push(`${read.id} was skipped on ${name}${r.read.reason ? `: ${r.read.reason}` : ''}`);
    }
    if (problems.length > 0) return syntheticResult(spec, 'error', `cannot judge ha_group '${p.group}': ${problems.join('; ')}`);
    if (skipped.length > 0) return syntheticResult(spec, 'skipped', skipped.join('; '));
    const fields = names.map((n) => ({ ...records.get(n)!.read!.fields, host: n }));
    const verdicts = names.map((_, i) => evaluateCheck(spec, memberContext(fields[i], fields[1 - i], fields)));
    const { reason: _none, ...base } = syntheticResult(spec, 'pass', '');
    return { ...base, attempts: 1, ...combine(names, verdicts) };
  }
}

/** One member's view: its own fields bare (`this_state`), the other unit's as `peer.<field>`, every
 * member's as the list `members.<field>` (in host-name order); `peer`, `members` and `host` are also
 * roots of operand and message templates (`equals: "{{peer.this_state}}"`). */
function memberContext(own: Record<string, unknown>, peer: Record<string, unknown>, all: Array<Record<string, unknown>>): EvalContext {
  const lists: Record<string, FieldValue> = {};
  for (const key of new Set(all.flatMap((f) => Object.keys(f)))) {
    lists[key] = all.map((f) => (typeof f[key] === 'number' ? (f[key] as number) : f[key] === undefined || f[key] === null ? '' : String(f[key])));
  }
  const flat: Record<string, FieldValue> = { ...(own as Record<string, FieldValue>) };
  for (const [k, v] of Object.entries(peer)) flat[`peer.${k}`] = v as FieldValue;
  for (const [k, v] of Object.entries(lists)) flat[`members.${k}`] = v;
  return {
    steps: { member: [{ name: 'member', output: '', exitCode: null, fields: flat }] },
    defaultStep: 'member',
    facts: {},
    vars: {},
    checks: {},
    operands: { host: own.host, peer, members: lists },
  };
}

/** The group's verdict from each member's: error over fail over pass; each condition holds when it
 * holds for every member; the diagnosis is the first failing member's (host-name order). */
function combine(names: readonly string[], verdicts: readonly CheckEvaluation[]): Pick<CheckResult, 'status' | 'conditions' | 'diagnosis' | 'reason'> {
  const status = verdicts.some((v) => v.status === 'error') ? 'error' : verdicts.some((v) => v.status === 'fail') ? 'fail' : 'pass';
  const conditions: ConditionOutcome[] = verdicts[0].conditions.map((first, i) => {
    const each = verdicts.map((v) => v.conditions[i]);
    const actuals = each.map((c) => c.actual ?? 'none');
    const out: ConditionOutcome = {
      description: first.description,
      holds: each.every((c) => c.holds && !c.undecidable),
      actual: actuals.every((a) => a === actuals[0]) ? actuals[0] : names.map((n, k) => `${n}: ${actuals[k]}`).join('; '),
    };
    const failing = each.find((c) => !c.holds || c.undecidable);
    if (failing?.message !== undefined) out.message = failing.message;
    const undecided = each.find((c) => c.undecidable);
    if (undecided) Object.assign(out, { undecidable: true, reason: undecided.reason });
    return out;
  });
  const judged = verdicts.find((v) => v.status === status);
  return { status, conditions, ...(judged?.diagnosis ? { diagnosis: judged.diagnosis } : {}), ...(status === 'error' && judged?.reason ? { reason: judged.reason } : {}) };
}
