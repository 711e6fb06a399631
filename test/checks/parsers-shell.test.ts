import { describe, expect, it } from 'vitest';
import { getParser } from '../../src/checks/index.js';
import { layout, seed } from './load-fixture.js';

const parse = (name: string, output: string, exit: number | null = null, options?: Record<string, unknown>) =>
  getParser(name)!(output, exit, options);

describe('curl', () => {
  it.each([
    ['HTTP 403 is reachable (seed)', seed('curl-reachable-403.txt'), 0, {
      curl_exit: 0, resolved: true, connected: true, connected_ip: 'x.x.x.66', http_status: 403, tls: true,
      cert_verify_ok: false, error: null, reachable: true,
    }],
    ['exit 6: DNS failure (seed)', seed('curl-dns-failure.txt'), 6, {
      curl_exit: 6, resolved: false, connected: false, http_status: null, tls: false, reachable: false,
      error: "curl: (6) Couldn't resolve host 'api-sse.cisco.com'",
    }],
    ['exit 28: connection timed out', layout('curl-timeout-28.txt'), 28, {
      curl_exit: 28, resolved: true, connected: false, http_status: null, reachable: false,
      error: 'curl: (28) Connection timed out after 10001 milliseconds',
    }],
    ['exit 28 from a silent probe (no output)', '', 28, { curl_exit: 28, http_status: null, reachable: false, error: null }],
    ['exit 7: connection refused', layout('curl-refused-7.txt'), 7, { curl_exit: 7, resolved: true, connected: false, reachable: false }],
    ['exit code taken from the text when none was captured', seed('curl-dns-failure.txt'), null, { curl_exit: 6, resolved: false }],
    ['newer curl wording for exit 6', 'curl: (6) Could not resolve host: api-sse.cisco.com\n', 6, { resolved: false, curl_exit: 6 }],
    ['HTTP/2 with verify ok', '* SSL certificate verify ok.\n< HTTP/2 200\n', 0, { http_status: 200, cert_verify_ok: true, reachable: true }],
    ['redirects: last status counts', '< HTTP/1.1 301 Moved\n< Location: /x\n< HTTP/1.1 200 OK\n', 0, { http_status: 200 }],
  ])('%s', (_n, output, exit, expected) => {
    const r = parse('curl', output, exit);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it.each([
    ['exit 0 without any HTTP status line', 'some body text\n', 0, /no HTTP status/],
    ['nothing recognisable and no exit code', 'random text\n', null, /unrecognised/],
    ['curl missing', 'bash: curl: command not found\n', 127, /not found/],
  ])('error: %s', (_n, output, exit, re) => {
    const r = parse('curl', output, exit);
    expect(r.error).toMatch(re);
    expect(r.fields).toEqual({});
  });
});

describe('nslookup', () => {
  it.each([
    ['no servers could be reached (seed)', seed('nslookup-no-servers.txt'), 1, { status: 'timeout', addresses: [], server: null }],
    ['success (BIND)', layout('nslookup-success.txt'), 0, { status: 'ok', server: '192.0.2.53', addresses: ['104.20.23.154'] }],
    ['NXDOMAIN', layout('nslookup-nxdomain.txt'), 1, { status: 'nxdomain', server: '192.0.2.53', addresses: [] }],
    ['NXDOMAIN with exit 0 (BusyBox)', layout('nslookup-nxdomain.txt'), 0, { status: 'nxdomain' }],
    ['success (BusyBox, two answers)', layout('nslookup-busybox.txt'), 0, { status: 'ok', server: '10.96.0.10', addresses: ['52.1.2.3', '52.1.2.4'] }],
  ])('%s', (_n, output, exit, expected) => {
    const r = parse('nslookup', output, exit);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it('unrecognised output is an error', () => {
    expect(parse('nslookup', 'Server:\t\t192.0.2.53\nAddress:\t192.0.2.53#53\n\n*** weird\n', 0).error).toMatch(/unrecognised/);
    expect(parse('nslookup', 'sh: nslookup: command not found\n', 127).error).toMatch(/command not found/);
  });
});

describe('netstat-unix', () => {
  it.each([
    ['listening only (seed)', seed('netstat-eventhandler-listening-only.txt'), { states: ['LISTENING'], listening: true, connected: false, socket_count: 1 }],
    ['listening + connected (seed)', seed('netstat-eventhandler-connected.txt'), { states: ['LISTENING', 'CONNECTED'], listening: true, connected: true, socket_count: 2, programs: ['7741/EventHandler'] }],
    ['grep found nothing', '', { states: [], listening: false, connected: false, socket_count: 0 }],
    ['grep found nothing, echo line only', 'root@firepower:/etc/sf# netstat -anlp | grep EventHandler_SSEConnector.sock\n', { socket_count: 0 }],
  ])('%s', (_n, output, expected) => {
    const r = parse('netstat-unix', output, 0);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it('other text is not zero sockets', () => {
    expect(parse('netstat-unix', 'netstat: command not found\n', 127).error).toMatch(/command not found/);
  });
});

describe('lsof-inet', () => {
  it.each([
    ['SYN_SENT (seed)', seed('lsof-connector-syn-sent.txt'), {
      states: ['LISTEN', 'SYN_SENT'], listening: true, established: false, syn_sent: true, process_count: 1,
      remote_hosts: ['ec2-100-25-93-234.compute-1.amazonaws.com'], remote_ports: ['https'],
    }],
    ['ESTABLISHED (seed)', seed('lsof-connector-established.txt'), {
      states: ['LISTEN', 'ESTABLISHED'], listening: true, established: true, syn_sent: false, process_count: 1,
      remote_hosts: ['ec2-35-172-147-246.compute-1.amazonaws.com'], commands: ['connector'],
    }],
    ['grep found nothing', '', { states: [], listening: false, established: false, process_count: 0 }],
    ['IPv6 remote in brackets', 'connector 1 www 12u IPv6 1 0t0 TCP [fe80::1]:5000->[2001:db8::1]:443 (ESTABLISHED)\n', { remote_hosts: ['2001:db8::1'], established: true }],
  ])('%s', (_n, output, expected) => {
    const r = parse('lsof-inet', output, 0);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject(expected);
  });

  it('other text is an error', () => {
    expect(parse('lsof-inet', 'lsof: WARNING: something odd\n', 1).error).toMatch(/unrecognised/);
  });
});

describe('properties and lines', () => {
  it('connector.properties (seed, with echoed `# more` line)', () => {
    const r = parse('properties', seed('connector-properties.txt'), 0);
    expect(r).toEqual({ fields: { registration_interval: '180', connector_port: '8989', connector_fqdn: 'api-sse.cisco.com' } });
  });

  it('keys as written, spaces around = tolerated, comments ignored', () => {
    expect(parse('properties', '! comment\n# c\n\na.b = c=d\n', 0).fields).toEqual({ 'a.b': 'c=d' });
  });

  it('a missing file is an error, not an empty config', () => {
    const r = parse('properties', 'cat: /ngfw/etc/sf/connector.properties: No such file or directory\n', 1);
    expect(r.error).toMatch(/file not found/);
  });

  it('lines: drops the echo line and trailing blanks', () => {
    expect(parse('lines', seed('configure-network-dns.txt'), null).fields).toEqual({ line_count: 0, lines: [] });
    expect(parse('lines', 'root@ftd01:~# cat x\na\nb\n\n', 0).fields).toEqual({ line_count: 2, lines: ['a', 'b'] });
    expect(parse('lines', seed('sse-endpoint-tests.txt'), 0).fields.line_count).toBe(4);
  });
});

describe('connector-log', () => {
  it('seed: five cut-off dial errors', () => {
    const r = parse('connector-log', seed('connector-log-dial-errors.txt'), 0);
    expect(r.error).toBeUndefined();
    expect(r.fields).toMatchObject({
      line_count: 5, error_count: 5, dial_error_count: 5, dial_error_ips: ['x.x.x.246', 'x.x.x.234'],
      last_error_time: '2020-04-13T14:52:38.404700083-05:00', newest_time: '2020-04-13T19:52:38.404Z',
    });
  });

  it.each([
    [10, 3], // 14:42:42, 14:47:48, 14:52:38 are within 10 min of 14:52:38
    [5, 2],
    [60, 5],
  ])('window_minutes %i counts %i lines', (minutes, count) => {
    const r = parse('connector-log', seed('connector-log-dial-errors.txt'), 0, { window_minutes: minutes });
    expect(r.fields.line_count).toBe(count);
    expect(r.fields.dial_error_count).toBe(count);
  });

  it('info lines count but are not errors; a non-dial error is an error only', () => {
    const log = [
      'time="2020-04-13T14:00:00Z" level=info msg="started"',
      'time="2020-04-13T14:01:00Z" level=error msg="registration failed: 401"',
    ].join('\n');
    expect(parse('connector-log', log, 0).fields).toMatchObject({ line_count: 2, error_count: 1, dial_error_count: 0, dial_error_ips: [], last_error_time: '2020-04-13T14:01:00Z' });
  });

  it('empty log → zero; not logfmt → error; bad option → error', () => {
    expect(parse('connector-log', '', 0).fields).toMatchObject({ line_count: 0, error_count: 0, last_error_time: null });
    expect(parse('connector-log', 'tail: cannot open connector.log: No such file or directory\n', 1).error).toMatch(/file not found/);
    expect(parse('connector-log', seed('connector-log-dial-errors.txt'), 0, { window_minutes: 'ten' }).error).toMatch(/window_minutes/);
  });
});

describe('action-queue', () => {
  const probe = seed('action-queue-canconnect.txt').trimEnd();
  it('seed probe line ends after the curl options: no failure recorded', () => {
    expect(parse('action-queue', seed('action-queue-canconnect.txt'), 0).fields).toEqual({
      probe_count: 1, failed_count: 0, exit_codes: [], unrecognised_count: 0, last_exit_code: null,
    });
  });

  it.each([
    [' failed, exit code 6', 6],
    [' returned 28', 28],
    [' exit status 28', 28],
    [' rc=6', 6],
    [': curl: (28) Operation timed out', 28],
    [' - return code: 7', 7],
  ])('failure tail %j → exit code %i', (tail, code) => {
    const r = parse('action-queue', `${probe}${tail}\n`, 0);
    expect(r.fields).toMatchObject({ probe_count: 1, failed_count: 1, exit_codes: [code], unrecognised_count: 0, last_exit_code: code });
  });

  it.each([' returned 0', ' succeeded', ' OK'])('success tail %j', (tail) => {
    expect(parse('action-queue', `${probe}${tail}\n`, 0).fields).toMatchObject({ failed_count: 0, exit_codes: [], unrecognised_count: 0, last_exit_code: 0 });
  });

  it.each([
    [' zzz qqq', 0],
    [' failed', 1],
  ])('tail %j cannot be read as a code: unrecognised (failed_count %i) and an error, never a pass', (tail, failed) => {
    const r = parse('action-queue', `${probe}${tail}\n`, 0);
    expect(r.fields).toMatchObject({ unrecognised_count: 1, failed_count: failed, exit_codes: [] });
    expect(r.error).toMatch(/unrecognised canConnect line/);
  });

  it('a line cut before the closing parenthesis is unrecognised', () => {
    const r = parse('action-queue', 'x canConnect: System (/usr/bin/curl -s --connect\n', 0);
    expect([r.fields.unrecognised_count, typeof r.error]).toEqual([1, 'string']);
  });

  it('several probes; grep no match; missing file', () => {
    const log = `${probe} returned 28\n${probe}\n${probe} exit code 6\n`;
    expect(parse('action-queue', log, 0).fields).toMatchObject({ probe_count: 3, failed_count: 2, exit_codes: [28, 6], last_exit_code: 6 });
    expect(parse('action-queue', '', 1).fields).toMatchObject({ probe_count: 0, failed_count: 0 });
    expect(parse('action-queue', 'grep: /ngfw/var/log/action_queue.log: No such file or directory\n', 2).error).toMatch(/file not found/);
  });
});
