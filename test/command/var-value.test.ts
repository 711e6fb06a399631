import { describe, expect, it } from 'vitest';
import type { VarDeclaration } from '../../src/model/playbook.js';
import { validateVarValue } from '../../src/command/index.js';

describe('validateVarValue', () => {
  it.each<[VarDeclaration['type'], unknown, boolean]>([
    ['ip', '10.1.1.11', true],
    ['ip', '2001:db8::1', true],
    ['ip', '10.1.1.300', false],
    ['ip', 'x.x.x.11', false],
    ['hostname', 'api-sse.cisco.com', true],
    ['hostname', 'api-sse.cisco.com.', true],
    ['hostname', '-bad.example', false],
    ['hostname', 'bad_host', false],
    ['hostname', 'a'.repeat(64), false],
    ['hostname', 'a; reboot', false],
    ['port', 8305, true],
    ['port', '443', true],
    ['port', 0, false],
    ['port', 65536, false],
    ['port', 'https', false],
    ['integer', '-5', true],
    ['integer', 1.5, false],
    ['string', 'anything at all', true],
    ['string', 5, false],
    ['ip-list', ['10.1.1.11', '10.1.1.12'], true],
    ['ip-list', '10.1.1.11, 10.1.1.12', true],
    ['ip-list', ['10.1.1.11', 'dns.example'], false],
    ['hostname-list', ['a.example', 'b.example'], true],
    ['string-list', 'x', true],
    ['string-list', { a: 1 }, false],
  ])('%s %j → valid %s', (type, value, valid) => {
    const problem = validateVarValue({ type }, value);
    if (valid) expect(problem).toBeUndefined();
    else expect(problem).toMatch(/./);
  });

  it('does not echo secret values', () => {
    expect(validateVarValue({ type: 'port', secret: true }, 'hunter2')).not.toMatch(/hunter2/);
    expect(validateVarValue({ type: 'port' }, 'hunter2')).toMatch(/hunter2/);
    expect(validateVarValue({ type: 'ip-list' }, ['1.1.1.1', 'nope'])).toMatch(/item 2/);
  });
});
