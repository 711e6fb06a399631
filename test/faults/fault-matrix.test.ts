/** The fault matrix (docs/faults.md): one run of a fleet in which nearly every host fails in
 * its own way, below SSH, in SSH, in the shell and in the output. For each row: the host's
 * status and message are precise, the other hosts finish, the report accounts for every host,
 * the exit code is right, and no connection is left open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startLab, type Lab } from '../../src/lab/index.js';
import { generateEd25519 } from '../../src/lab/keys.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadInventory } from '../../src/inventory/index.js';
import { buildPlan } from '../../src/plan/plan.js';
import { runPlan } from '../../src/run/runner.js';
import { EventBus } from '../../src/run/emitter.js';
import { SshConnector } from '../../src/transport/index.js';
import { localize } from '../../src/model/playbook.js';
import type { HostResult, RunReport } from '../../src/model/result.js';
import type { RunEvent } from '../../src/model/events.js';
import { META } from '../integration/helpers.js';
import { reportValidator } from '../../src/store/load-report.js';
import { closedPort, knownHostsWithChangedKey, settledCount, silentListener, writeFaultInventory } from './support.js';

const PLAYBOOK = join(import.meta.dirname, '../fixtures/playbooks/faults/matrix.yml');
const MIB = 1024 * 1024;

/** One row of docs/faults.md: the host's final status, triage class and message. */
interface Row {
  host: string;
  status: HostResult['status'];
  triage?: string;
  message?: RegExp;
}

const ROWS: Row[] = [
  { host: 'healthy', status: 'ok' },
  { host: 'refused', status: 'unreachable', triage: 'refused', message: /^cannot connect to refused \(127\.0\.0\.1:\d+\): connect ECONNREFUSED 127\.0\.0\.1:\d+$/ },
  { host: 'nxdomain', status: 'unreachable', triage: 'dns', message: /^cannot connect to nxdomain: the name 'fw01\.example\.invalid' does not resolve \(\.invalid is reserved, RFC 6761\)$/ },
  { host: 'blackhole', status: 'unreachable', triage: 'connect-timeout', message: /^cannot connect to blackhole \(127\.0\.0\.1:\d+\): Timed out while waiting for handshake$/ },
  { host: 'stalled', status: 'unreachable', triage: 'connect-timeout', message: /Timed out while waiting for handshake$/ },
  { host: 'slowhello', status: 'ok' },
  { host: 'badpw', status: 'unreachable', triage: 'auth', message: /All configured authentication methods failed$/ },
  { host: 'badkey', status: 'unreachable', triage: 'auth', message: /All configured authentication methods failed$/ },
  { host: 'wrongbecome', status: 'error', triage: 'privilege', message: /^sudo rejected the become password \(Sorry, try again\); root commands cannot run on this host$/ },
  { host: 'rekeyed', status: 'unreachable', triage: 'host-key-mismatch', message: /^HOST KEY CHANGED for \[127\.0\.0\.1\]:\d+: .+ no command was sent\./ },
  { host: 'dropper', status: 'error', triage: 'disconnected', message: /^connection lost again after the one reconnect \(first lost during expert-echo: .+\): .+$/ },
  { host: 'rebooter', status: 'ok' },
  { host: 'hanger', status: 'ok' },
  { host: 'prompts', status: 'ok' },
  { host: 'huge', status: 'ok' },
  { host: 'binary', status: 'ok' },
  { host: 'noisy', status: 'ok' },
  { host: 'pager', status: 'ok' },
  { host: 'newpw', status: 'error', triage: 'unexpected-prompt', message: /^the device asks for a password change at login \(".*"\); log in once by hand to set it$/ },
];

describe('the fault matrix', () => {
  let lab: Lab;
  let blackhole: Awaited<ReturnType<typeof silentListener>>;
  let report: RunReport;
  let events: RunEvent[];
  const byHost = (name: string) => report.hosts.find((h) => h.host === name)!;
  const check = (host: string, id: string) => byHost(host).checks.find((c) => c.checkId === id)!;

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        { name: 'healthy', platform: 'ftd' },
        { name: 'stalled', platform: 'ftd', faults: { handshakeDelayMs: 10_000 } },
        { name: 'slowhello', platform: 'ftd', faults: { handshakeDelayMs: 300 } },
        { name: 'badpw', platform: 'ftd', faults: { authFail: true } },
        { name: 'badkey', platform: 'ftd', faults: { authMethods: ['publickey'] } },
        { name: 'wrongbecome', platform: 'ftd' },
        { name: 'rekeyed', platform: 'ftd' },
        { name: 'dropper', platform: 'ftd', faults: { dropOnCommand: 'fault-matrix-probe' } },
        { name: 'rebooter', platform: 'ftd', faults: { rebootOnCommand: 'fault-matrix-probe', rebootDownMs: 300 } },
        { name: 'hanger', platform: 'ftd', faults: { hangOnCommand: '/etc/hostname' } },
        { name: 'prompts', platform: 'ftd', faults: { promptLikeOutput: true } },
        { name: 'huge', platform: 'ftd', faults: { hugeOutputBytes: 50 * MIB } },
        { name: 'binary', platform: 'ftd', faults: { binaryOutputBytes: 64 * 1024 } },
        { name: 'noisy', platform: 'ftd', faults: { garbageOutput: true, bell: true } },
        { name: 'pager', platform: 'ftd', faults: { pager: true } },
        { name: 'newpw', platform: 'ftd', faults: { forcePasswordChange: true } },
      ],
    });
    blackhole = await silentListener();
    const keyDir = mkdtempSync(join(tmpdir(), 'fb-key-'));
    const foreignKey = join(keyDir, 'id_ed25519');
    writeFileSync(foreignKey, generateEd25519('not-enrolled').privateKey, { mode: 0o600 });
    const inventory = writeFaultInventory(
      lab,
      [
        { name: 'refused', port: await closedPort() },
        // RFC 6761: `.invalid` never resolves; the transport answers without asking any resolver.
        { name: 'nxdomain', host: 'fw01.example.invalid', port: 22 },
        { name: 'blackhole', port: blackhole.port, vars: { firebook_connect_timeout: 1 } },
      ],
      {
        stalled: { firebook_connect_timeout: 1 },
        badkey: { ansible_password: null, ansible_ssh_private_key_file: foreignKey },
        wrongbecome: { ansible_become_password: 'not-the-password' },
        hanger: { fault: 'hang', firebook_command_timeout: 2 },
        prompts: { fault: 'prompts' },
        huge: { fault: 'huge' },
        binary: { fault: 'binary' },
      },
    );
    const plan = buildPlan([loadPlaybook(PLAYBOOK)], await loadInventory(inventory), {});
    events = [];
    report = await runPlan(plan, {
      connector: new SshConnector({ knownHostsFile: knownHostsWithChangedKey(lab, 'rekeyed', 'healthy'), hostKeyPolicy: 'strict', retryBaseDelayMs: 200 }),
      bus: new EventBus([]),
      meta: META,
      mode: 'check',
      onEvent: (e) => events.push(e),
    });
  }, 120_000);
  afterAll(async () => {
    await blackhole?.close();
    await lab?.stop();
  });

  it('accounts for every host, once, in plan order', () => {
    expect(report.hosts.map((h) => h.host).sort()).toEqual(ROWS.map((r) => r.host).sort());
    expect(report.notRun).toEqual([]);
    expect(events.filter((e) => e.type === 'host-end').length).toBe(ROWS.length);
    expect(report.incomplete).toBe(false);
  });

  it.each(ROWS)('$host ends $status $triage', (row) => {
    const h = byHost(row.host);
    expect([h.status, h.triage?.class]).toEqual([row.status, row.triage]);
    if (row.message) expect(h.triage!.message).toMatch(row.message);
    if (h.status !== 'ok') expect(localize(h.triage!.next).length).toBeGreaterThan(20);
  });

  it('an unusable host got no command; a failed one keeps what it finished', () => {
    expect(lab.commandLog('rekeyed')).toEqual([]);
    expect(lab.commandLog('badpw')).toEqual([]);
    expect(check('dropper', 'cli-before').status).toBe('pass');
    expect(localize(check('dropper', 'cli-after').reason)).toMatch(/^not run: connection lost again after the one reconnect/);
  });

  it('wrong become password: root checks are errors, the rest of the host still runs', () => {
    expect(check('wrongbecome', 'root-whoami').status).toBe('error');
    expect(check('wrongbecome', 'cli-after').status).toBe('pass');
    expect(check('wrongbecome', 'expert-echo').status).toBe('pass');
    // One refused sudo, never retried (repeated wrong passwords lock accounts).
    expect(lab.commandLog('wrongbecome').filter((e) => /^sudo su/.test(e.line.trim())).length).toBe(1);
  });

  it('a reboot between checks: reconnect once, re-enter the level, go on', () => {
    const h = byHost('rebooter');
    expect(h.reconnected).toMatchObject({ check: 'expert-echo' });
    expect(h.reconnected!.reason).toMatch(/connection/);
    expect(h.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'skipped', 'skipped', 'skipped', 'skipped', 'pass']);
    // The probe ran twice: once into the reboot, once after reconnecting.
    expect(lab.commandLog('rebooter').filter((e) => e.line.includes('fault-matrix-probe')).length).toBe(2);
    expect(byHost('healthy').reconnected).toBeUndefined();
  });

  it('a command that never returns is a timed-out check; the shell recovers', () => {
    const c = check('hanger', 'never-returns');
    expect(c.status).toBe('error');
    expect(c.evidence[0].timedOut).toBe(true);
    expect(check('hanger', 'cli-after').status).toBe('pass');
  });

  it('prompt-like lines inside output are output, not prompts', () => {
    const c = check('prompts', 'prompt-like-output');
    expect(c.status).toBe('pass');
    expect(c.evidence[0].output).toContain('> \nadmin@firepower:~$ \nroot@firepower:~# \nPassword: \n--More--');
    expect(check('prompts', 'cli-after').status).toBe('pass');
  });

  it('50 MiB of output is capped at the output limit and the host goes on', () => {
    const c = check('huge', 'huge-output');
    expect(c.status).toBe('pass');
    expect(c.evidence[0].truncated).toBe(true);
    expect(c.evidence[0].output.length).toBeLessThanOrEqual(MIB);
    expect(check('huge', 'cli-after').status).toBe('pass');
  });

  it('binary output neither breaks the shell nor leaks control bytes into the evidence', () => {
    const c = check('binary', 'binary-output');
    expect(c.status).toBe('pass');
    expect(c.evidence[0].output).not.toMatch(/[\x00\x1b]/);
    expect(check('binary', 'cli-after').status).toBe('pass');
    expect(() => JSON.parse(JSON.stringify(report))).not.toThrow();
  });

  it('terminal noise (ANSI, OSC titles, BEL, NUL) and a pager change no verdict and no evidence', () => {
    // Same verdicts, same evidence line by line (host name and UUID aside), no control bytes.
    const view = (host: string) => byHost(host).checks.map((c) => [c.checkId, c.status, c.evidence.map((e) => e.output.replace(/-+\[ [a-z]+ \]-+/, '[H]').replace(/-[0-9a-f]{12}\n/g, '-UUID\n'))]);
    for (const host of ['noisy', 'pager']) {
      expect(view(host)).toEqual(view('healthy'));
      expect(byHost(host).checks.flatMap((c) => c.evidence.map((e) => e.output)).join('')).not.toMatch(/[\x00\x07\x1b]|--More--/);
    }
  });

  it('a forced password change at login is refused, not answered', () => {
    expect(byHost('newpw').checks).toEqual([]);
    expect(lab.commandLog('newpw').map((e) => e.line)).not.toContain('show version');
  });

  it('the report (reconnect, binary evidence and all) is valid against schemas/report.schema.json', () => {
    const validate = reportValidator();
    expect(validate(JSON.parse(JSON.stringify(report))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('exit code 3: hosts failed; nothing is interrupted', () => {
    expect(report.exitCode).toBe(3);
  });

  it('no connection is left open, on the lab or on the silent listener', async () => {
    expect(await settledCount(() => lab.openConnections())).toBe(0);
    expect(await settledCount(() => blackhole.open())).toBe(0);
  });
});
