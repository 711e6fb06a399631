/** The two playbook features the health checks need (docs/playbooks.md): numeric bounds that
 * name a variable (or add two values), and `skip_when` on the collected evidence. */
import { describe, expect, it } from 'vitest';
import type { CheckSpec, Condition } from '../../src/model/playbook.js';
import { evaluateCheck, evaluateCondition, type EvalContext } from '../../src/checks/index.js';

const ctx = (fields: Record<string, unknown>, vars: Record<string, unknown> = {}, steps: Record<string, Record<string, unknown>> = {}): EvalContext => ({
  steps: { main: [{ name: 'main', output: '', exitCode: 0, fields }], ...Object.fromEntries(Object.entries(steps).map(([k, f]) => [k, [{ name: k, output: '', exitCode: 0, fields: f }]])) },
  defaultStep: 'main',
  facts: {},
  vars,
  checks: {},
});
const cond = (c: Record<string, unknown>) => c as unknown as Condition;

describe('numeric bounds from variables', () => {
  it('lt/gte name an input; an override changes the verdict', () => {
    expect(evaluateCondition(cond({ of: 'max_use_percent', lt: '{{vars.warn}}' }), ctx({ max_use_percent: 84 }, { warn: 85 })).holds).toBe(true);
    expect(evaluateCondition(cond({ of: 'max_use_percent', lt: '{{vars.warn}}' }), ctx({ max_use_percent: 84 }, { warn: 80 })).holds).toBe(false);
    expect(evaluateCondition(cond({ of: 'max_use_percent', gte: '{{vars.crit}}' }), ctx({ max_use_percent: 96 }, { crit: '95' })).holds).toBe(true);
  });
  it('add: a reading plus an input, from another step of the check', () => {
    const c = cond({ step: 'clock', of: 'epoch', lte: '{{add steps.main.fields.hb vars.max}}' });
    expect(evaluateCondition(c, ctx({ hb: 1000 }, { max: 600 }, { clock: { epoch: 1500 } })).holds).toBe(true);
    expect(evaluateCondition(c, ctx({ hb: 1000 }, { max: 600 }, { clock: { epoch: 1700 } })).holds).toBe(false);
  });
  it('a bound that does not render to a number is undecidable, never a pass', () => {
    const r = evaluateCondition(cond({ of: 'x', lt: '{{vars.missing}}' }), ctx({ x: 1 }));
    expect(r.undecidable).toBe(true);
  });
});

describe('skip_when', () => {
  const spec: CheckSpec = {
    id: 'manager-registered', title: 't', severity: 'high',
    skip_when: [{ of: 'managed_locally', equals: true }],
    skip_reason: { en: 'not applicable: FDM', ja: '対象外: FDM' },
    expect: [{ of: 'manager_count', gt: 0 }],
  };
  it('all hold → skipped with the reason; otherwise judged as usual', () => {
    expect(evaluateCheck(spec, ctx({ managed_locally: true, manager_count: 0 }))).toMatchObject({ status: 'skipped', reason: { en: 'not applicable: FDM' } });
    expect(evaluateCheck(spec, ctx({ managed_locally: false, manager_count: 0 })).status).toBe('fail');
    expect(evaluateCheck(spec, ctx({ managed_locally: false, manager_count: 1 })).status).toBe('pass');
  });
});
