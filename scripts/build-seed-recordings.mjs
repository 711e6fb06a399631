// Builds replay recordings from the verbatim seed evidence (test/fixtures/seed-evidence), so
// the SecureX playbook can be evaluated on real device output with no SSH.
// Output: test/fixtures/recordings/seed/<host>.json and inventory.yml. Re-run after changing
// the playbook's commands: node scripts/build-seed-recordings.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const seed = (f) => readFileSync(`test/fixtures/seed-evidence/${f}`, 'utf8');
/** Drops the echoed command line the seed captures start with (`root@ftd01:~# curl ...`, `> show network`). */
const body = (text) => text.replace(/^(root@[^\n]*# |> |# more )[^\n]*\n/, '');
const out = 'test/fixtures/recordings/seed';

// docs/devices.md "show version": FTDv 6.5.0 (narc issue #24), as the transport parses it.
const facts = { platform: 'ftd', version: '6.5.0', build: '115', model: 'Cisco Firepower Threat Defense for VMWare (75)', hostname: 'ftd01', loginLevel: 'cli' };
const curlApi = 'curl -v -k --connect-timeout 10 -m 20 https://api-sse.cisco.com';
// docs/devices.md "curl and nslookup": BIND nslookup success layout.
const nslookupOk = 'Server:\t\t192.0.2.53\nAddress:\t192.0.2.53#53\n\nNon-authoritative answer:\nName:\tapi-sse.cisco.com\nAddress: 198.51.100.66\n';

// docs/devices.md "Processes": pmtool status on FTD 6.7 (kaisero/blog); the guide shows none.
const pmtoolStatus = ' EventHandler (normal) - Running 4868\n SSEConnector (system) - Running 12880\n sftunnel (system) - Running 12858\n CloudAgent (system) - Waiting\n';

const cmd = (level, command, output, exitCode) => ({ level, command, output, exitCode, durationMs: 0 });
const common = [
  cmd('cli', 'show network', body(seed('show-network.txt')), null),
  cmd('root', 'tail -n 200 /ngfw/var/log/action_queue.log', seed('action-queue-canconnect.txt'), 0),
  cmd('root', 'cat /ngfw/etc/sf/connector.properties', body(seed('connector-properties.txt')), 0),
  cmd('root', 'pmtool status', pmtoolStatus, 0),
];
const hosts = {
  'seed-dns-broken': [
    cmd('root', curlApi, body(seed('curl-dns-failure.txt')), 6),
    cmd('root', 'nslookup api-sse.cisco.com', body(seed('nslookup-no-servers.txt')), 1),
    ...common,
    cmd('root', 'netstat -anlp | grep EventHandler_SSEConnector.sock', body(seed('netstat-eventhandler-listening-only.txt')), 0),
    cmd('root', 'lsof -i | grep conn', body(seed('lsof-connector-syn-sent.txt')), 0),
    cmd('root', 'tail -n 200 /ngfw/var/log/connector/connector.log', seed('connector-log-dial-errors.txt'), 0),
  ],
  'seed-healthy': [
    cmd('root', curlApi, body(seed('curl-reachable-403.txt')), 0),
    cmd('root', 'nslookup api-sse.cisco.com', nslookupOk, 0),
    ...common,
    cmd('root', 'netstat -anlp | grep EventHandler_SSEConnector.sock', body(seed('netstat-eventhandler-connected.txt')), 0),
    cmd('root', 'lsof -i | grep conn', body(seed('lsof-connector-established.txt')), 0),
    cmd('root', 'tail -n 200 /ngfw/var/log/connector/connector.log', '', 0),
  ],
};
for (const [host, commands] of Object.entries(hosts)) {
  const rec = { formatVersion: 1, host, recordedAt: '2020-04-13T19:55:00.000Z', facts, commands };
  writeFileSync(`${out}/${host}.json`, JSON.stringify(rec, null, 2) + '\n');
}
writeFileSync(`${out}/inventory.yml`, `# Hosts whose recordings were built from the seed evidence (scripts/build-seed-recordings.mjs).\nall:\n  children:\n    ftd:\n      vars:\n        platform: ftd\n      hosts:\n${Object.keys(hosts).map((h) => `        ${h}: {}`).join('\n')}\n`);
console.log(`wrote ${Object.keys(hosts).length} recordings to ${out}`);
