/** The SecureX playbook evaluated on the verbatim seed evidence (replayed, no SSH). */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { runPlan } from '../../src/run/runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { ReplayConnector } from '../../src/replay/recording.js';
import { localize } from '../../src/model/playbook.js';
import type { RunReport } from '../../src/model/result.js';

const root = join(import.meta.dirname, '../..');
const recordings = join(root, 'test/fixtures/recordings/seed');

export async function replaySecurex(dir: string, extra: Record<string, unknown> = {}): Promise<RunReport> {
  const pb = loadPlaybook(join(root, 'playbooks/securex.yml'));
  const plan = buildPlan([pb], await loadInventory(join(dir, 'inventory.yml')), { extraVars: extra });
  return runPlan(plan, {
    connector: new ReplayConnector(dir),
    bus: new EventBus([]),
    mode: 'check',
    meta: { runId: 't', tool: { name: 'firebook', version: '0' }, playbooks: [], inventory: dir, mode: 'check', operator: 't', startedAt: '', argv: [], hostKeyChecking: 'strict', lang: 'en' },
  });
}

const statusTable = (r: RunReport) => Object.fromEntries(r.hosts.map((h) => [h.host, Object.fromEntries(h.checks.map((c) => [c.checkId, c.status]))]));

describe('SecureX playbook on the seed evidence', () => {
  let report: RunReport;
  beforeAll(async () => {
    report = await replaySecurex(recordings);
  });

  it('gives the expected status table', () => {
    expect(statusTable(report)).toEqual({
      'seed-dns-broken': {
        'version-in-scope': 'pass',
        'dns-resolves-sse': 'fail',
        'sse-api-reachable': 'fail',
        // The guide shows only the commands for the endpoint tests, no outputs: no evidence → error, never a guess.
        'sse-endpoints-reachable': 'error',
        'enrollment-probe-log': 'pass',
        'connector-config': 'pass',
        // pmtool status from a field capture (docs/devices.md "Processes"): the guide shows none.
        'sse-processes-running': 'pass',
        'eventhandler-socket': 'fail',
        'eventing-session': 'fail',
        'connector-log-clean': 'fail',
        // Not an FMC from a firebook.fmc source: the FMC API checks are not applicable (issue 19).
        'fmc-cloud-region': 'skipped',
        'fmc-securex-enabled': 'skipped',
        'fmc-cloud-events': 'skipped',
        'fmc-device-connected': 'skipped',
      },
      'seed-healthy': {
        'version-in-scope': 'pass',
        'dns-resolves-sse': 'pass',
        'sse-api-reachable': 'pass',
        'sse-endpoints-reachable': 'error',
        'enrollment-probe-log': 'pass',
        'connector-config': 'pass',
        'sse-processes-running': 'pass',
        'eventhandler-socket': 'pass',
        'eventing-session': 'pass',
        'connector-log-clean': 'pass',
        'fmc-cloud-region': 'skipped',
        'fmc-securex-enabled': 'skipped',
        'fmc-cloud-events': 'skipped',
        'fmc-device-connected': 'skipped',
      },
    });
  });

  const diag = (host: string, check: string) => {
    const c = report.hosts.find((h) => h.host === host)!.checks.find((x) => x.checkId === check)!;
    return { id: c.diagnosis?.id, cause: localize(c.diagnosis?.cause), next: localize(c.diagnosis?.next), ja: localize(c.diagnosis?.cause, 'ja') };
  };

  it.each([
    ['dns-resolves-sse', 'dns-server-unreachable', /x\.x\.x\.10/],
    ['sse-api-reachable', 'dns-resolution', /curl exit 6/],
    ['eventhandler-socket', 'connector-detached', /LISTENING/],
    ['eventing-session', 'egress-blocked', /SYN_SENT/],
    ['connector-log-clean', 'egress-blocked', /5 recent/],
  ])('%s is diagnosed as %s', (check, id, cause) => {
    const d = diag('seed-dns-broken', check);
    expect(d.id).toBe(id);
    expect(d.cause).toMatch(cause);
    expect(d.ja).not.toBe(d.cause);
  });

  it('tells to allow the FQDN, not its IPs, for blocked eventing', () => {
    expect(diag('seed-dns-broken', 'eventing-session').next).toMatch(/FQDN, not by IP/);
  });

  it('counts 403 from api-sse as reachable', () => {
    const c = report.hosts[1].checks.find((x) => x.checkId === 'sse-api-reachable')!;
    expect(c.evidence[0].fields.http_status).toBe(403);
  });

  it('plans the remediations for the failures, without sending anything', () => {
    const rem = report.hosts[0].remediations;
    expect(rem.map((r) => [r.remediationId, r.status])).toEqual([
      ['fix-dns-servers', 'not-applicable'],
      ['restart-sse-connector', 'planned'],
    ]);
    expect(rem[1].commands).toEqual([{ level: 'root', command: 'pmtool restartbyid SSEConnector', phase: 'apply' }]);
  });

  it('plans the exact DNS command when dns_servers is given', async () => {
    const r = await replaySecurex(recordings, { dns_servers: '192.0.2.53,192.0.2.54' });
    const fix = r.hosts[0].remediations.find((x) => x.remediationId === 'fix-dns-servers')!;
    expect(fix.status).toBe('planned');
    expect(fix.commands.filter((c) => c.phase === 'apply').map((c) => c.command)).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
  });

  it('replays a recording made before read-only words were sent quoted (the same table)', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'fb-seed-'));
    copyFileSync(join(recordings, 'inventory.yml'), join(dir, 'inventory.yml'));
    for (const h of ['seed-dns-broken', 'seed-healthy']) {
      const rec = JSON.parse(readFileSync(join(recordings, `${h}.json`), 'utf8'));
      // The old text: the same words, unquoted (they are all plain in these recordings).
      for (const c of rec.commands) if (c.level !== 'cli') c.command = c.command.replace(/'/g, '');
      expect(rec.commands.some((c: { command: string }) => c.command.startsWith('curl -v'))).toBe(true);
      writeFileSync(join(dir, `${h}.json`), JSON.stringify(rec));
    }
    expect(statusTable(await replaySecurex(dir))).toEqual(statusTable(report));
  });

  it('skips every check on a release newer than 7.1', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'fb-seed-'));
    copyFileSync(join(recordings, 'inventory.yml'), join(dir, 'inventory.yml'));
    for (const h of ['seed-dns-broken', 'seed-healthy']) {
      const rec = JSON.parse(readFileSync(join(recordings, `${h}.json`), 'utf8'));
      rec.facts.version = '7.2.4';
      writeFileSync(join(dir, `${h}.json`), JSON.stringify(rec));
    }
    const r = await replaySecurex(dir);
    for (const h of r.hosts) {
      expect(new Set(h.checks.map((c) => c.status))).toEqual(new Set(['skipped']));
      expect(localize(h.checks[0].reason)).toBe('not applicable: 7.2.4 > 7.1');
    }
    expect(r.exitCode).toBe(0);
  });
});

describe('fix-dns-servers refuses a change it could not roll back', () => {
  it('stops before any change when no DNS server was configured (empty capture)', async () => {
    const { mkdtempSync, readFileSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadInventory } = await import('../../src/inventory/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'fb-nodns-'));
    copyFileSync(join(recordings, 'inventory.yml'), join(dir, 'inventory.yml'));
    for (const h of ['seed-dns-broken', 'seed-healthy']) {
      const rec = JSON.parse(readFileSync(join(recordings, `${h}.json`), 'utf8'));
      for (const c of rec.commands) if (c.command === 'show network') c.output = c.output.replace(/^DNS Servers.*\n/m, '');
      writeFileSync(join(dir, `${h}.json`), JSON.stringify(rec));
    }
    const pb = loadPlaybook(join(root, 'playbooks/securex.yml'));
    const plan = buildPlan([pb], await loadInventory(join(dir, 'inventory.yml')), { limit: 'seed-dns-broken', extraVars: { dns_servers: '192.0.2.53' } });
    const r = await runPlan(plan, {
      connector: new ReplayConnector(dir), bus: new EventBus([]), mode: 'apply',
      meta: { runId: 't', tool: { name: 'firebook', version: '0' }, playbooks: [], inventory: dir, mode: 'apply', operator: 't', startedAt: '', argv: [], hostKeyChecking: 'strict', lang: 'en' },
    });
    const fix = r.hosts[0].remediations.find((x) => x.remediationId === 'fix-dns-servers')!;
    expect(fix.status).toBe('failed');
    expect(localize(fix.reason)).toMatch(/rollback would have no value for captured\.before\.dns_servers.*nothing was changed/);
    expect(fix.commands.map((c) => c.phase)).toEqual(['capture']);
  });
});
