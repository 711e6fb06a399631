/** What the judging stage sees: the collected step records, facts, vars and registered results. */
import type { Fields } from '../model/result.js';
import { getPath } from '../model/dotted-path.js';

/** One collected command's evidence, as the judge needs it. Looped steps have one per item. */
export interface StepRecord {
  name: string;
  item?: string;
  output: string;
  exitCode: number | null;
  fields: Fields;
  parseError?: string;
  timedOut?: boolean;
}

/** Everything a condition can refer to. */
export interface EvalContext {
  /** Records per step name; looped steps have several records. */
  steps: Record<string, StepRecord[]>;
  /** The step that bare paths (`exit`, `output`, `<field>`) refer to. */
  defaultStep?: string;
  facts: Record<string, unknown>;
  vars: Record<string, unknown>;
  /** Results registered by earlier checks on the host: fields + `status`. */
  checks: Record<string, Record<string, unknown>>;
  /** More roots for operand and message templates: a check across hosts gives `peer`,
   * `members` and `host` (docs/playbooks.md "Checks across hosts"). */
  operands?: Record<string, unknown>;
}

/** A subject value read for one record (or once, for facts/vars/checks). */
export interface SubjectValue {
  /** Loop item, when the value comes from one record of a looped step. */
  item?: string;
  /** `undefined` = missing. */
  value: unknown;
  /** Why the value cannot be read at all (step missing, timed out, unparseable). */
  problem?: string;
  /** Where the value was read, for messages (`step main`, `step endpoints (item x)`). */
  source?: string;
}

function readRecord(rec: StepRecord, stepName: string, attr: string): SubjectValue {
  const item = rec.item;
  const where = item !== undefined ? `step ${stepName} (item ${item})` : `step ${stepName}`;
  if (rec.timedOut) return { item, value: undefined, problem: `${where} timed out` };
  if (attr === 'exit') {
    return rec.exitCode === null ? { item, value: undefined, problem: `${where} has no exit code (CLI level)` } : { item, value: rec.exitCode };
  }
  if (attr === 'output') return { item, value: rec.output };
  if (rec.parseError) return { item, value: undefined, problem: `${where} output could not be parsed: ${rec.parseError}` };
  const field = attr.startsWith('fields.') ? attr.slice('fields.'.length) : attr;
  return { item, source: where, value: Object.prototype.hasOwnProperty.call(rec.fields, field) ? rec.fields[field] : undefined };
}

function readStep(ctx: EvalContext, stepName: string | undefined, attr: string): SubjectValue[] {
  if (stepName === undefined) return [{ value: undefined, problem: `no step to read "${attr}" from` }];
  const records = ctx.steps[stepName];
  if (!records || records.length === 0) return [{ value: undefined, problem: `step ${stepName} has no evidence` }];
  return records.map((r) => readRecord(r, stepName, attr));
}

/**
 * Reads the subject of a condition. Paths: `exit` | `output` | `<field>` of `step` (or the
 * default step); `steps.<step>.exit|output|<field>|fields.<field>`; `facts.<a.b>`; `vars.<a.b>`;
 * `checks.<id>.<field>|status`. Returns one value per record of a looped step.
 */
export function readSubject(ctx: EvalContext, of: string, step?: string): SubjectValue[] {
  const parts = of.split('.');
  const [head, ...rest] = parts;
  if (head === 'steps' && rest.length >= 2) return readStep(ctx, rest[0], rest.slice(1).join('.'));
  if (head === 'facts' && rest.length >= 1) return [{ value: getPath(ctx.facts, rest) }];
  if (head === 'vars' && rest.length >= 1) return [{ value: getPath(ctx.vars, rest) }];
  if (head === 'checks' && rest.length >= 2) {
    const reg = ctx.checks[rest[0]];
    if (!reg) return [{ value: undefined, problem: `check ${rest[0]} registered no result on this host` }];
    const key = rest.slice(1).join('.');
    return [{ value: Object.prototype.hasOwnProperty.call(reg, key) ? reg[key] : getPath(reg, rest.slice(1)) }];
  }
  return readStep(ctx, step ?? ctx.defaultStep, of);
}
