import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BASH_PROMPT, CLI_PROMPT, openShell, type ShellDriver } from './expect.js';

let lab: Lab;
const port = (name: string) => lab.hosts.find((h) => h.name === name)!.port;

beforeAll(async () => {
  lab = await startLab({
    hosts: [
      { name: 'ftd01', platform: 'ftd' },
      { name: 'ftd02', platform: 'ftd', scenario: 'egress-blocked' },
      { name: 'ftd03', platform: 'ftd', scenario: 'eventhandler-detached' },
      { name: 'ftd04', platform: 'ftd', scenario: 'connector-misconfigured' },
      { name: 'ftd05', platform: 'ftd', scenario: 'dns-broken' },
      { name: 'ftd06', platform: 'ftd' },
    ],
  });
});
afterAll(() => lab.stop());

/** Logs in, enters expert and becomes root with `sudo su -`. */
async function rootShell(host: string): Promise<ShellDriver> {
  const { shell } = await openShell(port(host), { password: lab.password });
  await shell.run('expert');
  shell.send('sudo su -\r');
  const text = await shell.expect(/Password: $|root@[^#]+# $/);
  if (text.endsWith('Password: ')) {
    shell.send(lab.password + '\r');
    await shell.expect(BASH_PROMPT);
  }
  return shell;
}

describe('lab: expert and root', () => {
  it('lectures on the first sudo, hides the password, then caches it', async () => {
    const { shell } = await openShell(port('ftd01'), { password: lab.password });
    await shell.run('expert');
    shell.send('sudo su\r');
    const first = await shell.expect(/Password: $/);
    expect(first).toContain('We trust you have received the usual lecture from the local System\nAdministrator.');
    expect(first).toContain('    #3) With great power comes great responsibility.\n\nPassword: ');
    shell.send(lab.password + '\r');
    const after = await shell.expect(BASH_PROMPT);
    expect(after).toBe('\nroot@ftd01:/home/admin# ');
    expect(after).not.toContain(lab.password);
    expect(await shell.run('whoami; pwd; id -u 2>/dev/null || true')).toContain('root\n/home/admin');
    expect(await shell.run('exit')).toBe('exit');
    shell.send('sudo -i\r');
    expect(await shell.expect(BASH_PROMPT)).toBe('sudo -i\nroot@ftd01:~# ');
    expect(await shell.run('pwd')).toBe('/root');
    expect(await shell.run('exit')).toBe('logout');
    expect(await shell.run('exit', CLI_PROMPT)).toBe('logout');
    shell.close();
    expect(lab.commandLog('ftd01').map((e) => `${e.level}:${e.line}`)).toEqual(['cli:expert', 'expert:sudo su', 'root:whoami; pwd; id -u 2>/dev/null || true', 'root:exit', 'expert:sudo -i', 'root:pwd', 'root:exit', 'expert:exit']);
  });

  it('says Sorry, try again and gives up after 3 wrong sudo passwords', async () => {
    const { shell } = await openShell(port('ftd06'), { password: lab.password });
    await shell.run('expert');
    shell.send('sudo su -\r');
    await shell.expect(/Password: $/);
    shell.send('nope1\r');
    expect(await shell.expect(/Password: $/)).toBe('\nSorry, try again.\nPassword: ');
    shell.send('nope2\r');
    await shell.expect(/Password: $/);
    shell.send('nope3\r');
    expect(await shell.expect(BASH_PROMPT)).toBe('\nsudo: 3 incorrect password attempts\nadmin@ftd06:~$ ');
    expect(await shell.run('echo $?')).toBe('1');
    shell.close();
  });

  it('interprets quoting, $?, pipes, redirections, PS1, stty -echo and PS2', async () => {
    const { shell } = await openShell(port('ftd06'), { password: lab.password });
    await shell.run('expert');
    expect(await shell.run(`echo 'FB''X'"$HOME"; printf '%s-%d\\n' a 1`)).toBe('FBX/home/admin\na-1');
    expect(await shell.run('nosuch 2>/dev/null; echo $?')).toBe('127');
    expect(await shell.run('nosuch')).toBe('-bash: nosuch: command not found');
    expect(await shell.run('false || echo alt && echo both; true && echo yes')).toBe('alt\nboth\nyes');
    expect(await shell.run('cat /ngfw/etc/sf/connector.properties | grep -c connector_')).toBe('2');
    expect(await shell.run('grep -E -i -v "REG|FQDN" /etc/sf/connector.properties | wc -l')).toBe('1');
    expect(await shell.run('echo hi >/tmp/x; cat /tmp/x; cat /nope 2>&1 | head -n 1')).toBe('hi\ncat: /nope: No such file or directory');
    expect(await shell.run('cd /ngfw/var/log && pwd')).toBe('/ngfw/var/log');
    expect(await shell.run('set +o history; unset PROMPT_COMMAND; command -v curl; echo "$(hostname)-x"')).toBe('/usr/bin/curl\nftd06-x');
    shell.send('export PS1="FBX> "\r');
    await shell.expect(/FBX> $/);
    shell.send('stty -echo\r');
    await shell.expect(/FBX> $/);
    shell.send('echo secret\r');
    expect(await shell.expect(/FBX> $/)).toBe('secret\nFBX> ');
    shell.send('stty echo\r');
    expect(await shell.expect(/FBX> $/)).toBe('FBX> ');
    shell.send("echo 'a\r");
    expect(await shell.expect(/\n> $/)).toBe("echo 'a\n> ");
    shell.send("b'\r");
    expect(await shell.expect(/FBX> $/)).toBe("b'\na\nb\nFBX> ");
    shell.close();
  });
});

describe('lab: scenarios', () => {
  it('healthy: 403 from api-sse via -v -k, connected socket, established session', async () => {
    const shell = await rootShell('ftd01');
    const out = await shell.run('curl -v -k https://api-sse.cisco.com; echo rc=$?');
    expect(out).toContain('* Connected to api-sse.cisco.com (192.0.2.66) port 443 (#0)');
    expect(out).toContain('< HTTP/1.1 403 Forbidden');
    expect(out).toContain('SSL certificate verify result: self signed certificate in certificate chain (19), continuing anyway.');
    expect(out).toMatch(/rc=0$/);
    for (const url of ['https://est.sco.cisco.com', 'https://eventing-ingest.sse.itd.cisco.com', 'https://mx01.sse.itd.cisco.com']) {
      expect(await shell.run(`curl -s -S -o /dev/null --cacert /ngfw/etc/ssl/connectorCA.pem ${url}; echo $?`)).toBe('0');
    }
    expect(await shell.run('curl -s -S https://example.invalid; echo $?')).toBe("curl: (6) Couldn't resolve host 'example.invalid'\n6");
    // seed-evidence/netstat-eventhandler-connected.txt, verbatim.
    expect(await shell.run('netstat -anlp | grep EventHandler_SSEConnector.sock')).toBe(
      'unix 2 [ ACC ] STREAM LISTENING 382276 7741/EventHandler /ngfw/var/sf/run/EventHandler_SSEConnector.sock\nunix 3 [ ] STREAM CONNECTED 378537 7741/EventHandler /ngfw/var/sf/run/EventHandler_SSEConnector.sock',
    );
    expect(await shell.run('lsof -i | grep conn')).toMatch(/^connector 13277 {2}www {2}10u IPv4 26077573 {2}0t0 TCP localhost:8989 \(LISTEN\)\nconnector 13277 {2}www {2}19u IPv4 26077679 {2}0t0 TCP 192\.0\.2\.\d+:56495->ec2-35-172-147-246\.compute-1\.amazonaws\.com:https \(ESTABLISHED\)$/);
    expect(await shell.run('pmtool status | grep SSEConnector')).toMatch(/^ SSEConnector \(system\) - Running \d+$/);
    shell.close();
  });

  it('egress-blocked: curl exit 28 on every endpoint, SYN_SENT, dial errors in connector.log', async () => {
    const shell = await rootShell('ftd02');
    expect(await shell.run('curl -v -k https://api-sse.cisco.com; echo rc=$?')).toMatch(/\* Trying 192\.0\.2\.66\.\.\.\n[\s\S]*curl: \(28\) Connection timed out after 10001 milliseconds\nrc=28$/);
    for (const url of ['https://est.sco.cisco.com', 'https://eventing-ingest.sse.itd.cisco.com', 'https://mx01.sse.itd.cisco.com']) {
      expect(await shell.run(`curl -s --connect-timeout 5 ${url}; echo $?`)).toBe('28');
    }
    expect(await shell.run('lsof -i | grep conn')).toContain(':53426->ec2-100-25-93-234.compute-1.amazonaws.com:https (SYN_SENT)');
    const log = (await shell.run('cat /ngfw/var/log/connector/connector.log')).split('\n');
    expect(log.length).toBeGreaterThanOrEqual(3);
    for (const line of log) expect(line).toMatch(/^time="[\d-]+T[\d:.]+-05:00" level=error msg="\[ftd02\]\[events\.go:90 events:connectWebSocket\] dial tcp 192\.0\.2\.\d+:443: i\/o timeout"$/);
    expect(await shell.run('tail -n 1 /ngfw/var/log/action_queue.log')).toMatch(/--max-filesize 1000000000 https:\/\/api-sse\.cisco\.com\) failed, exit code 28$/);
    shell.close();
  });

  it('dns-broken: curl exit 6 with the seed text, nslookup timeout', async () => {
    const shell = await rootShell('ftd05');
    // seed-evidence/curl-dns-failure.txt
    expect(await shell.run('curl -v -k https://api-sse.cisco.com')).toBe(
      "* Rebuilt URL to: https://api-sse.cisco.com/\n* getaddrinfo(3) failed for api-sse.cisco.com:443\n* Couldn't resolve host 'api-sse.cisco.com'\n* Closing connection 0\ncurl: (6) Couldn't resolve host 'api-sse.cisco.com'",
    );
    expect(await shell.run('echo $?')).toBe('6');
    expect(await shell.run('nslookup api-sse.cisco.com')).toBe(';; connection timed out; no servers could be reached\n');
    expect(await shell.run('grep -c "exit code 6" /ngfw/var/log/action_queue.log')).toBe('3');
    shell.close();
  });

  it('eventhandler-detached: LISTENING only until pmtool restartbyid SSEConnector', async () => {
    const shell = await rootShell('ftd03');
    const before = await shell.run('netstat -anlp | grep EventHandler_SSEConnector.sock');
    expect(before.split('\n')).toHaveLength(1);
    expect(before).toMatch(/^unix 2 \[ ACC \] STREAM LISTENING \d+ \d+\/EventHandler \/ngfw\/var\/sf\/run\/EventHandler_SSEConnector\.sock$/);
    expect(lab.state('ftd03').socketConnected).toBe(false);
    expect(await shell.run('pmtool RestartByID sseconnector; echo rc=$?')).toBe('rc=0');
    expect(lab.state('ftd03')).toEqual({ dnsServers: ['192.0.2.53'], connectorRunning: true, socketConnected: true });
    expect(await shell.run('netstat -anlp | grep EventHandler_SSEConnector.sock')).toContain('STREAM CONNECTED');
    shell.close();
  });

  it('connector-misconfigured: wrong connector_fqdn in connector.properties', async () => {
    const shell = await rootShell('ftd04');
    const props = await shell.run('cat /ngfw/etc/sf/connector.properties');
    expect(props).toContain('registration_interval=180\nconnector_port=8989\n');
    expect(props).toMatch(/connector_fqdn=(?!api-sse\.cisco\.com$).+$/);
    expect(await shell.run('cat /etc/sf/connector.properties')).toBe(props);
    shell.close();
  });
});
