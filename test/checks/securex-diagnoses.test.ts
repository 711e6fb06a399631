/** The SecureX playbook's checks judged on recorded text: each connector.log failure class gets its
 * own diagnosis and next step, a stopped connector is named as the root cause by the later checks,
 * the region selects the expected endpoints, and no failure is left without a diagnosis. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { resolveVars } from '../../src/plan/plan.js';
import { evaluateCheck, getParser, type EvalContext } from '../../src/checks/index.js';
import { localize, type CheckSpec } from '../../src/model/playbook.js';
import { playbookWarnings } from '../../src/validate/warnings.js';
import { layout } from './load-fixture.js';

const pb = loadPlaybook(join(import.meta.dirname, '../../playbooks/securex.yml'));
const check = (id: string): CheckSpec => pb.spec.checks.find((c) => c.id === id)!;
const vars = (region = 'us') => resolveVars(pb, { sse_region: region }, 'ftd');

function judge(id: string, step: string, parser: string, text: string, opts: { region?: string; checks?: EvalContext['checks']; exit?: number } = {}) {
  const spec = check(id);
  const parseSpec = spec.collect![0].parse as { parser: string; options?: Record<string, unknown> };
  const r = getParser(parser)!(text, opts.exit ?? 0, parseSpec.options);
  const ctx: EvalContext = { steps: { [step]: [{ name: step, output: text, exitCode: opts.exit ?? 0, fields: r.fields, ...(r.error ? { parseError: r.error } : {}) }] }, facts: { platform: 'ftd', version: '6.5.0' }, vars: vars(opts.region), checks: opts.checks ?? {} };
  return evaluateCheck(spec, ctx);
}

describe('connector-log-clean: the diagnosis names the class and its next step', () => {
  it.each([
    ['connector-log-egress-timeout.txt', 'egress-blocked', /by FQDN/],
    ['connector-log-egress-refused.txt', 'egress-blocked', /by FQDN/],
    ['connector-log-dns-timeout.txt', 'dns-resolution', /dns-resolves-sse/],
    ['connector-log-dns-no-such-host.txt', 'dns-resolution', /fix the DNS servers/],
    ['connector-log-tls-x509.txt', 'tls-interception', /from TLS decryption/],
    ['connector-log-bad-handshake.txt', 'handshake-refused', /WebSocket upgrades/],
    ['connector-log-unknown.txt', 'ws-error-unclassified', /Read the error/],
  ])('%s → %s', (file, id, next) => {
    const r = judge('connector-log-clean', 'log', 'connector-log', layout(file));
    expect(r.status).toBe('fail');
    expect(r.diagnosis?.id).toBe(id);
    expect(localize(r.diagnosis?.next)).toMatch(next);
    expect(localize(r.diagnosis?.cause, 'ja')).not.toBe(localize(r.diagnosis?.cause));
  });

  it('the egress next step lists the FQDNs of the host region', () => {
    const r = judge('connector-log-clean', 'log', 'connector-log', layout('connector-log-egress-timeout.txt'), { region: 'apj' });
    expect(localize(r.diagnosis?.next)).toContain('eventing-ingest.apj.sse.itd.cisco.com');
    expect(localize(r.diagnosis?.next)).not.toContain('eventing-ingest.sse.itd.cisco.com');
  });
});

describe('sse-processes-running and the checks that depend on it', () => {
  it.each([
    ['pmtool-status-ftd-6.7.txt', 'pass', undefined],
    ['pmtool-status-issue13.txt', 'pass', undefined],
    ['pmtool-status-connector-disabled.txt', 'fail', 'connector-not-running'],
  ])('%s → %s', (file, status, id) => {
    const r = judge('sse-processes-running', 'pmtool', 'pmtool-status', layout(file));
    expect(r.status).toBe(status);
    expect(r.diagnosis?.id).toBe(id);
  });

  it('with the connector stopped, later failures point at it as the root cause', () => {
    const stopped = { 'sse-processes-running': { status: 'fail', not_running: ['SSEConnector'] } };
    const sock = judge('eventhandler-socket', 'sockets', 'netstat-unix', 'unix 2 [ ACC ] STREAM LISTENING 1 7741/EventHandler /ngfw/var/sf/run/EventHandler_SSEConnector.sock\n', { checks: stopped });
    const session = judge('eventing-session', 'lsof', 'lsof-inet', '', { checks: stopped });
    for (const r of [sock, session]) {
      expect(r.status).toBe('fail');
      expect(r.diagnosis?.id).toBe('connector-not-running');
      expect(localize(r.diagnosis?.cause)).toMatch(/^Root cause: .*sse-processes-running/);
    }
  });
});

describe('sse_region selects the expected endpoint set', () => {
  const props = (fqdn: string) => `registration_interval=180\nconnector_port=8989\nconnector_fqdn=${fqdn}\n`;
  it.each([
    ['us', 'api-sse.cisco.com', 'pass'],
    ['apj', 'api.apj.sse.itd.cisco.com', 'pass'],
    ['eu', 'api.eu.sse.itd.cisco.com', 'pass'],
    ['us', 'api.apj.sse.itd.cisco.com', 'fail'],
    ['apj', 'api-sse.cisco.com', 'fail'],
  ])('region %s, connector_fqdn %s → %s', (region, fqdn, status) => {
    const r = judge('connector-config', 'properties', 'properties', props(fqdn), { region });
    expect(r.status).toBe(status);
    if (status === 'fail') expect(localize(r.diagnosis?.cause)).toContain(vars(region).sse_api_host as string);
  });

  it('every region has its own API, eventing and endpoint list; -e and inventory choose it', () => {
    expect(vars('apj')).toMatchObject({ sse_api_host: 'api.apj.sse.itd.cisco.com', sse_eventing_host: 'eventing-ingest.apj.sse.itd.cisco.com' });
    expect(vars('eu').sse_endpoints).toContain('https://eventing-ingest.eu.sse.itd.cisco.com');
    expect(resolveVars(pb, {}, 'ftd').sse_api_host).toBe('api-sse.cisco.com');
    expect(resolveVars(pb, { sse_region: 'apj' }, 'ftd', { sse_region: 'us' }).sse_api_host).toBe('api-sse.cisco.com');
  });
});

describe('every failure explains itself', () => {
  it('validate finds no check without a (fallback) diagnosis in the SecureX playbook', () => {
    expect(playbookWarnings(pb.spec, (p) => pb.locate(p))).toEqual([]);
  });

  it('enrollment-probe-log no longer shows a bare condition', () => {
    const line = 'ActionQueueScrape pl[1]: [SF::SSE::Enrollment] canConnect: System (/usr/bin/curl -s) failed';
    const r = judge('enrollment-probe-log', 'log', 'action-queue', `${line}\n`);
    // An unreadable tail is undecidable (error); a failure with a known code gets a diagnosis.
    expect(r.status).toBe('error');
    const known = judge('enrollment-probe-log', 'log', 'action-queue', `${line.replace(' failed', ' failed, exit code 35')}\n`);
    expect(known.status).toBe('fail');
    expect(known.diagnosis?.id).toBe('enrollment-probes-failing');
    expect(localize(known.diagnosis?.cause)).toMatch(/1 recent enrollment probe\(s\) failed \(curl exit codes: 35\)/);
  });
});

describe('validate warns about checks that would fail without explanation', () => {
  const base = { id: 'x', title: 'X', severity: 'low' as const, expect: [{ of: 'exit', equals: 0 }] };
  const at = () => ({ file: 'p.yml', line: 1, col: 1 });
  it.each([
    ['no diagnose at all', { ...base }, 'no-diagnosis'],
    ['only conditional rules', { ...base, diagnose: [{ when: [{ of: 'exit', equals: 1 }], cause: 'c' }] }, 'no-fallback-diagnosis'],
  ])('%s → %s', (_n, check, code) => {
    expect(playbookWarnings({ name: 'p', checks: [check] }, at).map((w) => w.code)).toEqual([code]);
  });
  it('a fallback rule or a gate check needs no warning', () => {
    expect(playbookWarnings({ name: 'p', checks: [{ ...base, diagnose: [{ when: [], cause: 'c' }] }, { ...base, id: 'g', applicability: true }] }, at)).toEqual([]);
  });
});
