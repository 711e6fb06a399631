/** Secrets against the lab: verdicts come from the raw device text, what is stored is redacted;
 * `-e` wins for connection variables. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingConnector } from '../../src/replay/recording.js';
import { SshConnector } from '../../src/transport/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { REDACTED } from '../../src/model/redact.js';
import { TransportError } from '../../src/model/transport.js';
import { main } from '../../src/cli/main.js';
import { fileResultStore } from '../../src/store/result-store.js';
import { requireProgram } from '../support/requires.js';
import { GOOD_DNS, readJournal, workspace } from '../change/helpers.js';
import { runOn, statusTable, writeInventory } from './helpers.js';

const ANSIBLE_VAULT = requireProgram('secrets at rest (ansible-vault)', ['/usr/bin/ansible-vault', '/usr/local/bin/ansible-vault'], 'apt-get install ansible-core');

/** The CLI in this process with its own environment. */
async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (chunk, _enc, cb) => (add(String(chunk)), cb()) });
  const code = await main(args, { stdout: sink((x) => (stdout += x)), stderr: sink((x) => (stderr += x)), cwd, env: { ...process.env, FIREBOOK_OPERATOR: 'tester', ...env } });
  return { code, stdout, stderr };
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The encodings an attacker would grep stored files for. */
function encodings(secret: string): string[] {
  return [secret, createHash('sha256').update(secret).digest('hex'), createHash('sha256').update(JSON.stringify(secret)).digest('hex'), Buffer.from(secret).toString('base64'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

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
    // Recordings are the owner's alone (docs/secrets.md "File modes").
    expect(statSync(recordings).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(recordings)) expect(statSync(join(recordings, f)).mode & 0o777).toBe(0o600);
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

  it('a secret with a quote is redacted in its shell-quoted form too (the command as sent) and in the output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-quoted-'));
    const playbook = join(dir, 'quoted.yml');
    writeFileSync(playbook, [
      'name: quoted-secret',
      'inputs:',
      '  proxy_pass: { type: string, secret: true }',
      'checks:',
      '  - id: echo-secret',
      '    title: echo a secret',
      '    severity: info',
      '    collect: [{ level: expert, command: "echo {{proxy_pass}}" }]',
      '    expect: [{ of: exit, equals: 0 }]',
      '',
    ].join('\n'));
    const secret = `It's-a-s3cret`;
    const { report, events } = await runOn(writeInventory(lab), lab, { playbooks: [playbook], extraVars: { proxy_pass: secret } });
    expect(statusTable(report).fw1['echo-secret']).toBe('pass');
    const stored = JSON.stringify([report, events]);
    expect(stored).toContain(`'echo' '${REDACTED}'`);
    for (const form of [secret, `It'\\''s-a-s3cret`, 's-a-s3cret']) expect(stored.includes(form), form).toBe(false);
  });

  it('-e ansible_port and ansible_user override the inventory too', async () => {
    const inventory = writeInventory(lab, [], undefined, { fw1: { ansible_port: 1, ansible_user: 'nobody' } });
    const right = await runOn(inventory, lab, { tags: ['version-in-scope'], extraVars: { ansible_port: String(lab.hosts[0].port), ansible_user: 'admin' } });
    expect(right.report.hosts[0].status).toBe('ok');
  });
});

describe('no secret at rest, none on the command line (issue 17 §3)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'r1', platform: 'ftd', scenario: 'dns-broken' }, { name: 'b1', platform: 'ftd', scenario: 'healthy' }] });
  });
  afterAll(() => lab?.stop());

  it.skipIf(!ANSIBLE_VAULT)('plan.json and the journal hold no secret from any source, nor its sha256 or encodings; apply resolves them again without argv; files are 0600, run folders 0700', async () => {
    const ws = workspace(lab);
    const d = ws.dir;
    writeFileSync(join(d, 'pw'), 'vault-pw\n');
    writeFileSync(join(d, 'vault.yml'), 'snmp_ro: vault-canary-A1\n');
    execFileSync(ANSIBLE_VAULT!, ['encrypt', '--vault-password-file', join(d, 'pw'), join(d, 'vault.yml')], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    writeFileSync(join(d, 'plain.yml'), 'tacacs_key: file-canary-B2\n');
    const secrets = ['vault-canary-A1', 'file-canary-B2', 'nested-canary-C3', 'inline-canary-D4', lab.password];
    const plan = await cli(
      ['plan', ws.playbook, '-i', ws.inventory, '--limit', 'r1', '-e', GOOD_DNS, '-e', `@${join(d, 'vault.yml')}`, '-e', `@${join(d, 'plain.yml')}`,
        '-e', '{"proxy": {"auth": {"password": "nested-canary-C3"}}}', '-e', 'api_token=inline-canary-D4', '--vault-password-file', join(d, 'pw'),
        '-o', join(d, 'plan.json'), '--out', join(d, 'plan-run'), '--known-hosts', lab.knownHostsPath],
      d,
    );
    expect([plan.code, plan.stderr]).toEqual([0, expect.stringContaining('1 change(s)')]);
    expect(plan.stderr).toMatch(/names the secret\(s\) proxy, api_token without storing them: .*FIREBOOK_VAR_proxy, FIREBOOK_VAR_api_token/);
    const doc = JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8'));
    // By name and source only.
    expect(doc.selection.extraVars).toEqual({ dns_servers: '192.0.2.53,192.0.2.54' });
    expect(doc.selection.extraVarRefs).toEqual({ snmp_ro: { from: 'file', file: join(d, 'vault.yml') }, tacacs_key: { from: 'file', file: join(d, 'plain.yml') }, proxy: { from: 'operator' }, api_token: { from: 'operator' } });
    // Apply: the vault file is read again (--vault-password-file), the operator's secrets come
    // from a file and the environment, never from argv.
    writeFileSync(join(d, 'apply-secrets.yml'), 'proxy:\n  auth:\n    password: nested-canary-C3\n');
    const noSecret = await cli(['apply', join(d, 'plan.json'), '--allow-unsigned', '--vault-password-file', join(d, 'pw'), '--out', join(d, 'refused'), '--known-hosts', lab.knownHostsPath], d);
    expect([noSecret.code, noSecret.stderr]).toEqual([4, expect.stringMatching(/needs the secret api_token .*\n.*FIREBOOK_VAR_api_token/)]);
    expect(noSecret.stderr).toMatch(/needs the secret proxy/);
    const inline = await cli(['apply', join(d, 'plan.json'), '--allow-unsigned', '-e', 'api_token=inline-canary-D4', '--known-hosts', lab.knownHostsPath], d);
    expect([inline.code, inline.stderr]).toEqual([4, expect.stringMatching(/-e takes only @FILE here/)]);
    expect(inline.stderr).not.toContain('inline-canary-D4');
    writeFileSync(join(d, 'extra.yml'), 'api_token: x\ndns_servers: 192.0.2.99\n');
    const extra = await cli(['apply', join(d, 'plan.json'), '--allow-unsigned', '-e', `@${join(d, 'extra.yml')}`, '--vault-password-file', join(d, 'pw'), '--known-hosts', lab.knownHostsPath], d);
    expect([extra.code, extra.stderr]).toEqual([4, expect.stringMatching(/-e dns_servers: the plan fixes every variable/)]);
    const argv = ['apply', join(d, 'plan.json'), '--allow-unsigned', '-e', `@${join(d, 'apply-secrets.yml')}`, '--vault-password-file', join(d, 'pw'), '--out', join(d, 'apply-run'), '--known-hosts', lab.knownHostsPath];
    expect(argv.join(' ')).not.toMatch(/canary/);
    const apply = await cli(argv, d, { FIREBOOK_VAR_api_token: 'inline-canary-D4' });
    expect([apply.code, apply.stderr]).toEqual([0, expect.stringContaining('1 verified')]);
    expect(lab.state('r1').dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
    expect(readJournal(join(d, 'apply-run')).some((e) => e.type === 'step-end' && e.status === 'verified')).toBe(true);
    // Nothing stored holds a secret in any encoding: plan.json, plan.md/html, both run folders.
    const stored = filesUnder(d).filter((f) => /plan\.(json|md|html)$|-run\//.test(f));
    expect(stored.length).toBeGreaterThan(8);
    for (const f of stored) {
      const text = readFileSync(f, 'utf8');
      for (const secret of secrets) for (const form of encodings(secret)) expect(text.includes(form), `${form} (${secret}) in ${f}`).toBe(false);
    }
    // File modes: private files 0600, run folders 0700, reports as the umask says.
    const umask = process.umask();
    const mode = (f: string) => statSync(f).mode & 0o777;
    expect(mode(join(d, 'plan.json'))).toBe(0o600);
    for (const run of ['plan-run', 'apply-run']) expect(mode(join(d, run))).toBe(0o700);
    for (const f of ['journal.jsonl', 'events.jsonl']) expect(mode(join(d, 'apply-run', f))).toBe(0o600);
    expect(mode(join(d, 'plan-run', 'events.jsonl'))).toBe(0o600);
    expect(mode(join(d, 'apply-run', 'report.json'))).toBe(0o666 & ~umask);
    expect(mode(join(d, 'plan.md'))).toBe(0o666 & ~umask);
    const storePath = join(d, 'store.jsonl');
    const store = fileResultStore(storePath);
    expect(mode(storePath)).toBe(0o600);
    store.close();
  }, 120_000);

  it('a become password with a control character (Ctrl-C) is never typed: a host error, sudo not even started', async () => {
    const h = lab.hosts.find((x) => x.name === 'b1')!;
    const session = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict', connectRetries: 0 }).connect({
      name: 'b1', address: h.address, port: h.port, user: 'admin', password: lab.password, platform: h.platform,
      connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, hostTimeoutMs: 60_000, becomePassword: `${lab.password}\x03reboot-canary`,
    });
    try {
      const err = await session.run('id -u', 'root').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as TransportError).triage).toBe('privilege');
      expect((err as TransportError).message).toMatch(/become password contains the control character U\+0003, so it was not sent/);
      expect((err as TransportError).message).not.toContain(lab.password);
      const log = lab.commandLog('b1').map((e) => e.line).join('\n');
      expect(log).not.toMatch(/reboot-canary|sudo su/);
      expect((await session.run('echo still', 'expert')).output).toBe('still\n');
    } finally {
      await session.close();
    }
  });
});
