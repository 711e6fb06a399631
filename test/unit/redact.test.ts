import { describe, expect, it } from 'vitest';
import { connectionSecrets, isSecretName, redact, redactDeep, redactVars, REDACTED, secretForms, secretValuesOf } from '../../src/model/redact.js';

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

describe('issue 17 §3: secret names and the forms a secret takes', () => {
  it.each(['adminpassword', 'password2', 'enable_pw', 'psk', 'tacacs_key', 'snmp_community', 'radius_key', 'community', 'enableSecret', 'wpa_psk', 'key', 'ipsec_keys', 'bgp_password1'])(
    '%s is a secret name (documented pattern)',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['ssh_key_file', 'tacacs_key_path', 'ssh_public_key', 'host_key', 'key_length', 'community_url', 'monkey', 'hotkey_enabled', 'pw_min_length'])(
    '%s is not a secret name (a path, a public key, a length is not the secret)',
    (name) => expect(isSecretName(name)).toBe(false),
  );

  const secret = `It's "a" $ecret/+ x`;
  const r = (text: string) => redact(text, [secret]);

  it('redacts the shell-quoted forms (single quotes as sh writes them, double quotes, backslashes)', () => {
    const single = `'${secret.replace(/'/g, `'\\''`)}'`;
    expect(single).toBe(`'It'\\''s "a" $ecret/+ x'`);
    expect(r(`echo ${single} done`)).toBe(`echo '${REDACTED}' done`);
    expect(r(`echo "${secret.replace(/[\\"$`]/g, '\\$&')}"`)).toBe(`echo "${REDACTED}"`);
    expect(r(`printf %q: ${secret.replace(/[^A-Za-z0-9_\-.,:/@%+=]/g, '\\$&')}`)).not.toMatch(/ecret/);
  });

  it('redacts the JSON-escaped and URL-encoded forms', () => {
    expect(r(JSON.stringify({ pw: secret }))).toBe(`{"pw":"${REDACTED}"}`);
    expect(r(`https://h/?p=${encodeURIComponent(secret)}&x=1`)).toBe(`https://h/?p=${REDACTED}&x=1`);
    expect(r(`p=${encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`)).toBe(`p=${REDACTED}`);
  });

  it('redacts base64 whole and inside a longer base64 text at each of the 3 alignments', () => {
    expect(r(`X-Auth: ${Buffer.from(secret).toString('base64')}`)).toBe(`X-Auth: ${REDACTED}`);
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      const b64 = Buffer.from(`${prefix}${secret}-trailer-text`).toString('base64');
      const out = r(b64);
      expect(out, `prefix ${prefix.length}`).toContain(REDACTED);
      // What is left decodes to no 6-byte run of the secret.
      const left = out.split(REDACTED).join('');
      expect(Buffer.from(left, 'base64').toString('latin1')).not.toContain('ecret');
    }
  });

  it('curl -v -u user:password: the Authorization: Basic header of a host with a user and a password is redacted', () => {
    const secrets = connectionSecrets({ user: 'admin', password: 'Adm1n-pw' });
    const header = `> Authorization: Basic ${Buffer.from('admin:Adm1n-pw').toString('base64')}`;
    expect(redact(header, secrets)).toBe(`> Authorization: Basic ${REDACTED}`);
  });

  it('short secrets and plain words keep their one form; a 6-byte-or-less secret adds no shifted base64 fragment', () => {
    expect(secretForms('ab')).toEqual(['ab']);
    expect(secretForms('plain1').every((f) => f.length >= 4)).toBe(true);
    expect(redact('YWJj and text', ['abc'])).toBe('YWJj and text');
  });
});
