/** The runner against the lab: selection, retries, waivers, apply/rollback, replay. Faults:
 * test/faults/fault-matrix.test.ts. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { localize } from '../../src/model/playbook.js';
import { RecordingConnector, ReplayConnector } from '../../src/replay/recording.js';
import { SshConnector } from '../../src/transport/index.js';
import { ROOT, runOn, statusTable, writeInventory } from './helpers.js';
import { loadInventory } from '../../src/inventory/index.js';
import { loadWaivers } from '../../src/load/waivers.js';

describe('runner on the lab', () => {
  let lab: Lab;
  let inventory: string;
  let knownHosts: string;
  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'good1', platform: 'ftd', scenario: 'healthy' },
        { name: 'good2', platform: 'ftd', scenario: 'eventhandler-detached' },
      ],
    });
    // The fault rows this fleet once held live in the fault matrix (test/faults, docs/faults.md).
    inventory = writeInventory(lab);
    knownHosts = lab.knownHostsPath;
  });
  afterAll(() => lab?.stop());

  it('--limit and --tags select hosts and checks', async () => {
    const { report } = await runOn(inventory, lab, { knownHosts, limit: 'good*', tags: ['dns'] });
    expect(report.hosts.map((h) => h.host)).toEqual(['good1', 'good2']);
    expect(Object.keys(statusTable(report).good1)).toEqual(['version-in-scope', 'dns-resolves-sse']);
  });

  it('retries a failing check with its delay, keeping the last evidence', async () => {
    const { report } = await runOn(inventory, lab, { knownHosts, limit: 'good1', playbooks: [join(ROOT, 'test/fixtures/playbooks/runner/retry.yml')] });
    const c = report.hosts[0].checks.find((x) => x.checkId === 'always-fails')!;
    expect(c.status).toBe('fail');
    expect(c.attempts).toBe(3);
    expect(lab.commandLog('good1').filter((e) => e.line.includes('probe-marker')).length).toBe(3);
    expect(report.hosts[0].checks.find((x) => x.checkId === 'cli-only')!.status).toBe('pass');
    // Registered values flow to later checks (command templates and when-conditions).
    const reg = report.hosts[0].checks.find((x) => x.checkId === 'uses-registered')!;
    expect([reg.status, reg.evidence[0].command]).toEqual(['pass', "'echo' 'model=6.5.0'"]);
    const gated = report.hosts[0].checks.find((x) => x.checkId === 'gated-off')!;
    expect([gated.status, localize(gated.reason)]).toEqual(['skipped', 'always-fails did not pass (fail)']);
  });

  it('waivers turn matching failures into waived; an expired one says so and counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-waive-'));
    const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const inv = await loadInventory(inventory);
    const waivers = loadWaivers(write('valid.yml', 'waivers:\n  - { check: eventhandler-socket, hosts: "good*:!good1", justification: CHG-1 connector rebuild scheduled, expires: "2099-12-31", approver: cab, approved: "2099-01-01" }\n'), inv, { today: '2099-01-01' });
    const expiredWaivers = loadWaivers(write('expired.yml', 'waivers:\n  - { check: eventhandler-socket, hosts: "good*", justification: old waiver, expires: "2020-01-01", approver: cab, approved: "2019-06-01" }\n'), inv);
    expect([...waivers[0].hostNames]).toEqual(['good2']);
    const valid = await runOn(inventory, lab, { knownHosts, limit: 'good2', waivers });
    const c = valid.report.hosts[0].checks.find((x) => x.checkId === 'eventhandler-socket')!;
    expect(c.status).toBe('waived');
    expect(c.waiver).toMatchObject({ justification: 'CHG-1 connector rebuild scheduled', expires: '2099-12-31' });
    expect(valid.report.exitCode).toBe(0);
    const expired = await runOn(inventory, lab, { knownHosts, limit: 'good2', waivers: expiredWaivers });
    const e = expired.report.hosts[0].checks.find((x) => x.checkId === 'eventhandler-socket')!;
    expect(e.status).toBe('fail');
    expect(localize(e.reason)).toMatch(/waiver expired on 2020-01-01/);
    expect(expired.report.exitCode).toBe(2);
  });

  it('replaying a recording reproduces the same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-rec-'));
    const live = await runOn(inventory, lab, { knownHosts, limit: 'good*', connector: new RecordingConnector(new SshConnector({ knownHostsFile: knownHosts, hostKeyPolicy: 'strict' }), dir) });
    copyFileSync(inventory, join(dir, 'inventory.yml'));
    const replayed = await runOn(inventory, lab, { limit: 'good*', connector: new ReplayConnector(dir) });
    expect(statusTable(replayed.report)).toEqual(statusTable(live.report));
    const diag = (r: typeof live.report) => r.hosts.flatMap((h) => h.checks.map((c) => c.diagnosis?.id ?? null));
    expect(diag(replayed.report)).toEqual(diag(live.report));
    expect(readFileSync(join(dir, 'good1.json'), 'utf8')).not.toContain(lab.password);
  });
});

describe('apply mode on the lab', () => {
  let lab: Lab;
  let inventory: string;
  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'dns1', platform: 'ftd', scenario: 'dns-broken' },
        { name: 'dns2', platform: 'ftd', scenario: 'dns-broken' },
        { name: 'detached', platform: 'ftd', scenario: 'eventhandler-detached' },
      ],
    });
    inventory = writeInventory(lab);
  });
  afterAll(() => lab?.stop());

  it('fixes DNS, verifies it, ends fixed with exit 0 (the final state), and the next run passes', async () => {
    const { report } = await runOn(inventory, lab, { limit: 'dns1', mode: 'apply', extraVars: { dns_servers: '192.0.2.53,192.0.2.54' } });
    const fix = report.hosts[0].remediations.find((r) => r.remediationId === 'fix-dns-servers')!;
    expect(fix.status).toBe('verified');
    // The failures it verified end `fixed`, showing what was observed before; nothing else failed.
    expect(statusTable(report).dns1['dns-resolves-sse']).toBe('fixed');
    const dns = report.hosts[0].checks.find((c) => c.checkId === 'dns-resolves-sse')!;
    expect(dns.diagnosis).toBeDefined();
    expect(dns.fixed?.remediationId).toBe('fix-dns-servers');
    // Its symptoms (their diagnoses say "See dns-resolves-sse") were checked again and pass now.
    expect(statusTable(report).dns1['sse-endpoints-reachable']).toBe('fixed');
    expect(statusTable(report).dns1['enrollment-probe-log']).toBe('fixed');
    expect(report.summary.checks.fail).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(fix.commands.filter((c) => c.phase === 'apply').map((c) => c.command)).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
    expect(fix.before?.before?.dns_servers).toEqual(['203.0.113.53']);
    expect(fix.verification?.map((v) => [v.checkId, v.status])).toEqual([['dns-resolves-sse', 'pass'], ['sse-api-reachable', 'pass']]);
    expect(lab.state('dns1').dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
    const next = await runOn(inventory, lab, { limit: 'dns1' });
    expect(statusTable(next.report).dns1['dns-resolves-sse']).toBe('pass');
    expect(next.report.exitCode).toBe(0);
  });

  it('rolls back to the captured servers when verification fails', async () => {
    const { report } = await runOn(inventory, lab, { limit: 'dns2', mode: 'apply', extraVars: { dns_servers: '198.51.100.99' } });
    const fix = report.hosts[0].remediations.find((r) => r.remediationId === 'fix-dns-servers')!;
    expect(fix.status).toBe('rolled-back');
    expect(localize(fix.reason)).toMatch(/verification failed/);
    // A failed verification (rolled back) still fails.
    expect(statusTable(report).dns2['dns-resolves-sse']).toBe('fail');
    expect(report.exitCode).toBe(2);
    expect(fix.commands.filter((c) => c.phase === 'rollback').map((c) => c.command)).toEqual(['configure network dns servers 203.0.113.53']);
    expect(lab.state('dns2').dnsServers).toEqual(['203.0.113.53']);
  });

  it('restarts the SSE connector and verifies the socket', async () => {
    const { report } = await runOn(inventory, lab, { limit: 'detached', mode: 'apply' });
    const fix = report.hosts[0].remediations.find((r) => r.remediationId === 'restart-sse-connector')!;
    expect(fix.status).toBe('verified');
    expect(lab.state('detached').socketConnected).toBe(true);
  }, 60_000);
});
