/** KeyFileAgent signs exactly as ssh2 would with the key file itself, for every key type. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2, { type ParsedKey } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { KeyFileAgent } from '../../src/transport/key-agent.js';
import { requireProgram } from '../support/requires.js';

const SSH_KEYGEN = requireProgram('KeyFileAgent', ['/usr/bin/ssh-keygen'], 'apt-get install openssh-client');
const dir = mkdtempSync(join(tmpdir(), 'fb-key-agent-'));
let made = 0;

function keyFile(type: string, bits?: number, passphrase = ''): string {
  const file = join(dir, `${type}-${(made += 1)}`);
  execFileSync(SSH_KEYGEN!, ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', passphrase, '-f', file]);
  return file;
}

function agentSign(agent: KeyFileAgent, data: Buffer, hash?: 'sha256' | 'sha512'): Buffer {
  let out: Buffer | undefined;
  agent.sign(undefined as unknown as ParsedKey, data, hash ? { hash } : {}, (err, sig) => {
    if (err) throw err;
    out = sig;
  });
  return out!;
}

describe.skipIf(!SSH_KEYGEN)('KeyFileAgent', () => {
  const data = Buffer.from('session id and userauth request');

  it.each([
    ['ed25519', undefined],
    ['rsa', 2048],
    ['ecdsa', 256],
    ['ecdsa', 384],
    ['ecdsa', 521],
  ] as const)('%s %s: the signature verifies with the public key, with the default hash', (type, bits) => {
    const file = keyFile(type, bits);
    const agent = KeyFileAgent.load(file);
    let identities: ParsedKey[] = [];
    agent.getIdentities((err, keys) => (identities = keys ?? []));
    const pub = ssh2.utils.parseKey(execFileSync(SSH_KEYGEN!, ['-y', '-f', file])) as ParsedKey;
    expect(identities.map((k) => k.getPublicSSH().equals(pub.getPublicSSH()))).toEqual([true]);
    const sig = agentSign(agent, data);
    expect(pub.verify(data, sig)).toBe(true);
    // Deterministic signatures are byte-identical to ssh2's own (ECDSA signs with a random nonce).
    const own = (ssh2.utils.parseKey(readFileSync(file)) as ParsedKey).sign(data);
    if (type !== 'ecdsa') expect(sig.equals(own)).toBe(true);
  });

  it('signs rsa-sha2-256/512 when the server asks for them', () => {
    const file = keyFile('rsa', 2048);
    const pub = ssh2.utils.parseKey(execFileSync(SSH_KEYGEN!, ['-y', '-f', file])) as ParsedKey;
    for (const hash of ['sha256', 'sha512'] as const) {
      const sig = agentSign(KeyFileAgent.load(file), data, hash);
      expect(pub.verify(data, sig, hash)).toBe(true);
      expect(pub.verify(data, sig, 'sha1')).toBe(false);
    }
  });

  it('decrypts an encrypted key with its passphrase; a wrong or missing one is an error without it', () => {
    const file = keyFile('ed25519', undefined, 'Xy7-right');
    expect(KeyFileAgent.load(file, 'Xy7-right')).toBeInstanceOf(KeyFileAgent);
    for (const phrase of ['Qz9-wrong', undefined]) {
      const err = catchError(() => KeyFileAgent.load(file, phrase));
      expect(err.message).toMatch(/^Cannot parse privateKey: /);
      expect(err.message).not.toMatch(/Xy7|Qz9/);
    }
  });

  it('a missing file or a public key is an error naming the file', () => {
    expect(catchError(() => KeyFileAgent.load(join(dir, 'absent'))).message).toBe(`cannot read the private key file ${join(dir, 'absent')}: ENOENT`);
    const pubFile = join(dir, 'only.pub');
    writeFileSync(pubFile, execFileSync(SSH_KEYGEN!, ['-y', '-f', keyFile('ed25519')]));
    expect(catchError(() => KeyFileAgent.load(pubFile)).message).toMatch(/^Cannot parse privateKey: /);
  });
});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('no error');
}
