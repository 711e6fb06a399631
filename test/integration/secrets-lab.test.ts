/** Secrets against the lab: verdicts come from the raw device text, what is stored is redacted;
 * `-e` wins for connection variables. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingConnector } from '../../src/replay/recording.js';
import { SshConnector } from '../../src/transport/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { REDACTED } from '../../src/model/redact.js';
import { runOn, statusTable, writeInventory } from './helpers.js';

describe('secrets on a live run', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'fw1', platform: 'ftd', scenario: 'healthy' }] });
  });
  afterAll(() => lab?.stop());

  it('a secret equal to a token the parser needs changes no verdict, and the stored evidence shows it redacted', async () => {
    const inventory = writeInventory(lab);
    const baseline = await runOn(inventory, lab);
    // `8989` is the connector port connector-config compares; the SSE host name is in curl,
    // nslookup and connector.properties output.
    const recordings = mkdtempSync(join(tmpdir(), 'fb-rec-'));
    const connector = new RecordingConnector(new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }), recordings);
    const { report, events } = await runOn(inventory, lab, { connector, extraVars: { proxy_token: '8989', upstream: { client_secret: 'api-sse.cisco.com' } } });
    expect(statusTable(report)).toEqual(statusTable(baseline.report));
    expect(statusTable(report).fw1['connector-config']).toBe('pass');
    expect(statusTable(report).fw1['dns-resolves-sse']).toBe('pass');
    const config = report.hosts[0].checks.find((c) => c.checkId === 'connector-config')!;
    const stored = JSON.stringify(config.evidence);
    expect(stored.includes('8989')).toBe(false);
    expect(stored.includes('api-sse.cisco.com')).toBe(false);
    expect(stored).toContain(`connector_port=${REDACTED}`);
    const log = JSON.stringify([events, report]);
    expect(log.includes('api-sse.cisco.com')).toBe(false);
    expect(log.includes(lab.password)).toBe(false);
    const recorded = readdirSync(recordings).map((f) => readFileSync(join(recordings, f), 'utf8')).join('\n');
    expect(recorded).toContain(`connector_port=${REDACTED}`);
    expect(recorded.includes('api-sse.cisco.com')).toBe(false);
  });

  it('-e ansible_password overrides a wrong inventory password and logs in', async () => {
    const inventory = writeInventory(lab, [], undefined, { fw1: { ansible_password: 'wrong-password' } });
    const wrong = await runOn(inventory, lab, { tags: ['version-in-scope'] });
    expect(wrong.report.hosts[0]).toMatchObject({ status: 'unreachable', triage: { class: 'auth' } });
    const right = await runOn(inventory, lab, { tags: ['version-in-scope'], extraVars: { ansible_password: lab.password } });
    expect(right.report.hosts[0].status).toBe('ok');
    expect(JSON.stringify(right.events).includes(lab.password)).toBe(false);
  });

  it('-e ansible_port and ansible_user override the inventory too', async () => {
    const inventory = writeInventory(lab, [], undefined, { fw1: { ansible_port: 1, ansible_user: 'nobody' } });
    const right = await runOn(inventory, lab, { tags: ['version-in-scope'], extraVars: { ansible_port: String(lab.hosts[0].port), ansible_user: 'admin' } });
    expect(right.report.hosts[0].status).toBe('ok');
  });
});
