import { describe, expect, it } from 'vitest';
import { getParser, parseOutput, PARSER_NAMES } from '../../src/checks/index.js';
import { layout, seed } from './load-fixture.js';

const parse = (name: string, output: string, exit: number | null = null, options?: Record<string, unknown>) =>
  getParser(name)!(output, exit, options);

describe('show-network', () => {
  it.each([
    ['seed unpadded layout', seed('show-network.txt'), {
      hostname: 'ftd01', dns_servers: ['x.x.x.10'], domains: [], management_port: 8305, gateway: 'x.x.x.1',
      interface: 'eth0', state: 'Enabled', link: 'Up', mtu: 1500, ipv4_config: 'Manual', address: 'x.x.x.27',
      netmask: '255.255.255.0', proxy_state: 'Disabled',
    }],
    ['padded, br1, no DNS line', layout('show-network-br1-no-dns.txt'), {
      hostname: 'cisco.com', dns_servers: [], management_port: 8305, gateway: '150.1.1.253', interface: 'br1',
      state: 'Enabled', mtu: 1500, ipv4_config: 'Manual', address: '150.1.41.1', netmask: '255.255.0.0', proxy_state: 'Disabled',
    }],
    ['padded, two DNS servers on continuation lines', layout('show-network-two-dns.txt'), {
      hostname: 'ftd623', domains: ['cisco.com'], dns_servers: ['192.168.200.100', '8.8.8.8'], gateway: '10.62.148.129',
      interface: 'management0', address: '10.62.148.179', netmask: '255.255.255.128',
    }],
    ['7.4.2 layout with IPv6 DNS continuation', layout('show-network-7.4.2.txt'), {
      hostname: 'firepower', dns_servers: ['208.67.222.222', '208.67.220.220', '2620:119:35::35'], dns_from_router: 'enabled',
      gateway: 'data-interfaces', interface: 'management0', state: 'enabled', link: 'up',
    }],
  ])('%s', (_name, output, expected) => {
    const r = parse('show-network', output);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it('has no link field when the layout has none (6.x br1)', () => {
    expect(parse('show-network', layout('show-network-br1-no-dns.txt')).fields.link).toBeUndefined();
    expect(parse('show-network', layout('show-network-two-dns.txt')).fields.proxy_state).toBeUndefined();
  });

  it.each([
    ['CLI syntax error', '> show network\nSyntax error: Illegal parameter\n'],
    ['empty output', ''],
    ['something else', 'hello world\n'],
  ])('reports unrecognised output: %s', (_n, output) => {
    const r = parse('show-network', output);
    expect(r.error).toBeTruthy();
    expect(r.fields).toEqual({});
  });
});

describe('show-version and sf-version', () => {
  it.each([
    ['FTD 6.5 (Rules update version)', 'show-version', layout('show-version-6.5.txt'), {
      hostname: 'fdm65', model: 'Cisco Firepower Threat Defense for VMWare', model_number: 75, version: '6.5.0', build: '115',
      uuid: '9d4b06f4-f4d2-11e9-8c86-eb98e807d9d8', rules: '2019-08-12-001-vrt', vdb: '309', platform: 'ftd',
    }],
    ['FTD 7.0.8 (LSP version)', 'show-version', layout('show-version-7.0.8.txt'), {
      hostname: 'firepower', model: 'Cisco ASA5516-X Threat Defense', version: '7.0.8', build: '174',
      lsp: 'lsp-rel-20210503-2107', vdb: '338', platform: 'ftd',
    }],
    ['FMC 6.6.1', 'show-version', layout('show-version-fmc-6.6.1.txt'), {
      model: 'Cisco Firepower Management Center for VMWare', version: '6.6.1', build: '91', platform: 'fmc',
    }],
    ['FMC /etc/sf/sf-version', 'sf-version', layout('sf-version-fmc-6.4.0.txt'), {
      model: 'Cisco Firepower Management Center for VMWare', version: '6.4.0', build: '102', os_version: '6.4.0', os_build: '2', platform: 'fmc',
    }],
    ['sf-version on one line joined by /', 'sf-version',
      'Cisco Firepower Management Center for VMWare v6.4.0 (build 102) / Cisco Fire Linux OS v6.4.0 (build 2)', { version: '6.4.0', build: '102', os_build: '2' }],
  ])('%s', (_n, parser, output, expected) => {
    const r = parse(parser, output);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it('7.0.8 has no rules field, 6.5 no lsp field', () => {
    expect(parse('show-version', layout('show-version-7.0.8.txt')).fields.rules).toBeUndefined();
    expect(parse('show-version', layout('show-version-6.5.txt')).fields.lsp).toBeUndefined();
  });

  it.each([['show-version', 'Syntax error: The command is not completed\n'], ['sf-version', 'cat: /etc/sf/sf-version: No such file or directory\n']])(
    '%s: unrecognised output is an error, not a guess', (parser, output) => {
      const r = parse(parser, output);
      expect(r.error).toMatch(/error|not found/i);
      expect(r.fields.version).toBeUndefined();
    });
});

describe('registry', () => {
  it('lists every parser and resolves each name', () => {
    expect([...PARSER_NAMES].sort()).toEqual(['action-queue', 'connector-log', 'curl', 'lines', 'lsof-inet', 'netstat-unix', 'nslookup', 'pmtool-status', 'properties', 'sf-version', 'show-network', 'show-version', 'show-managers', 'sftunnel-status-brief', 'show-clock', 'show-failover', 'df', 'show-ntp', 'json'].sort());
    for (const n of PARSER_NAMES) expect(typeof getParser(n)).toBe('function');
    expect(getParser('toString')).toBeUndefined();
  });

  it('parseOutput: no spec → no fields; unknown parser → error', () => {
    expect(parseOutput(undefined, 'x', 0)).toEqual({ fields: {} });
    expect(parseOutput({ parser: 'nope' }, 'x', 0).error).toMatch(/unknown parser "nope"/);
    expect(parseOutput({ parser: 'show-network' }, seed('show-network.txt'), null).fields.hostname).toBe('ftd01');
  });

  it('parseOutput: declarative regex, single and all', () => {
    const out = seed('show-network.txt');
    expect(parseOutput({ regex: '^MTU : (?<mtu>\\d+)', types: { mtu: 'number' } }, out, null)).toEqual({ fields: { mtu: 1500 } });
    expect(parseOutput({ regex: '^state : (?<s>\\w+)', all: true, ignore_case: true }, out, null).fields).toEqual({ s: ['Enabled', 'Disabled'] });
    // No match: fields absent (a condition on them is undecidable), not a parser error.
    expect(parseOutput({ regex: '^Nothing (?<x>\\d+)' }, out, null)).toEqual({ fields: {} });
    expect(parseOutput({ regex: '^Nothing (?<x>\\d+)', all: true }, out, null)).toEqual({ fields: { x: [] } });
    expect(parseOutput({ regex: '(?<x' }, out, null).error).toMatch(/invalid regex/);
    expect(parseOutput({ regex: 'Hostname : (?<h>\\w+)', types: { h: 'number' } }, out, null).error).toMatch(/not a number/);
  });
});
