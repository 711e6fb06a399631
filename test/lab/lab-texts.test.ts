/** The lab prints the texts real devices print (docs/devices.md), and the parsers read them: 7.x
 * naming and show network layout, pmtool status lines, the sudo lecture, regional endpoints and
 * every connector.log failure form the scenarios produce. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { getParser } from '../../src/checks/index.js';
import { BASH_PROMPT, CLI_PROMPT, openShell } from './expect.js';

let lab: Lab;
const port = (name: string) => lab.hosts.find((h) => h.name === name)!.port;
const ROOT_PROMPT = /root@[\w.-]+:[^\n]*# $/;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'ftd70', platform: 'ftd', version: '7.0.1', sseRegion: 'apj' },
      { name: 'ftd-stopped', platform: 'ftd', scenario: 'connector-stopped' },
      { name: 'ftd-dns', platform: 'ftd', scenario: 'dns-broken', sseRegion: 'eu' },
      { name: 'ftd-egress', platform: 'ftd', scenario: 'egress-blocked' },
      { name: 'fmc71', platform: 'fmc', version: '7.1.0' },
    ],
  });
});
afterAll(() => lab.stop());

/** Logs in, goes to root (answering sudo), runs the commands, returns their outputs. */
async function asRoot(host: string, commands: string[]): Promise<{ outputs: string[]; sudo: string }> {
  const { shell } = await openShell(port(host), { password: lab.password });
  await shell.run('expert', BASH_PROMPT);
  shell.send('sudo su\r');
  const sudo = await shell.expect(/Password: ?$/);
  shell.send(`${lab.password}\r`);
  await shell.expect(ROOT_PROMPT);
  const outputs: string[] = [];
  for (const c of commands) outputs.push(await shell.run(c, ROOT_PROMPT));
  shell.close();
  return { outputs, sudo };
}

describe('lab texts across releases', () => {
  it('a 7.x FTDv: "Secure Firewall Threat Defense for KVM", LSP version, show network with management0 and DNS from router', async () => {
    const { shell, banner } = await openShell(port('ftd70'), { password: lab.password });
    expect(banner).toContain('Cisco Secure Firewall Threat Defense for KVM v7.0.1 (build 84)');
    const version = await shell.run('show version', CLI_PROMPT);
    expect(getParser('show-version')!(version, null).fields).toMatchObject({ platform: 'ftd', model: 'Cisco Secure Firewall Threat Defense for KVM', version: '7.0.1' });
    expect(version).toContain('LSP version               : ');
    const network = await shell.run('show network', CLI_PROMPT);
    expect(network).toContain('DNS from router           : enabled');
    expect(network).toContain('==================[ management0 ]===================');
    expect(getParser('show-network')!(network, null).fields).toMatchObject({ interface: 'management0', dns_from_router: 'enabled', state: 'enabled' });
    shell.close();
  });

  it('an FMC 7.x logs in to CLISH > like an FTD and names itself "Secure Firewall Management Center"', async () => {
    const { shell, banner } = await openShell(port('fmc71'), { password: lab.password });
    expect(banner).toMatch(/Cisco Secure Firewall Management Center for VMware v7\.1\.0 \(build \d+\)\n\n> $/);
    expect(getParser('show-version')!(await shell.run('show version', CLI_PROMPT), null).fields).toMatchObject({ platform: 'fmc', version: '7.1.0' });
    shell.close();
  });

  it('sudo prints the usual lecture before Password: the first time', async () => {
    const { sudo } = await asRoot('ftd-egress', []);
    expect(sudo).toContain('We trust you have received the usual lecture from the local System\nAdministrator.');
    expect(sudo).toMatch(/#3\) With great power comes great responsibility\.\n\nPassword: ?$/);
  });

  it.each([
    // sudo su keeps the admin's home (6.x /home/admin, 7.x /Volume/home/admin); sudo su - goes to /root.
    ['ftd-egress', 'sudo su', /root@ftd-egress:\/home\/admin# $/, '/home/admin'],
    ['ftd70', 'sudo su', /root@ftd70:\/Volume\/home\/admin# $/, '/Volume/home/admin'],
    ['ftd-egress', 'sudo su -', /root@ftd-egress:~# $/, '/root'],
  ])('%s: %s → %s', async (host, cmd, promptRe, dir) => {
    const { shell } = await openShell(port(host), { password: lab.password });
    await shell.run('expert', BASH_PROMPT);
    shell.send(`${cmd}\r`);
    const text = await shell.expect(/Password: ?$|# $/);
    if (/Password: ?$/.test(text)) {
      shell.send(`${lab.password}\r`);
      expect(await shell.expect(ROOT_PROMPT)).toMatch(promptRe);
    } else expect(text).toMatch(promptRe);
    expect(await shell.run('pwd', ROOT_PROMPT)).toBe(dir);
    shell.close();
  });

  it('pmtool status prints NAME (TYPE) - STATE lines; a stopped connector reads as User Disabled', async () => {
    const ok = (await asRoot('ftd70', ['pmtool status'])).outputs[0];
    expect(ok).toMatch(/^ ?SSEConnector \(system\) - Running \d+$/m);
    expect(ok).toMatch(/^ ?EventHandler \(normal\) - Running \d+$/m);
    const stopped = (await asRoot('ftd-stopped', ['pmtool status'])).outputs[0];
    expect(getParser('pmtool-status')!(stopped, 0).fields).toMatchObject({ not_running: expect.arrayContaining(['SSEConnector']) });
  });
});

describe('lab SSE regions and connector.log failure forms', () => {
  it('an APJC device reaches its own region and is blocked towards the US endpoints', async () => {
    const { outputs } = await asRoot('ftd70', [
      'curl -v -k --connect-timeout 10 -m 20 https://api.apj.sse.itd.cisco.com; echo rc=$?',
      'curl -v -k --connect-timeout 10 -m 20 https://api-sse.cisco.com; echo rc=$?',
      'cat /ngfw/etc/sf/connector.properties',
      'nslookup eventing-ingest.apj.sse.itd.cisco.com',
    ]);
    expect(outputs[0]).toContain('< HTTP/1.1 403 Forbidden');
    expect(outputs[0]).toMatch(/rc=0$/);
    expect(outputs[1]).toMatch(/curl: \(28\) Connection timed out/);
    expect(outputs[2]).toContain('connector_fqdn=api.apj.sse.itd.cisco.com');
    expect(getParser('nslookup')!(outputs[3], 0).fields).toMatchObject({ status: 'ok' });
  });

  it.each([
    ['ftd-dns', 'dns', /dial tcp: lookup eventing-ingest\.eu\.sse\.itd\.cisco\.com on 203\.0\.113\.53:53: .*i\/o timeout/],
    ['ftd-egress', 'egress', /dial tcp 192\.0\.2\.\d+:443: i\/o timeout/],
  ])('%s connector.log shows the %s form', async (host, cls, line) => {
    const log = (await asRoot(host, ['tail -n 200 /ngfw/var/log/connector/connector.log'])).outputs[0];
    expect(log).toMatch(line);
    expect(getParser('connector-log')!(log, 0).fields).toMatchObject({ ws_error_classes: [cls], ws_error_count: 5 });
  });

  it('the inventory carries sse_region for a non-US device', async () => {
    const { readFile } = await import('node:fs/promises');
    const inv = await readFile(lab.inventoryPath, 'utf8');
    expect(inv).toMatch(/ftd70:[^\n]*\n(?:\s+\w+:[^\n]*\n)*?\s+sse_region: apj/);
    expect(inv).not.toMatch(/ftd-egress:[^\n]*\n(?:\s+\w+:[^\n]*\n)*?\s+sse_region:/);
  });
});
