import { describe, expect, it } from 'vitest';
import type { CheckSpec } from '../../src/model/playbook.js';
import { evaluateCheck, getParser, type EvalContext, type StepRecord } from '../../src/checks/index.js';
import { seed } from './load-fixture.js';

function record(name: string, parser: string, output: string, exitCode: number | null): StepRecord {
  const r = getParser(parser)!(output, exitCode);
  return { name, output, exitCode, fields: r.fields, ...(r.error ? { parseError: r.error } : {}) };
}

const dnsCheck: CheckSpec = {
  id: 'sse-api-reachable',
  title: 'api-sse.cisco.com answers over HTTPS',
  severity: 'high',
  collect: [
    { name: 'curl', level: 'root', command: 'curl -v -k https://{{vars.fqdn}}', parse: { parser: 'curl' } },
    { name: 'network', level: 'cli', command: 'show network', parse: { parser: 'show-network' } },
  ],
  expect: [{ of: 'http_status', in: [200, 403], message: 'curl exit {{steps.curl.fields.curl_exit}}' }],
  diagnose: [
    {
      id: 'dns-resolution',
      when: [{ of: 'curl_exit', equals: 6 }],
      cause: { en: 'DNS resolution fails. DNS servers in use: {{steps.network.fields.dns_servers}}', ja: '名前解決に失敗しています。使用中の DNS サーバー: {{steps.network.fields.dns_servers}}' },
      next: 'Run nslookup {{vars.fqdn}}; fix with configure network dns servers',
    },
    { id: 'no-path', when: [{ of: 'curl_exit', in: [7, 28] }], cause: 'No path to the internet from the management interface' },
    { id: 'unknown', when: [], cause: 'Unknown failure ({{fields.error}})' },
  ],
};

function ctxWith(steps: Record<string, StepRecord[]>): EvalContext {
  return { steps, facts: { platform: 'ftd', version: '6.5.0' }, vars: { fqdn: 'api-sse.cisco.com' }, checks: {} };
}
const network = [record('network', 'show-network', seed('show-network.txt'), null)];

describe('evaluateCheck', () => {
  it('pass: HTTP 403 is reachable; no diagnosis', () => {
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', seed('curl-reachable-403.txt'), 0)], network }));
    expect(r.status).toBe('pass');
    expect(r.conditions).toHaveLength(1);
    expect(r.conditions[0]).toMatchObject({ description: 'http_status in [200, 403]', holds: true, actual: '403' });
    expect(r.diagnosis).toBeUndefined();
  });

  it('fail: exit 6 → DNS diagnosis rendered in en and ja with fields of another step', () => {
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', seed('curl-dns-failure.txt'), 6)], network }));
    expect(r.status).toBe('fail');
    expect(r.conditions[0]).toMatchObject({ holds: false, actual: 'null', message: 'curl exit 6' });
    expect(r.diagnosis).toEqual({
      id: 'dns-resolution',
      cause: { en: 'DNS resolution fails. DNS servers in use: x.x.x.10', ja: '名前解決に失敗しています。使用中の DNS サーバー: x.x.x.10' },
      next: 'Run nslookup api-sse.cisco.com; fix with configure network dns servers',
    });
  });

  it('fail: first matching rule wins, in order (exit 28 → no-path, not the fallback)', () => {
    const out = 'curl: (28) Connection timed out after 10001 milliseconds\n';
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', out, 28)], network }));
    expect(r.status).toBe('fail');
    expect(r.diagnosis?.id).toBe('no-path');
  });

  it('fail: the empty-when fallback applies when nothing else does', () => {
    const out = 'curl: (35) SSL connect error\n';
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', out, 35)], network }));
    expect(r.diagnosis).toEqual({ id: 'unknown', cause: 'Unknown failure (curl: (35) SSL connect error)' });
  });

  it('error: timed-out step → error with a reason naming what is missing; diagnosis rules that cannot be decided do not apply', () => {
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [{ name: 'curl', output: '', exitCode: null, fields: {}, timedOut: true }], network }));
    expect(r.status).toBe('error');
    expect(r.conditions[0].undecidable).toBe(true);
    expect(r.reason).toMatchObject({ en: expect.stringMatching(/http_status in \[200, 403\] — step curl timed out/) });
    // dns-resolution and no-path are undecidable → skipped; the fallback explains failures only:
    // for an error it would claim a cause nobody saw ("Unknown failure ((unknown))").
    expect(r.diagnosis).toBeUndefined();
  });

  it('a string operand may name a variable: the expected value follows the region', () => {
    const check = { id: 'cfg', title: 't', severity: 'high' as const, collect: [{ name: 'p', level: 'root' as const, command: 'cat f' }],
      expect: [{ of: 'output', equals: '{{vars.sse_api_host}}' }],
      diagnose: [{ when: [{ of: 'output', not_equals: '{{vars.sse_api_host}}' }], cause: 'wrong host {{steps.p.output}}' }] };
    const ctx = (out: string) => ({ steps: { p: [record('p', 'lines', out, 0)] }, facts: {}, vars: { sse_api_host: 'api.apj.sse.itd.cisco.com' }, checks: {} });
    expect(evaluateCheck(check, ctx('api.apj.sse.itd.cisco.com')).status).toBe('pass');
    const r = evaluateCheck(check, ctx('api-sse.cisco.com'));
    expect(r.status).toBe('fail');
    expect(r.diagnosis?.cause).toBe('wrong host api-sse.cisco.com');
  });

  it('error: unparseable output is never a pass or fail', () => {
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', 'gibberish', 0)], network }));
    expect(r.status).toBe('error');
    expect(r.reason).toMatchObject({ en: expect.stringMatching(/could not be parsed/) });
  });

  it('error wins over fail when another condition is undecidable', () => {
    const spec: CheckSpec = { ...dnsCheck, expect: [{ of: 'reachable', equals: true }, { of: 'steps.ghost.exit', equals: 0 }] };
    const r = evaluateCheck(spec, ctxWith({ curl: [record('curl', 'curl', seed('curl-dns-failure.txt'), 6)], network }));
    expect(r.status).toBe('error');
    expect(r.conditions.map((c) => c.holds)).toEqual([false, false]);
    expect(r.diagnosis?.id).toBe('dns-resolution');
  });

  it('a timed-out step that no condition needs does not matter', () => {
    const r = evaluateCheck(dnsCheck, ctxWith({ curl: [record('curl', 'curl', seed('curl-reachable-403.txt'), 0)], network: [{ name: 'network', output: '', exitCode: null, fields: {}, timedOut: true }] }));
    expect(r.status).toBe('pass');
  });

  it('default step: the first collect step when the context names none; explicit defaultStep wins', () => {
    const steps = { curl: [record('curl', 'curl', seed('curl-reachable-403.txt'), 0)], network };
    expect(evaluateCheck(dnsCheck, ctxWith(steps)).status).toBe('pass');
    const spec: CheckSpec = { ...dnsCheck, expect: [{ of: 'hostname', equals: 'ftd01' }] };
    expect(evaluateCheck(spec, { ...ctxWith(steps), defaultStep: 'network' }).status).toBe('pass');
  });
});
