import { describe, expect, it } from 'vitest';
import { isSecretName, redact, redactDeep, redactVars, REDACTED, secretValuesOf } from '../../src/model/redact.js';

describe('one rule for what is secret', () => {
  it.each([
    'ansible_password', 'ansible_ssh_pass', 'ansible_become_password', 'ansible_become_pass', 'ansible_ssh_private_key_passphrase',
    'password', 'secret', 'token', 'db_password', 'client_secret', 'api_token', 'apiKey', 'api_key', 'aws_secret_key', 'enable_passwd',
    'firebook_private_key_passphrase', 'credentials', 'vault_db_user', 'mypassphrasefile',
  ])('%s is a secret name', (name) => expect(isSecretName(name)).toBe(true));

  it.each(['bypass_proxy', 'passive_ftp', 'password_file', 'ansible_ssh_private_key_file', 'token_url', 'dns_servers', 'sse_api_host', 'compass', 'passthrough', 'secret_enabled'])(
    '%s is not a secret name',
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it('finds secret values at any depth, in dicts and lists, and under inputs marked secret', () => {
    const vars = {
      bypass_proxy: 'proxy.example.com',
      creds: { api_token: 'tok-123', nested: [{ password: 'pw-in-list' }] },
      tokens: ['t-one', 't-two'],
      db: { password: 3600 },
      marked: { deep: 'declared-secret' },
      plain: { user: 'admin' },
    };
    expect(secretValuesOf(vars, ['marked']).sort()).toEqual(['3600', 'declared-secret', 'pw-in-list', 't-one', 't-two', 'tok-123']);
  });

  it('redactVars masks secret-named values whole (any length) and their copies elsewhere', () => {
    const out = redactVars({ pin_password: 'x', creds: { token: 'abcd1234' }, note: 'uses abcd1234', bypass_proxy: 'p.example.com' }, { secretValues: ['vaulted-value'] });
    expect(out).toEqual({ pin_password: REDACTED, creds: { token: REDACTED }, note: `uses ${REDACTED}`, bypass_proxy: 'p.example.com' });
    expect(redactVars({ x: 'the vaulted-value here' }, { secretValues: ['vaulted-value'] })).toEqual({ x: `the ${REDACTED} here` });
  });
});

describe('redact', () => {
  it('replaces secrets of 4+ characters wherever they occur, longest first', () => {
    expect(redact('timeout 3600 and 36001', ['3600'])).toBe(`timeout ${REDACTED} and ${REDACTED}1`);
    expect(redact('pw hunter2x', ['hunter2', 'hunter2x'])).toBe(`pw ${REDACTED}`);
  });

  it('still redacts short declared secrets where they stand alone, not inside other words', () => {
    expect(redact('pin 42 at port 4242, ab in table, ab', ['42', 'ab'])).toBe(`pin ${REDACTED} at port 4242, ${REDACTED} in table, ${REDACTED}`);
    expect(redact('x', ['x'])).toBe(REDACTED);
    expect(redact('a.b', ['a.b'])).toBe(REDACTED);
  });

  it('redactDeep covers keys and values at any depth', () => {
    expect(redactDeep({ 'k-hunter22': ['hunter22', { x: 'a hunter22 b' }], n: 1 }, ['hunter22'])).toEqual({ [`k-${REDACTED}`]: [REDACTED, { x: `a ${REDACTED} b` }], n: 1 });
  });
});
