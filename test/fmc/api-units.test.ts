/** The pure parts of `api:` steps (docs/playbooks.md "API steps"): the path rule of the command
 * language, the json parser, and the evidence that blanks secret-looking keys. */
import { describe, expect, it } from 'vitest';
import { apiPathProblems, renderApiPath } from '../../src/command/index.js';
import { parseOutput } from '../../src/checks/index.js';
import { apiEvidence } from '../../src/fmc/session.js';

describe('API paths', () => {
  it('a hole holds one segment: ?, /, .., #, %, & and spaces are refused, a UUID passes', () => {
    const t = '/devices/devicerecords/{{vars.id}}';
    for (const bad of ['a?b=1', '../x', '..', '.', 'a/b', 'a#b', '%2e%2e', 'a&b', 'a b', 'a;b', '', ['a', 'b'], { a: 1 }])
      expect(() => renderApiPath(t, { vars: { id: bad } }), JSON.stringify(bad)).toThrow();
    expect(renderApiPath(t, { vars: { id: 'e276abec-e0f2-11e3-8169-6d9ed49b625f' } })).toBe('/devices/devicerecords/e276abec-e0f2-11e3-8169-6d9ed49b625f');
    // the message names the hole, never the value
    expect(() => renderApiPath(t, { vars: { id: 'SECRET/..' } })).toThrow(/vars\.id/);
    try {
      renderApiPath(t, { vars: { id: 'SECRET/..' } });
    } catch (err) {
      expect((err as Error).message).not.toContain('SECRET');
    }
  });

  it('the literal text is checked at validate, with the offset of the fault', () => {
    expect(apiPathProblems('/integration/cloudregions')).toEqual([]);
    expect(apiPathProblems('/devices/devicerecords?filter=name:x&limit=5')).toEqual([]);
    expect(apiPathProblems('/devices/{{id}}#x')[0]).toMatchObject({ offset: 15 });
    expect(apiPathProblems('devices')[0].message).toMatch(/starts with one '\//);
    expect(apiPathProblems('/a/../b')[0].message).toMatch(/'\.\.'/);
    expect(apiPathProblems('//evil.example/api')[0].message).toMatch(/one '\//);
    expect(apiPathProblems('/a b')[0].message).toMatch(/' ' is not allowed/);
    expect(apiPathProblems('/{{#each x}}')[0].message).toMatch(/block helper/);
  });
});

describe('json parser', () => {
  const answer = JSON.stringify({ items: [
    { name: 'ftd1', isConnected: true, healthStatus: 'green' },
    { name: 'ftd2', isConnected: false, healthStatus: 'red' },
    { name: 'ftd3', healthStatus: 'yellow' },
  ] });
  it('without options: top-level scalars and item_count', () => {
    expect(parseOutput({ parser: 'json' }, JSON.stringify({ a: 1, b: 'x', o: { c: 1 }, items: [{}] }), 0)).toEqual({ fields: { a: 1, b: 'x', item_count: 1 } });
  });
  it('fields by path, * over lists, where / where_not; an absent isConnected is never disconnected', () => {
    const r = parseOutput({ parser: 'json', options: { fields: {
      names: 'items.*.name', connected: 'items.*.isConnected', first: 'items.0.name',
      disconnected: { path: 'items.*.name', where: { isConnected: false } },
      unhealthy: { path: 'items.*.name', where_not: { healthStatus: 'green' } },
    } } }, answer, 0);
    expect(r).toEqual({ fields: { names: ['ftd1', 'ftd2', 'ftd3'], connected: ['true', 'false'], first: 'ftd1', disconnected: ['ftd2'], unhealthy: ['ftd2', 'ftd3'] } });
  });
  it('reads own properties only, and refuses what is not JSON', () => {
    expect(parseOutput({ parser: 'json', options: { fields: { p: 'items.0.__proto__', c: 'constructor' } } }, answer, 0)).toEqual({ fields: {} });
    expect(parseOutput({ parser: 'json' }, '{"items": [', 0).error).toMatch(/not JSON/);
  });
});

describe('API evidence', () => {
  it('blanks keys named like password, secret or token', () => {
    const e = apiEvidence([{ enabled: true, clientId: 'x', clientPassword: 'CANARY-1', nested: { apiToken: 'CANARY-2', client_secret: 'CANARY-3' } }]);
    expect(e).not.toMatch(/CANARY/);
    expect(JSON.parse(e)).toEqual({ items: [{ enabled: true, clientId: 'x', clientPassword: '********', nested: { apiToken: '********', client_secret: '********' } }] });
  });
});
