import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { startLab, type Lab } from '../../src/lab/index.js';
import { CLI_PROMPT, BASH_PROMPT, connect, execCommand, openShell } from './expect.js';

let lab: Lab;
const port = (name: string) => lab.hosts.find((h) => h.name === name)!.port;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'ftd01', platform: 'ftd' },
      { name: 'ftd02', platform: 'ftd', scenario: 'dns-broken' },
      { name: 'ftd03', platform: 'ftd', scenario: 'newer-release' },
      { name: 'ftd04', platform: 'ftd', scenario: 'expert-disabled' },
      { name: 'ftd05', platform: 'ftd', faults: { authFail: true } },
      { name: 'fmc01', platform: 'fmc', fmcLogin: 'bash' },
      { name: 'fmc02', platform: 'fmc' },
    ],
  });
});
afterAll(() => lab.stop());

describe('lab: login and CLISH', () => {
  it('prints the 6.5 banner before a bare `> ` prompt', async () => {
    const { shell, banner } = await openShell(port('ftd01'), { password: lab.password });
    expect(banner).toMatch(/^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4} from 192\.0\.2\.1 on pts\/0\n\n/);
    expect(banner).toContain('Copyright 2004-2019, Cisco and/or its affiliates. All rights reserved.\n');
    expect(banner).toContain('Cisco Fire Linux OS v6.5.0 (build 4)\nCisco Firepower Threat Defense for VMWare v6.5.0 (build 115)\n\n> ');
    shell.close();
  });

  it('lays out show version and show network like the device (labels padded to 26)', async () => {
    const { shell } = await openShell(port('ftd01'), { password: lab.password });
    const version = await shell.run('show version', CLI_PROMPT);
    const vlines = version.split('\n');
    expect(vlines[0]).toBe('---------------------[ ftd01 ]----------------------');
    expect(vlines[1]).toMatch(/^Model {21}: Cisco Firepower Threat Defense for VMWare \(75\) Version 6\.5\.0 \(Build 115\)$/);
    expect(vlines.map((l) => l.split(':')[0].trim())).toEqual(['---------------------[ ftd01 ]----------------------', 'Model', 'UUID', 'Rules update version', 'VDB version', '-'.repeat(52)]);
    const network = await shell.run('show network', CLI_PROMPT);
    // Label order of seed-evidence/show-network.txt (the seed collapsed the padding).
    const seedLabels = ['Hostname', 'DNS Servers', 'Management port', 'IPv4 Default route', 'Gateway', 'State', 'Link', 'Channels', 'Mode', 'MDI/MDIX', 'MTU', 'MAC Address', 'Configuration', 'Address', 'Netmask', 'Broadcast', 'Configuration', 'State', 'Authentication'];
    const labels = network.split('\n').filter((l) => l.trim() && !/^[=-]/.test(l)).map((l) => l.split(' : ')[0].trim());
    expect(labels).toEqual(seedLabels);
    expect(network).toContain('\nDNS Servers               : 192.0.2.53\n');
    expect(network).toMatch(/\nAddress {19}: 192\.0\.2\.\d+\n/);
    expect(network).toContain('===============[ System Information ]===============');
    const managers = await shell.run('show managers', CLI_PROMPT);
    expect(managers).toContain('Registration              : Completed');
    expect(await shell.run('show bogus-thing', CLI_PROMPT)).toMatch(/^Syntax error: /);
    expect(await shell.run('', CLI_PROMPT)).toBe('');
    shell.close();
  });

  it('fixes dns-broken with configure network dns servers and rejects a bad IP', async () => {
    const { shell } = await openShell(port('ftd02'), { password: lab.password });
    expect(await shell.run('show network', CLI_PROMPT)).toContain('DNS Servers               : 203.0.113.53\n');
    expect(await shell.run('configure network dns servers 192.0.2.300', CLI_PROMPT)).toMatch(/^Syntax error:/);
    expect(lab.state('ftd02').dnsServers).toEqual(['203.0.113.53']);
    await shell.run('expert');
    expect(await shell.run('curl -s https://api-sse.cisco.com >/dev/null; echo rc=$?')).toBe('rc=6');
    expect(await shell.run('exit', CLI_PROMPT)).toBe('logout');
    expect(await shell.run('configure network dns servers 192.0.2.53,192.0.2.54', CLI_PROMPT)).toBe('');
    expect(lab.state('ftd02').dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
    expect(await shell.run('show network', CLI_PROMPT)).toContain('DNS Servers               : 192.0.2.53\n                            192.0.2.54\n');
    await shell.run('expert');
    expect(await shell.run('nslookup api-sse.cisco.com')).toBe('Server:\t\t192.0.2.53\nAddress:\t192.0.2.53#53\n\nNon-authoritative answer:\nName:\tapi-sse.cisco.com\nAddress: 192.0.2.66\n');
    expect(await shell.run('curl -s -o /dev/null -w "%{http_code}" https://api-sse.cisco.com; echo " rc=$?"')).toBe('403 rc=0');
    shell.close();
  });

  it('prints the 6.x expert notice; 7.x banner names and no notice; expert-disabled stays at >', async () => {
    const six = await openShell(port('ftd01'), { password: lab.password });
    six.shell.send('expert\r');
    const text = await six.shell.expect(BASH_PROMPT);
    expect(text).toBe('expert\n**************************************************************\nNOTICE - Shell access will be deprecated in future releases\n        and will be replaced with a separate expert mode CLI.\n**************************************************************\nadmin@ftd01:~$ ');
    six.shell.close();
    const seven = await openShell(port('ftd03'), { password: lab.password });
    expect(seven.banner).toContain('Cisco Secure Firewall Threat Defense for KVM v7.2.4 (build 165)');
    expect(await seven.shell.run('show version', CLI_PROMPT)).toContain('Version 7.2.4 (Build 165)\n');
    seven.shell.send('expert\r');
    expect(await seven.shell.expect(BASH_PROMPT)).toBe('expert\nadmin@ftd03:~$ ');
    seven.shell.close();
    const locked = await openShell(port('ftd04'), { password: lab.password });
    const refused = await locked.shell.run('expert', CLI_PROMPT);
    expect(refused).toMatch(/expert mode has been disabled/);
    locked.shell.close();
  });

  it('FMC lands in bash or on >, per fmcLogin', async () => {
    const bash = await openShell(port('fmc01'), { password: lab.password }, BASH_PROMPT);
    expect(bash.banner).toMatch(/Cisco Firepower Management Center for VMWare v6\.6\.1 \(build 91\)\n\nadmin@fmc01:~\$ $/);
    expect(await bash.shell.run('cat /etc/sf/sf-version')).toContain('v6.6.1 (build 91)');
    expect(await bash.shell.run('cat /var/log/action_queue.log')).toContain('canConnect: System (/usr/bin/curl');
    bash.shell.close();
    const cli = await openShell(port('fmc02'), { password: lab.password });
    expect(await cli.shell.run('show version', CLI_PROMPT)).toContain('Cisco Firepower Management Center for VMWare (66) Version 6.6.1 (Build 91)');
    cli.shell.close();
  });

  it('feeds exec requests to the CLISH parser (exit 255 for non-CLISH input)', async () => {
    const client = await connect(port('ftd01'), { password: lab.password });
    const bad = await execCommand(client, "/bin/sh -c 'echo ~admin && sleep 0'");
    expect(bad).toEqual({ output: 'Syntax error on line stdin:1 "/bin/sh -c \'echo ~admin && sleep 0\'": Unknown command\n', code: 255 });
    const good = await execCommand(client, 'show version');
    expect(good.code).toBe(0);
    expect(good.output).toContain('Version 6.5.0 (Build 115)');
    client.end();
    expect(lab.commandLog('ftd01').filter((e) => e.level === 'exec').map((e) => e.line)).toEqual(["/bin/sh -c 'echo ~admin && sleep 0'", 'show version']);
  });
});

describe('lab: authentication and files', () => {
  it('rejects a wrong password and every attempt on an authFail host', async () => {
    await expect(connect(port('ftd01'), { password: 'wrong' })).rejects.toThrow(/authentication methods failed/);
    await expect(connect(port('ftd05'), { password: lab.password })).rejects.toThrow(/authentication methods failed/);
  });

  it('accepts the client key, its encrypted copy, and keyboard-interactive', async () => {
    const key = await readFile(lab.clientKeyPath, 'utf8');
    expect(key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const a = await connect(port('ftd01'), { privateKey: key });
    a.end();
    const b = await connect(port('ftd01'), { privateKey: await readFile(lab.clientKeyPath + '.enc'), passphrase: 'lab-passphrase' });
    b.end();
    const c = await connect(port('ftd01'), {
      tryKeyboard: true,
      authHandler: (_methods, _partial, next) => next({ type: 'keyboard-interactive', username: 'admin', prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map((p) => (p.prompt === 'Password: ' ? lab.password : ''))) }),
    });
    c.end();
  });

  it('writes known_hosts with one distinct ed25519 key per host, and an Ansible inventory', async () => {
    const lines = (await readFile(lab.knownHostsPath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(lab.hosts.length);
    for (const [i, l] of lines.entries()) expect(l).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${lab.hosts[i].port} ssh-ed25519 AAAA[\\w+/=]+$`));
    expect(new Set(lines.map((l) => l.split(' ')[2])).size).toBe(lines.length);
    const inv = parse(await readFile(lab.inventoryPath, 'utf8'));
    const groups = inv.all.children;
    expect(Object.keys(groups.ftd.hosts)).toEqual(['ftd01', 'ftd02', 'ftd03', 'ftd04', 'ftd05']);
    expect(groups.fmc.hosts.fmc01).toEqual({ ansible_host: '127.0.0.1', ansible_port: port('fmc01'), ansible_user: 'admin', ansible_password: lab.password, platform: 'fmc' });
    expect(Object.keys(groups.scenario_dns_broken.hosts)).toEqual(['ftd02']);
  });
});
