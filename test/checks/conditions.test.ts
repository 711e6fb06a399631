import { describe, expect, it } from 'vitest';
import type { Condition } from '../../src/model/playbook.js';
import {
  compareVersions, conditionOperator, describeCondition, evaluateCondition, getParser,
  type EvalContext, type StepRecord,
} from '../../src/checks/index.js';
import { seed } from './load-fixture.js';

function record(name: string, parser: string, output: string, exitCode: number | null, item?: string): StepRecord {
  const r = getParser(parser)!(output, exitCode);
  return { name, item, output, exitCode, fields: r.fields, ...(r.error ? { parseError: r.error } : {}) };
}

const ctx: EvalContext = {
  steps: {
    main: [record('main', 'curl', seed('curl-reachable-403.txt'), 0)],
    network: [record('network', 'show-network', seed('show-network.txt'), null)],
    props: [record('props', 'properties', seed('connector-properties.txt'), 0)],
    dnsfail: [record('dnsfail', 'curl', seed('curl-dns-failure.txt'), 6)],
    endpoints: [
      record('endpoints', 'curl', seed('curl-reachable-403.txt'), 0, 'https://api-sse.cisco.com'),
      record('endpoints', 'curl', seed('curl-dns-failure.txt'), 6, 'https://est.sco.cisco.com'),
    ],
    slow: [{ name: 'slow', output: '', exitCode: null, fields: {}, timedOut: true }],
    garbled: [{ name: 'garbled', output: '???', exitCode: 0, fields: {}, parseError: 'curl: unrecognised output' }],
  },
  defaultStep: 'main',
  facts: { platform: 'ftd', version: '6.5.0', model: 'Cisco Firepower Threat Defense for VMWare' },
  vars: { fqdn: 'api-sse.cisco.com', nested: { port: 8989 } },
  checks: { 'dns-resolves': { status: 'fail', resolved: false } },
};

const holds = (c: Condition, ctxIn: EvalContext = ctx) => {
  const r = evaluateCondition(c, ctxIn);
  expect(r.undecidable ?? false).toBe(false);
  return r.holds;
};

describe('operators', () => {
  it.each<[string, Condition, boolean]>([
    ['equals number', { of: 'http_status', equals: 403 }, true],
    ['equals numeric string vs number', { of: 'connector_port', step: 'props', equals: 8989 }, true],
    ['equals boolean', { of: 'reachable', equals: true }, true],
    ['equals ignore_case', { of: 'steps.network.state', equals: 'enabled', ignore_case: true }, true],
    ['equals is case-sensitive by default', { of: 'steps.network.state', equals: 'enabled' }, false],
    ['not_equals', { of: 'steps.props.connector_fqdn', not_equals: 'api-sse.cisco.com' }, false],
    ['in', { of: 'http_status', in: [200, 403] }, true],
    ['in fails', { of: 'http_status', in: [200] }, false],
    ['null http_status is not in [200, 403]', { of: 'steps.dnsfail.http_status', in: [200, 403] }, false],
    ['not_in', { of: 'curl_exit', not_in: [6, 7, 28] }, true],
    ['list in: every element allowed', { of: 'steps.network.dns_servers', in: ['x.x.x.10', 'x.x.x.11'] }, true],
    ['list not_in: no element listed', { of: 'steps.network.dns_servers', not_in: ['x.x.x.10'] }, false],
    ['matches', { of: 'output', matches: '^< HTTP/1\\.1 40[0-9]' }, true],
    ['matches ignore_case', { of: 'steps.network.hostname', matches: '^FTD', ignore_case: true }, true],
    ['not_matches', { of: 'output', not_matches: "Couldn't resolve" }, true],
    ['contains text', { of: 'output', contains: 'Connected to api-sse.cisco.com' }, true],
    ['contains list element', { of: 'steps.network.dns_servers', contains: 'x.x.x.10' }, true],
    ['not_contains list element', { of: 'steps.network.dns_servers', not_contains: 'x.x.x.11' }, true],
    ['count list min', { of: 'steps.network.dns_servers', count: { min: 1 } }, true],
    ['count list equals', { of: 'steps.network.dns_servers', count: { equals: 2 } }, false],
    ['count text pattern', { of: 'output', count: { pattern: '^< ', min: 10, max: 20 } }, true],
    ['gt/lte range', { of: 'http_status', gte: 200, lt: 500 }, true],
    ['lte fails', { of: 'steps.network.mtu', lte: 1400 }, false],
    ['numeric string compares as number', { of: 'steps.props.registration_interval', gt: 60 }, true],
    ['exists', { of: 'connected_ip', exists: true }, true],
    ['exists false on missing field', { of: 'nonexistent', exists: false }, true],
    ['exists false on null value', { of: 'steps.dnsfail.connected_ip', exists: false }, true],
    ['facts path', { of: 'facts.platform', equals: 'ftd' }, true],
    ['vars nested path', { of: 'vars.nested.port', equals: 8989 }, true],
    ['checks registered status', { of: 'checks.dns-resolves.status', equals: 'fail' }, true],
    ['checks registered field', { of: 'checks.dns-resolves.resolved', equals: false }, true],
    ['steps.X.exit', { of: 'steps.dnsfail.exit', equals: 6 }, true],
    ['steps.X.fields.Y', { of: 'steps.network.fields.gateway', equals: 'x.x.x.1' }, true],
  ])('%s', (_n, cond, expected) => {
    expect(holds(cond)).toBe(expected);
  });
});

describe('version operator', () => {
  it.each<[string, Condition['version'], boolean]>([
    ['7.1.0.3', { lte: '7.1' }, true],
    ['7.2.4', { lte: '7.1' }, false],
    ['6.5.0', { lte: '7.1' }, true],
    ['6.5.0', { gte: '6.5', lt: '7.2' }, true],
    ['7.2.0', { gte: '6.5', lt: '7.2' }, false],
    ['6.4.0.9', { gte: '6.5' }, false],
    ['7.0.2 (build 88)', { eq: '7.0' }, true],
  ])('%s %j', (version, bound, expected) => {
    expect(holds({ of: 'facts.version', version: bound }, { ...ctx, facts: { version } })).toBe(expected);
  });

  it('compareVersions', () => {
    expect(compareVersions('7.1.0.3', '7.1', 2)).toBe(0);
    expect(compareVersions('7.1.0.3', '7.1')).toBe(1);
    expect(compareVersions('6.10', '6.9')).toBe(1);
    expect(compareVersions('v6.5.0', '6.5.0.0')).toBe(0);
    expect(() => compareVersions('abc', '1')).toThrow(/not a version/);
  });

  it('a non-version subject is undecidable', () => {
    const r = evaluateCondition({ of: 'facts.version', version: { lte: '7.1' } }, { ...ctx, facts: { version: 'unknown' } });
    expect(r.undecidable).toBe(true);
  });
});

describe('undecidable subjects', () => {
  it.each<[string, Condition, RegExp]>([
    ['missing field', { of: 'no_such_field', equals: 1 }, /no_such_field is missing/],
    ['missing step', { of: 'exit', step: 'ghost', equals: 0 }, /step ghost has no evidence/],
    ['timed-out step', { of: 'steps.slow.exit', equals: 0 }, /step slow timed out/],
    ['timed-out step, exists', { of: 'steps.slow.http_status', exists: false }, /timed out/],
    ['unparseable output', { of: 'steps.garbled.http_status', equals: 200 }, /could not be parsed/],
    ['CLI step has no exit code', { of: 'steps.network.exit', equals: 0 }, /no exit code/],
    ['missing fact', { of: 'facts.serial', equals: 'x' }, /facts.serial is missing/],
    ['unregistered check', { of: 'checks.nope.status', equals: 'pass' }, /registered no result/],
    ['invalid regex', { of: 'output', matches: '(' }, /invalid regular expression/],
    ['number compare on text', { of: 'steps.network.hostname', gt: 1 }, /not a number/],
    ['no operator', { of: 'output' }, /no operator/],
    ['two operators', { of: 'output', equals: 'a', contains: 'b' }, /more than one operator/],
  ])('%s', (_n, cond, reason) => {
    const r = evaluateCondition(cond, ctx);
    expect(r.undecidable).toBe(true);
    expect(r.holds).toBe(false);
    expect(r.reason).toMatch(reason);
  });

  it('the output of an unparseable step can still be judged', () => {
    expect(holds({ of: 'steps.garbled.output', contains: '?' })).toBe(true);
  });
});

describe('looped steps', () => {
  it('holds only when every record holds; actual lists per-item values', () => {
    const r = evaluateCondition({ of: 'reachable', step: 'endpoints', equals: true }, ctx);
    expect(r.holds).toBe(false);
    expect(r.undecidable).toBeUndefined();
    expect(r.actual).toBe('https://api-sse.cisco.com: true; https://est.sco.cisco.com: false');
  });

  it('holds over all items', () => {
    expect(holds({ of: 'steps.endpoints.curl_exit', in: [0, 6] })).toBe(true);
  });

  it('one undecidable record makes the whole condition undecidable', () => {
    const looped: EvalContext = { ...ctx, steps: { ...ctx.steps, endpoints: [...ctx.steps.endpoints, { name: 'endpoints', item: 'https://mx01.sse.itd.cisco.com', output: '', exitCode: null, fields: {}, timedOut: true }] } };
    const r = evaluateCondition({ of: 'steps.endpoints.reachable', equals: true }, looped);
    expect(r.undecidable).toBe(true);
    expect(r.reason).toMatch(/item https:\/\/mx01\.sse\.itd\.cisco\.com\) timed out/);
  });
});

describe('describe and operator', () => {
  it.each<[Condition, string]>([
    [{ of: 'http_status', in: [200, 403] }, 'http_status in [200, 403]'],
    [{ of: 'status', step: 'dns', equals: 'ok' }, 'status (step dns) equals "ok"'],
    [{ of: 'output', not_matches: 'x+' }, 'output not matches /x+/'],
    [{ of: 'dns_servers', count: { min: 1 } }, 'count of dns_servers >= 1'],
    [{ of: 'facts.version', version: { gte: '6.5', lte: '7.1' } }, 'facts.version version >= "6.5" and <= "7.1"'],
    [{ of: 'mtu', gte: 1280, lte: 1500 }, 'mtu >= 1280 and <= 1500'],
    [{ of: 'x', exists: false }, 'x does not exist'],
    [{ of: 'hostname', equals: 'FTD', ignore_case: true }, 'hostname equals "FTD" (ignoring case)'],
  ])('%j → %s', (cond, text) => {
    expect(describeCondition(cond)).toBe(text);
  });

  it('conditionOperator names the single operator or explains', () => {
    expect(conditionOperator({ of: 'x', in: [1] })).toBe('in');
    expect(conditionOperator({ of: 'x', gte: 1, lt: 3 })).toBe('gte+lt');
    expect(() => conditionOperator({ of: 'x' })).toThrow(/no operator/);
    expect(() => conditionOperator({ of: 'x', in: [1], gt: 0 })).toThrow(/more than one operator: in, gt/);
  });

  it('message is passed through', () => {
    expect(evaluateCondition({ of: 'http_status', equals: 200, message: 'not OK' }, ctx).message).toBe('not OK');
  });
});

describe('any: true over a looped step', () => {
  const ctx = (exits: Array<number | undefined>) => ({
    steps: { ep: exits.map((e, i) => ({ name: 'ep', item: `u${i}`, output: '', exitCode: 0, fields: e === undefined ? {} : { curl_exit: e } })) },
    defaultStep: 'ep', facts: {}, vars: {}, checks: {},
  });
  it.each([
    [[0, 28, 0], true],
    [[0, 0, 0], false],
    [[28, undefined], true],
  ])('in [28, 7] over %j → %s', (exits, holds) => {
    const r = evaluateCondition({ of: 'curl_exit', in: [28, 7], any: true }, ctx(exits));
    expect([r.holds, r.undecidable ?? false]).toEqual([holds, false]);
  });
  it('is undecidable when no item holds and one cannot be read', () => {
    expect(evaluateCondition({ of: 'curl_exit', in: [28], any: true }, ctx([0, undefined])).undecidable).toBe(true);
  });
  it('says so in its description', () => {
    expect(evaluateCondition({ of: 'curl_exit', in: [28], any: true }, ctx([28])).description).toBe('any item: curl_exit in [28]');
  });
});
