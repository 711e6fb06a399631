import { describe, expect, it } from 'vitest';
import { parseOutput, PARSER_FIELDS, PARSER_NAMES } from '../../src/checks/index.js';
import { layout, seed } from './load-fixture.js';

// One recorded output per parser: every field produced must be declared in PARSER_FIELDS,
// or `validate` would reject a playbook that refers to it.
const SAMPLES: Array<[string, string, number | null]> = [
  ['show-network', seed('show-network.txt'), null],
  ['show-network', layout('show-network-two-dns.txt'), null],
  ['show-version', layout('show-version-6.5.txt'), null],
  ['show-version', layout('show-version-7.0.8.txt'), null],
  ['sf-version', layout('sf-version-fmc-6.4.0.txt'), 0],
  ['curl', seed('curl-reachable-403.txt'), 0],
  ['nslookup', layout('nslookup-success.txt'), 0],
  ['netstat-unix', seed('netstat-eventhandler-connected.txt'), 0],
  ['lsof-inet', seed('lsof-connector-established.txt'), 0],
  ['connector-log', seed('connector-log-dial-errors.txt'), 0],
  ['action-queue', seed('action-queue-canconnect.txt'), 0],
  ['lines', seed('sse-endpoint-tests.txt'), 0],
];

describe('PARSER_FIELDS', () => {
  it.each(SAMPLES)('%s: produced fields are declared', (parser, output, exit) => {
    const r = parseOutput({ parser }, output, exit);
    expect(r.error).toBeUndefined();
    expect(Object.keys(r.fields).length).toBeGreaterThan(0);
    for (const f of Object.keys(r.fields)) expect(PARSER_FIELDS[parser]).toContain(f);
  });

  it('covers every parser except properties and json (keys come from the file / the answer or options.fields)', () => {
    expect(PARSER_NAMES.filter((n) => !(n in PARSER_FIELDS))).toEqual(['properties', 'json']);
  });
});
