/** The runner against the lab: mixed fleets, selection, retries, waivers, apply/rollback, replay. */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
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

/** A loopback port with nothing listening (connection refused). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('runner on a mixed fleet', () => {
  let lab: Lab;
  let inventory: string;
  let knownHosts: string;
  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'good1', platform: 'ftd', scenario: 'healthy' },
        { name: 'good2', platform: 'ftd', scenario: 'eventhandler-detached' },
        { name: 'badauth', platform: 'ftd', faults: { authFail: true } },
        { name: 'rekeyed', platform: 'ftd' },
        { name: 'dropper', platform: 'ftd', faults: { dropOnCommand: 'lsof' } },
        { name: 'hanger', platform: 'ftd', faults: { hangOnCommand: 'nslookup' } },
        { name: 'hanger2', platform: 'ftd', faults: { hangOnCommand: 'lsof' } },
        { name: 'noisy', platform: 'ftd', faults: { garbageOutput: true, bell: true } },
        { name: 'newpw', platform: 'ftd', faults: { forcePasswordChange: true } },
        { name: 'stalled', platform: 'ftd', faults: { handshakeDelayMs: 10_000 } },
      ],
    });
    // (No unresolvable-name host here: a lookup would query a resolver off this machine; the
    // ENOTFOUND → 'dns' mapping is covered by the transport's pure tests.)
    inventory = writeInventory(lab, [{ name: 'nobody-home', port: await closedPort() }], undefined, {
      hanger: { firebook_command_timeout: 2 },
      hanger2: { firebook_command_timeout: 2 },
      stalled: { firebook_connect_timeout: 1 },
    });
    // rekeyed's known_hosts entry carries good1's key: a changed host key.
    const dir = mkdtempSync(join(tmpdir(), 'fb-kh-'));
    knownHosts = join(dir, 'known_hosts');
    const lines = readFileSync(lab.knownHostsPath, 'utf8').trim().split('\n');
    const port = (n: string) => lab.hosts.find((h) => h.name === n)!.port;
    const keyOf = (n: string) => lines.find((l) => l.startsWith(`[127.0.0.1]:${port(n)} `))!.split(' ').slice(1).join(' ');
    writeFileSync(knownHosts, lines.map((l) => (l.startsWith(`[127.0.0.1]:${port('rekeyed')} `) ? `[127.0.0.1]:${port('rekeyed')} ${keyOf('good1')}` : l)).join('\n') + '\n');
  });
  afterAll(() => lab?.stop());

  it('accounts for every host, each with a precise status, and one bad host stops no other', async () => {
    const { report } = await runOn(inventory, lab, { knownHosts });
    const byHost = Object.fromEntries(report.hosts.map((h) => [h.host, [h.status, h.triage?.class]]));
    expect(byHost).toEqual({
      good1: ['ok', undefined],
      good2: ['ok', undefined],
      badauth: ['unreachable', 'auth'],
      rekeyed: ['unreachable', 'host-key-mismatch'],
      dropper: ['error', 'disconnected'],
      hanger: ['ok', undefined],
      hanger2: ['ok', undefined],
      noisy: ['ok', undefined],
      newpw: ['error', 'unexpected-prompt'],
      stalled: ['unreachable', 'connect-timeout'],
      'nobody-home': ['unreachable', 'refused'],
    });
    // A hung command times out as evidence (the verdict here rests on curl, so it still passes);
    // the shell recovers with Ctrl-C and the host goes on.
    const dns = report.hosts.find((h) => h.host === 'hanger')!.checks.find((c) => c.checkId === 'dns-resolves-sse')!;
    expect(dns.evidence.map((e) => [e.step, e.timedOut ?? false])).toEqual([['curl', false], ['lookup', true], ['network', false]]);
    expect(dns.status).toBe('pass');
    expect(statusTable(report).hanger['connector-config']).toBe('pass');
    // When the verdict needs the hung command, the check is an error that says so — never a guess.
    const session = report.hosts.find((h) => h.host === 'hanger2')!.checks.find((c) => c.checkId === 'eventing-session')!;
    expect(session.status).toBe('error');
    expect(localize(session.reason)).toMatch(/timed out/);
    expect(statusTable(report).hanger2['connector-log-clean']).toBe('pass');
    // ANSI/OSC/BEL noise does not change a single verdict.
    expect(statusTable(report).noisy).toEqual(statusTable(report).good1);
    expect(statusTable(report).good1['connector-log-clean']).toBe('pass');
    expect(statusTable(report).good2['eventhandler-socket']).toBe('fail');
    // The dropped host keeps what it finished; what it could not run is an error with the cause.
    const dropper = report.hosts.find((h) => h.host === 'dropper')!;
    expect(dropper.checks.find((c) => c.checkId === 'eventhandler-socket')!.status).toBe('pass');
    expect(dropper.checks.find((c) => c.checkId === 'eventing-session')!.status).toBe('error');
    expect(report.exitCode).toBe(3);
    // A host whose key changed receives no command at all.
    expect(lab.commandLog('rekeyed')).toEqual([]);
    for (const h of report.hosts.filter((x) => x.status !== 'ok')) expect(localize(h.triage!.next).length).toBeGreaterThan(20);
  });

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
    expect([reg.status, reg.evidence[0].command]).toEqual(['pass', 'echo model=6.5.0']);
    const gated = report.hosts[0].checks.find((x) => x.checkId === 'gated-off')!;
    expect([gated.status, localize(gated.reason)]).toEqual(['skipped', 'always-fails did not pass (fail)']);
  });

  it('waivers turn matching failures into waived; an expired one says so and counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-waive-'));
    const write = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
    const inv = await loadInventory(inventory);
    const waivers = loadWaivers(write('valid.yml', 'waivers:\n  - { check: eventhandler-socket, hosts: "good*:!good1", justification: CHG-1 connector rebuild scheduled, expires: "2099-12-31", approver: cab }\n'), inv);
    const expiredWaivers = loadWaivers(write('expired.yml', 'waivers:\n  - { check: eventhandler-socket, hosts: "good*", justification: old waiver, expires: "2020-01-01" }\n'), inv);
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
