/** The drift check: judged on the captured values a remediation's commands use. */
import { describe, expect, it } from 'vitest';
import { pickValues, sameValues, usedCaptures } from '../../src/run/captured-values.js';

const fixDns = {
  apply: [{ level: 'cli' as const, command: 'configure network dns servers {{dns_servers}}' }],
  rollback: [{ level: 'cli' as const, command: 'configure network dns servers {{captured.before.dns_servers}}' }],
};
const planned = { before: { dns_servers: ['203.0.113.53'], link: 'Up', mtu: 1500 } };

describe('drift', () => {
  it('uses the values the commands restore', () => {
    expect(usedCaptures(fixDns)).toEqual([['before', 'dns_servers']]);
    expect(pickValues(planned, usedCaptures(fixDns))).toEqual({ before: { dns_servers: ['203.0.113.53'] } });
    expect(usedCaptures({ apply: [{ level: 'root', command: 'pmtool restartbyid SSEConnector' }] })).toBeUndefined();
  });

  it.each([
    ['a link that flapped is not drift', { before: { dns_servers: ['203.0.113.53'], link: 'Down', mtu: 1500 } }, true],
    ['another DNS server is', { before: { dns_servers: ['192.0.2.54'], link: 'Up', mtu: 1500 } }, false],
    ['a missing value is', { before: { link: 'Up' } }, false],
  ])('%s', (_name, now, same) => expect(sameValues(now, planned, usedCaptures(fixDns))).toBe(same));

  it('without commands that use captured values, every value counts (key order aside)', () => {
    expect(sameValues({ s: { a: 1, b: 'x' } }, { s: { b: 'x', a: 1 } })).toBe(true);
    expect(sameValues({ s: { a: 1, b: 'x' } }, { s: { a: 1, b: 'y' } })).toBe(false);
  });
});
