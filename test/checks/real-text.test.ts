/** Parsers on the texts real devices print (docs/devices.md, docs/securex.md): every connector.log
 * failure form, pmtool status, and the show version / show network variants across releases.
 * Each fixture names its source in its `#! source:` header. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getParser } from '../../src/checks/index.js';
import { layout, seed, sourceOf } from './load-fixture.js';

const parse = (parser: string, text: string, exit: number | null = 0) => getParser(parser)!(text, exit);

describe('every fixture names its source', () => {
  const files = readdirSync(new URL('./fixtures/', import.meta.url)).filter((f) => f.endsWith('.txt'));
  it.each(files)('%s', (f) => {
    expect(sourceOf(f).length).toBeGreaterThan(20);
  });
});

describe('connector.log: every connectWebSocket failure form is counted and classified', () => {
  it.each([
    ['connector-log-egress-timeout.txt', 'egress', { egress_error_count: 3, dial_error_ips: ['192.0.2.246'] }],
    ['connector-log-egress-refused.txt', 'egress', { egress_error_count: 3 }],
    ['connector-log-dns-timeout.txt', 'dns', { dns_error_count: 3, lookup_hosts: ['eventing-ingest.sse.itd.cisco.com'], lookup_dns_servers: ['203.0.113.53'] }],
    ['connector-log-dns-no-such-host.txt', 'dns', { dns_error_count: 3, lookup_hosts: ['eventing-ingest.apj.sse.itd.cisco.com'], lookup_dns_servers: ['192.0.2.53'] }],
    ['connector-log-tls-x509.txt', 'tls', { tls_error_count: 3, dial_error_count: 0, last_ws_error: 'x509: certificate signed by unknown authority' }],
    ['connector-log-bad-handshake.txt', 'handshake', { handshake_error_count: 3, last_ws_error: 'websocket: bad handshake' }],
    ['connector-log-unknown.txt', 'unknown', { unknown_error_count: 3, unrecognised_count: 1, unrecognised_lines: ['goroutine 1 [running]:'] }],
  ])('%s → %s', (file, cls, extra) => {
    const r = parse('connector-log', layout(file));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ ws_error_count: 3, error_count: 3, ws_error_classes: [cls], ...extra });
  });

  it('the guide capture (reasons cut off after the address) counts as egress', () => {
    const r = parse('connector-log', seed('connector-log-dial-errors.txt'));
    expect(r.fields).toMatchObject({ ws_error_count: 5, egress_error_count: 5, ws_error_classes: ['egress'], dial_error_ips: ['x.x.x.246', 'x.x.x.234'] });
  });

  it('a connected line is not an error; a mixed log reports every class once, in order', () => {
    const ok = 'time="2020-04-13T14:30:00Z" level=info msg="[h][events.go:121 events:connectWebSocket] connected"';
    const text = [ok, layout('connector-log-dns-timeout.txt'), layout('connector-log-tls-x509.txt')].join('\n');
    const r = parse('connector-log', text);
    expect(r.fields).toMatchObject({ line_count: 7, ws_error_count: 6, ws_error_classes: ['dns', 'tls'], unrecognised_count: 0 });
  });
});

describe('pmtool status', () => {
  it.each([
    ['pmtool-status-ftd-6.7.txt', { running: ['EventHandler', 'SSEConnector', 'sftunnel'], not_running: ['CloudAgent'], process_count: 4, pids: ['EventHandler: 4868', 'SSEConnector: 12880', 'sftunnel: 12858'] }],
    ['pmtool-status-issue13.txt', { running: ['SSEConnector', 'EventHandler'], not_running: [], pids: ['SSEConnector: 20697', 'EventHandler: 17453'], unrecognised_count: 0 }],
    ['pmtool-status-connector-disabled.txt', { not_running: ['SSEConnector'], states: ['EventHandler: Running 4868', 'SSEConnector: User Disabled', 'sftunnel: Running 12858'] }],
    ['pmtool-status-details.txt', { running: ['sftunnel', 'SSEConnector', 'EventHandler'], unrecognised_count: 1, unrecognised_lines: ['??? unexpected line'] }],
  ])('%s', (file, fields) => {
    const r = parse('pmtool-status', layout(file));
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(fields);
  });

  it('text that is not pmtool output is an error, never "nothing running"', () => {
    expect(parse('pmtool-status', 'bash: pmtool: command not found\n', 127).error).toMatch(/command not found/);
    expect(parse('pmtool-status', 'Usage: pmtool <command>\n', 1).error).toMatch(/unrecognised/);
    expect(parse('pmtool-status', '', 0).error).toMatch(/empty/);
  });
});

describe('show version naming across releases', () => {
  it.each([
    ['6.x FTDv: "for VMWare", Rules update version', 'show-version-6.5.txt', { platform: 'ftd', model: 'Cisco Firepower Threat Defense for VMWare', version: '6.5.0', rules: '2019-08-12-001-vrt' }],
    ['7.x FTDv: "Secure Firewall … for KVM", LSP version', 'show-version-kvm-7.1.txt', { platform: 'ftd', model: 'Cisco Secure Firewall Threat Defense for KVM', version: '7.1.0', build: '90', lsp: 'lsp-rel-20220216-1442' }],
    ['7.0 hardware FTD, LSP version', 'show-version-7.0.8.txt', { platform: 'ftd', version: '7.0.8', lsp: 'lsp-rel-20210503-2107' }],
    ['FMC 6.6.1: "Firepower Management Center"', 'show-version-fmc-6.6.1.txt', { platform: 'fmc', version: '6.6.1', rules: '2020-08-18-001-vrt' }],
    ['FMC 7.x: "Secure Firewall Management Center"', 'show-version-fmc-7.1.txt', { platform: 'fmc', hostname: 'fmc71', model: 'Cisco Secure Firewall Management Center for VMware', version: '7.1.0' }],
  ])('%s', (_name, file, fields) => {
    const r = parse('show-version', layout(file), null);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ ...fields, unrecognised_count: 0 });
  });
});

describe('show network variants', () => {
  it.each([
    ['br1 (FTDv), no DNS', 'show-network-br1-no-dns.txt', { interface: 'br1', dns_servers: [] }],
    ['management0 (hardware), two DNS on continuation lines', 'show-network-two-dns.txt', { interface: 'management0', dns_servers: ['192.168.200.100', '8.8.8.8'], domains: ['cisco.com'] }],
    ['7.4.2: three DNS incl. IPv6, DNS from router', 'show-network-7.4.2.txt', { interface: 'management0', dns_servers: ['208.67.222.222', '208.67.220.220', '2620:119:35::35'], dns_from_router: 'enabled', state: 'enabled' }],
    ['the guide: eth0, unpadded labels', 'show-network-eth0-seed.txt', { interface: 'eth0', dns_servers: ['x.x.x.10'], management_port: 8305 }],
  ])('%s', (_name, file, fields) => {
    const r = parse('show-network', layout(file), null);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({ ...fields, unrecognised_count: 0 });
  });

  it('a line of no known shape is reported, not silently dropped', () => {
    const r = parse('show-network', `${layout('show-network-two-dns.txt')}
%% Internal error 42
`, null);
    expect(r.fields).toMatchObject({ unrecognised_count: 1, unrecognised_lines: ['%% Internal error 42'] });
  });
});
