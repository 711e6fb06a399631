/** The SecureX playbook against every lab scenario, over real SSH. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { DEMO_FLEET } from '../../src/cli/commands/demo.js';
import { localize } from '../../src/model/playbook.js';
import type { RunReport } from '../../src/model/result.js';
import { runOn, statusTable, writeInventory } from './helpers.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';

const P = 'pass', F = 'fail', E = 'error', S = 'skipped';
const ids = ['version-in-scope', 'dns-resolves-sse', 'sse-api-reachable', 'sse-endpoints-reachable', 'enrollment-probe-log', 'connector-config', 'sse-processes-running', 'eventhandler-socket', 'eventing-session', 'connector-log-clean', 'fmc-cloud-region', 'fmc-securex-enabled', 'fmc-cloud-events', 'fmc-device-connected'];
// The fmc-* checks read the FMC API: skipped on every host of this static inventory (no firebook.fmc source).
const row = (...s: string[]) => Object.fromEntries(ids.map((id, i) => [id, s[i] ?? S]));

const EXPECTED = {
  'ftd-healthy': row(P, P, P, P, P, P, P, P, P, P),
  'ftd-dns': row(P, F, F, F, F, P, P, P, F, F),
  'ftd-egress': row(P, P, F, F, F, P, P, P, F, F),
  'ftd-detached': row(P, P, P, P, P, P, P, F, P, P),
  'ftd-misconf': row(P, P, P, P, P, F, P, P, F, P),
  'ftd-locked': row(P, E, E, E, E, E, E, E, E, E),
  'ftd-72': row(S, S, S, S, S, S, S, S, S, S),
  'ftd-stopped': row(P, P, P, P, P, P, F, F, F, P),
  'ftd-tls': row(P, P, P, F, F, P, P, P, P, F),
  'ftd-apjc': row(P, P, P, P, P, P, P, P, P, P),
  'fmc-healthy': row(P, P, P, P, P, P, P, S, P, P),
  'fmc-bash': row(P, P, F, F, F, P, P, S, F, F),
  // The health scenarios and HA pairs of the demo fleet are healthy for SecureX.
  ...Object.fromEntries(['ftd-tunnel', 'ftd-pending', 'ftd-disk', 'ftd-ntp', 'ftd-proc', 'ftd-ha-a1', 'ftd-ha-a2', 'ftd-ha-b1', 'ftd-ha-b2', 'ftd-ha-c1', 'ftd-ha-c2']
    .map((h) => [h, row(P, P, P, P, P, P, P, P, P, P)])),
};

describe('SecureX playbook on every lab scenario', () => {
  let lab: Lab;
  let report: RunReport;
  beforeAll(async () => {
    lab = await startLab({ hosts: DEMO_FLEET });
    ({ report } = await runOn(writeInventory(lab, [], undefined, { 'ftd-apjc': { sse_region: 'apj' } }), lab));
  });
  afterAll(() => lab?.stop());

  it('gives the full expected status table', () => {
    expect(statusTable(report)).toEqual(EXPECTED);
  });

  it('marks the expert-disabled device as a privilege error and keeps its CLI results', () => {
    const h = report.hosts.find((x) => x.host === 'ftd-locked')!;
    expect(h.status).toBe('error');
    expect(h.triage?.class).toBe('privilege');
    expect(h.checks[0].status).toBe('pass');
  });

  const diagnosis = (host: string, check: string) => report.hosts.find((h) => h.host === host)!.checks.find((c) => c.checkId === check)!.diagnosis;

  it.each([
    ['ftd-dns', 'dns-resolves-sse', 'dns-server-unreachable', /203\.0\.113\.53/],
    ['ftd-dns', 'sse-api-reachable', 'dns-resolution', /curl exit 6/],
    ['ftd-egress', 'sse-api-reachable', 'no-internet-path', /curl exit 28/],
    ['ftd-egress', 'eventing-session', 'egress-blocked', /SYN_SENT/],
    ['ftd-egress', 'connector-log-clean', 'egress-blocked', /dial tcp/],
    ['ftd-detached', 'eventhandler-socket', 'connector-detached', /LISTENING/],
    ['ftd-misconf', 'connector-config', 'connector-misconfigured', /api\.sse\.cisco\.com/],
    ['fmc-bash', 'enrollment-probe-log', 'no-internet-path', /curl exit 28/],
    ['ftd-stopped', 'sse-processes-running', 'connector-not-running', /SSEConnector: User Disabled/],
    ['ftd-stopped', 'eventhandler-socket', 'connector-not-running', /^Root cause: .*sse-processes-running/],
    ['ftd-stopped', 'eventing-session', 'connector-not-running', /^Root cause: .*sse-processes-running/],
    ['ftd-tls', 'sse-endpoints-reachable', 'certificate-untrusted', /curl exit 60/],
    ['ftd-tls', 'enrollment-probe-log', 'tls-problem', /curl exit 60/],
    ['ftd-tls', 'connector-log-clean', 'tls-interception', /x509: certificate signed by unknown authority/],
    ['ftd-dns', 'eventing-session', 'dns-resolution', /^Root cause: .*dns-resolves-sse/],
    ['ftd-misconf', 'eventing-session', 'connector-misconfigured', /^Root cause: .*connector-config/],
    ['ftd-dns', 'connector-log-clean', 'dns-resolution', /cannot resolve eventing-ingest\.sse\.itd\.cisco\.com/],
  ])('%s %s → %s', (host, check, id, cause) => {
    const d = diagnosis(host, check)!;
    expect(d.id).toBe(id);
    expect(localize(d.cause)).toMatch(cause);
    expect(localize(d.cause, 'ja')).not.toBe(localize(d.cause));
  });

  it('reports the region each host was checked against', () => {
    const sel = (host: string) => report.hosts.find((h) => h.host === host)!.selections;
    expect(sel('ftd-apjc')).toEqual({ sse_region: 'apj' });
    expect(sel('ftd-healthy')).toEqual({ sse_region: 'us' });
    expect(renderMarkdown(report, { lang: 'en' })).toMatch(/Selected by input \(e\.g\. SSE region\)[^\n]*sse\\_region: apj ×1, us ×\d+/);
  });

  it('an APJC device passes with sse_region=apj (above) and fails when checked against the US set', async () => {
    const inv = writeInventory(lab, [], undefined, { 'ftd-apjc': { sse_region: 'apj' } });
    const { report: us } = await runOn(inv, lab, { limit: 'ftd-apjc', extraVars: { sse_region: 'us' } });
    const h = us.hosts[0];
    expect(h.selections).toEqual({ sse_region: 'us' });
    const status = Object.fromEntries(h.checks.map((c) => [c.checkId, c.status]));
    expect(status).toMatchObject({ 'sse-api-reachable': F, 'sse-endpoints-reachable': F, 'connector-config': F, 'sse-processes-running': P });
    const cfg = h.checks.find((c) => c.checkId === 'connector-config')!;
    expect(localize(cfg.diagnosis?.cause)).toContain('connector_fqdn=api.apj.sse.itd.cisco.com');
    expect(localize(cfg.diagnosis?.next)).toMatch(/set sse_region/);
  });

  it('says why the 7.2 device is skipped', () => {
    const h = report.hosts.find((x) => x.host === 'ftd-72')!;
    expect(localize(h.checks[0].reason)).toBe('not applicable: 7.2.4 > 7.1');
    expect(localize(h.checks[0].reason, 'ja')).toBe('対象外: 7.2.4 > 7.1');
  });

  it('sends no configuration command in check mode (lab command log)', () => {
    for (const h of lab.hosts) {
      const lines = lab.commandLog(h.name).map((e) => e.line);
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.filter((l) => /^\s*configure\b|pmtool\s+restart/i.test(l))).toEqual([]);
    }
    const planned = report.hosts.flatMap((h) => h.remediations).filter((r) => r.status === 'planned');
    expect(planned.map((r) => r.remediationId)).toContain('restart-sse-connector');
  });

  it('keeps secrets out of every result', () => {
    expect(JSON.stringify(report)).not.toContain(lab.password);
  });
});
