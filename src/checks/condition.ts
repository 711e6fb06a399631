/**
 * Declarative conditions: one subject (`of`), exactly one operator. Evaluated over every record
 * of a looped step (all must hold). A subject that cannot be read makes the condition
 * undecidable — never a silent pass or fail.
 */
import type { Condition } from '../model/playbook.js';
import type { ConditionOutcome } from '../model/result.js';
import type { RE2JS } from 're2js';
import { readSubject, type EvalContext } from './context.js';
import { asNumber, formatValue, looseEquals } from './values.js';
import { compareVersions, parseVersion } from './version.js';
import { renderTextLenient } from './template.js';
import { compilePlaybookRegex, playbookRegexError, regexCount, regexText } from './parsers/regex.js';

/** A string operand may name a variable (`equals: "{{vars.sse_api_host}}"`), so one condition
 * holds for every region; it is filled from `vars`, `facts`, `checks` and the check's `steps`
 * (`steps.<name>.fields.<f>`). A numeric bound (`gt`, `gte`, `lt`, `lte`) may be such a template
 * too (`lt: "{{vars.disk_warn_percent}}"`): it must render to a number, else the condition is
 * undecidable (docs/playbooks.md "Conditions"). Others are literal. */
function withOperands(c: Condition, ctx: EvalContext): Condition {
  const raw = c as unknown as Record<string, unknown>;
  const isTemplate = (v: unknown) => typeof v === 'string' && v.includes('{{');
  const needs = [c.equals, c.not_equals, c.contains, c.not_contains, ...(c.in ?? []), ...(c.not_in ?? []), ...NUMERIC.map((k) => raw[k])].some(isTemplate);
  if (!needs) return c;
  const steps: Record<string, unknown> = {};
  for (const [name, records] of Object.entries(ctx.steps)) if (records.length > 0) steps[name] = { fields: records[0].fields };
  const text = { ...ctx.operands, vars: ctx.vars, facts: ctx.facts, checks: ctx.checks, steps };
  const fill = <T>(v: T): T => (isTemplate(v) ? (renderTextLenient(v as string, text) as T) : v);
  const out: Condition = { ...c };
  if (out.equals !== undefined) out.equals = fill(out.equals);
  if (out.not_equals !== undefined) out.not_equals = fill(out.not_equals);
  if (out.contains !== undefined) out.contains = fill(out.contains);
  if (out.not_contains !== undefined) out.not_contains = fill(out.not_contains);
  if (out.in !== undefined) out.in = out.in.map(fill);
  if (out.not_in !== undefined) out.not_in = out.not_in.map(fill);
  const bounds = out as unknown as Record<string, unknown>;
  for (const k of NUMERIC) if (isTemplate(bounds[k])) bounds[k] = asNumber(fill(bounds[k])) ?? NaN;
  return out;
}

/** Operator keys of a Condition. `gt`/`gte`/`lt`/`lte` may be combined into one range. */
export const CONDITION_OPERATORS = [
  'equals', 'not_equals', 'in', 'not_in', 'matches', 'not_matches', 'contains', 'not_contains',
  'count', 'version', 'gt', 'gte', 'lt', 'lte', 'exists',
] as const;

const NUMERIC = ['gt', 'gte', 'lt', 'lte'] as const;
const SYMBOL: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', min: '>=', max: '<=', equals: '==' };

/** A condition as evaluated, plus why it was undecidable (for the check's `reason`). */
export interface ConditionEvaluation extends ConditionOutcome {
  /** What could not be read, when `undecidable`. */
  reason?: string;
}

/** The operator keys present in a condition (any number; see conditionOperator). */
export function conditionOperators(cond: Condition): string[] {
  return CONDITION_OPERATORS.filter((k) => (cond as unknown as Record<string, unknown>)[k] !== undefined);
}

/**
 * The condition's single operator (`'gte+lte'` for a numeric range). Throws an Error whose
 * message says what is wrong when there is none or more than one (validation reports it).
 */
export function conditionOperator(cond: Condition): string {
  const ops = conditionOperators(cond);
  const nonNumeric = ops.filter((o) => !(NUMERIC as readonly string[]).includes(o));
  if (ops.length === 0) throw new Error(`condition on "${cond.of}" has no operator (use one of: ${CONDITION_OPERATORS.join(', ')})`);
  if (nonNumeric.length === 1 && ops.length === 1) return ops[0];
  if (nonNumeric.length === 0) return ops.join('+');
  throw new Error(`condition on "${cond.of}" has more than one operator: ${ops.join(', ')} (split it into several conditions)`);
}

function bounds(obj: Record<string, unknown>, keys: string[]): string {
  return keys.filter((k) => obj[k] !== undefined).map((k) => `${SYMBOL[k]} ${formatValue(obj[k])}`).join(' and ');
}

/** Human form of a condition, e.g. `http_status in [200, 403]`. */
export function describeCondition(cond: Condition): string {
  const subject = `${cond.any ? 'any item: ' : ''}${cond.step ? `${cond.of} (step ${cond.step})` : cond.of}`;
  const ic = cond.ignore_case ? ' (ignoring case)' : '';
  let op: string;
  try {
    op = conditionOperator(cond);
  } catch (e) {
    return `${subject}: ${(e as Error).message}`;
  }
  const c = cond as unknown as Record<string, unknown>;
  switch (op) {
    case 'matches':
    case 'not_matches':
      return `${subject} ${op.replace('_', ' ')} /${String(c[op])}/${ic}`;
    case 'count': {
      const cnt = cond.count!;
      const what = cnt.pattern !== undefined ? `count of /${cnt.pattern}/ in ${subject}` : `count of ${subject}`;
      return `${what} ${bounds(cnt as Record<string, unknown>, ['equals', 'min', 'max'])}${ic}`;
    }
    case 'version':
      return `${subject} version ${bounds(cond.version as Record<string, unknown>, ['eq', 'gt', 'gte', 'lt', 'lte'])}`;
    case 'exists':
      return cond.exists ? `${subject} exists` : `${subject} does not exist`;
    default:
      if (op.split('+').every((o) => (NUMERIC as readonly string[]).includes(o))) return `${subject} ${bounds(c, [...NUMERIC])}`;
      return `${subject} ${op.replace('_', ' ')} ${formatValue(c[op])}${ic}`;
  }
}

type Judgement = { holds: boolean } | { undecidable: string };

/** A playbook regex, on RE2 (linear time: docs/faults.md "Playbook regexes"), or why it cannot be compiled. */
function compileRegex(source: string, ignoreCase: boolean): RE2JS | string {
  try {
    return compilePlaybookRegex(source, ignoreCase);
  } catch {
    return `invalid regular expression /${source}/: ${playbookRegexError(source)}`;
  }
}

function countOf(value: unknown, pattern: string | undefined, ic: boolean): number | string {
  if (value === null) return 0;
  if (Array.isArray(value)) {
    if (pattern === undefined) return value.length;
    const re = compileRegex(pattern, ic);
    return typeof re === 'string' ? re : value.filter((v) => re.test(regexText(String(v)))).length;
  }
  if (typeof value === 'string') {
    if (pattern === undefined) return value.split('\n').filter((l) => l.trim() !== '').length;
    const re = compileRegex(pattern, ic);
    return typeof re === 'string' ? re : regexCount(re, value);
  }
  return `count needs a list or text, got ${formatValue(value)}`;
}

function judge(cond: Condition, op: string, value: unknown): Judgement {
  const ic = cond.ignore_case === true;
  const list = Array.isArray(value) ? (value as unknown[]) : undefined;
  switch (op) {
    case 'exists':
      return { holds: (value !== undefined && value !== null) === cond.exists };
    case 'equals':
    case 'not_equals': {
      const expected = op === 'equals' ? cond.equals : cond.not_equals;
      // A list equals a scalar only when it holds exactly that one element.
      const eq = list ? list.length === 1 && looseEquals(list[0], expected, ic) : looseEquals(value, expected, ic);
      return { holds: op === 'equals' ? eq : !eq };
    }
    case 'in':
    case 'not_in': {
      const allowed = (op === 'in' ? cond.in : cond.not_in) ?? [];
      const isIn = (v: unknown) => allowed.some((a) => looseEquals(v, a, ic));
      if (value === null) return { holds: op === 'not_in' };
      // A list is `in` when every element is allowed, `not_in` when none is.
      if (list) return { holds: op === 'in' ? list.every(isIn) : !list.some(isIn) };
      return { holds: op === 'in' ? isIn(value) : !isIn(value) };
    }
    case 'matches':
    case 'not_matches': {
      const re = compileRegex(String(op === 'matches' ? cond.matches : cond.not_matches), ic);
      if (typeof re === 'string') return { undecidable: re };
      const hit = value === null ? false : list ? list.some((v) => re.test(regexText(String(v)))) : re.test(regexText(String(value)));
      return { holds: op === 'matches' ? hit : !hit };
    }
    case 'contains':
    case 'not_contains': {
      const needle = op === 'contains' ? cond.contains : cond.not_contains;
      let hit = false;
      if (list) hit = list.some((v) => looseEquals(v, needle, ic));
      else if (value !== null) {
        const hay = String(value);
        hit = ic ? hay.toLowerCase().includes(String(needle).toLowerCase()) : hay.includes(String(needle));
      }
      return { holds: op === 'contains' ? hit : !hit };
    }
    case 'count': {
      const spec = cond.count ?? {};
      const n = countOf(value, spec.pattern, ic);
      if (typeof n === 'string') return { undecidable: n };
      const ok = (spec.equals === undefined || n === spec.equals) && (spec.min === undefined || n >= spec.min) && (spec.max === undefined || n <= spec.max);
      return { holds: ok };
    }
    case 'version': {
      if (value === null) return { holds: false };
      if (typeof value !== 'string' && typeof value !== 'number') return { undecidable: `not a version: ${formatValue(value)}` };
      if (!parseVersion(value)) return { undecidable: `not a version: ${formatValue(value)}` };
      const v = cond.version ?? {};
      const checks: Array<[string | undefined, (c: number) => boolean]> = [
        [v.eq, (c) => c === 0], [v.gt, (c) => c > 0], [v.gte, (c) => c >= 0], [v.lt, (c) => c < 0], [v.lte, (c) => c <= 0],
      ];
      for (const [bound, test] of checks) {
        if (bound === undefined) continue;
        const parts = parseVersion(bound);
        if (!parts) return { undecidable: `bound ${formatValue(bound)} is not a version` };
        // Compare only as many components as the bound gives: 7.1.0.3 <= 7.1 holds.
        if (!test(compareVersions(value, bound, parts.length))) return { holds: false };
      }
      return { holds: true };
    }
    default: {
      if (value === null) return { holds: false };
      const n = asNumber(value);
      if (n === undefined) return { undecidable: `not a number: ${formatValue(value)}` };
      if ([cond.gt, cond.gte, cond.lt, cond.lte].some((b) => Number.isNaN(b))) return { undecidable: 'a bound from a variable is not a number' };
      const ok = (cond.gt === undefined || n > cond.gt) && (cond.gte === undefined || n >= cond.gte) &&
        (cond.lt === undefined || n < cond.lt) && (cond.lte === undefined || n <= cond.lte);
      return { holds: ok };
    }
  }
}

/** Evaluates a condition against the context. Never throws. */
export function evaluateCondition(condition: Condition, ctx: EvalContext): ConditionEvaluation {
  const cond = withOperands(condition, ctx);
  const description = describeCondition(cond);
  const base: ConditionEvaluation = { description, holds: false };
  if (cond.message !== undefined) base.message = cond.message;
  let op: string;
  try {
    op = conditionOperator(cond);
  } catch (e) {
    return { ...base, undecidable: true, reason: (e as Error).message };
  }
  const values = readSubject(ctx, cond.of, cond.step);
  const looped = values.length > 1 || values.some((v) => v.item !== undefined);
  const show = (v: { item?: string; value: unknown }) => (looped ? `${v.item ?? '?'}: ${formatValue(v.value)}` : formatValue(v.value));
  const actual = values.map(show).join('; ');
  // Over a looped step the condition must hold for every item, or with `any: true` for at least
  // one; with `any`, an unreadable item only matters when no other item decides.
  let holds = !cond.any;
  let unreadable: ConditionEvaluation | undefined;
  for (const v of values) {
    let verdict: ConditionEvaluation | undefined;
    if (v.problem) verdict = { ...base, undecidable: true, reason: v.problem };
    else if (v.value === undefined && op !== 'exists') {
      const where = v.source ? ` (${v.source})` : '';
      verdict = { ...base, undecidable: true, reason: `${cond.of} is missing${where}` };
    } else {
      const j = judge(cond, op, v.value);
      if ('undecidable' in j) verdict = { ...base, actual, undecidable: true, reason: `${cond.of}: ${j.undecidable}` };
      else if (cond.any) holds ||= j.holds;
      else holds &&= j.holds;
    }
    if (verdict && !cond.any) return verdict;
    unreadable ??= verdict;
  }
  if (cond.any && !holds && unreadable) return unreadable;
  return { ...base, holds, actual };
}
