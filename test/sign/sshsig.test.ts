/** SSHSIG interop with the real ssh-keygen (openssh-client): our signatures verify with
 * `ssh-keygen -Y verify`, and we verify what `ssh-keygen -Y sign` writes. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, parseSignature, PLAN_NAMESPACE, verifySignature } from '../../src/sign/sshsig.js';
import { UserError } from '../../src/model/errors.js';

const KEYS = [
  { name: 'ed', args: ['-t', 'ed25519'] },
  { name: 'rsa', args: ['-t', 'rsa', '-b', '2048'] },
  { name: 'ecdsa', args: ['-t', 'ecdsa', '-b', '256'] },
  { name: 'ecdsa384', args: ['-t', 'ecdsa', '-b', '384'] },
];

describe('SSHSIG with ssh-keygen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fb-sshsig-'));
  const plan = join(dir, 'plan.json');
  beforeAll(() => {
    writeFileSync(plan, '{"planVersion":1}\n');
    for (const k of KEYS) execFileSync('ssh-keygen', ['-q', ...k.args, '-N', '', '-C', k.name, '-f', join(dir, k.name)]);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-C', 'enc', '-f', join(dir, 'enc')]);
    const line = (k: string) => `${k}@example.com ${readFileSync(join(dir, `${k}.pub`), 'utf8').split(' ').slice(0, 2).join(' ')}`;
    writeFileSync(join(dir, 'allowed_signers'), [...KEYS.map((k) => line(k.name)), line('enc')].join('\n') + '\n');
  });
  const keygenVerify = (id: string, sigFile: string, namespace = PLAN_NAMESPACE) =>
    spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed_signers'), '-I', `${id}@example.com`, '-n', namespace, '-s', sigFile], { input: readFileSync(plan) });

  for (const k of KEYS) {
    it(`${k.name}: ssh-keygen accepts our signature; we accept ssh-keygen's`, () => {
      const ours = loadSigningKey(join(dir, k.name), undefined).sign(PLAN_NAMESPACE, readFileSync(plan));
      writeFileSync(join(dir, `${k.name}.ours.sig`), ours);
      const v = keygenVerify(k.name, join(dir, `${k.name}.ours.sig`));
      expect([v.status, String(v.stdout)]).toEqual([0, expect.stringMatching(/^Good "firebook-plan" signature/)]);
      // A different namespace or message is refused by ssh-keygen too (the check can fail).
      expect(keygenVerify(k.name, join(dir, `${k.name}.ours.sig`), 'firebook-journal').status).not.toBe(0);

      rmSync(`${plan}.sig`, { force: true });
      execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', join(dir, k.name), '-n', PLAN_NAMESPACE, plan]);
      const theirs = parseSignature(readFileSync(`${plan}.sig`, 'utf8'));
      expect(theirs.publicKey.fingerprint).toBe(String(execFileSync('ssh-keygen', ['-l', '-f', join(dir, `${k.name}.pub`)])).split(' ')[1]);
      expect(verifySignature(theirs, PLAN_NAMESPACE, readFileSync(plan))).toBe(true);
      expect(verifySignature(theirs, 'firebook-journal', readFileSync(plan))).toBe(false);
      expect(verifySignature(theirs, PLAN_NAMESPACE, Buffer.from('{"planVersion":2}\n'))).toBe(false);
    });
  }

  it('an encrypted key needs its passphrase (never in the message)', () => {
    expect(() => loadSigningKey(join(dir, 'enc'), undefined)).toThrow(/the key is encrypted/);
    try {
      loadSigningKey(join(dir, 'enc'), 'wrong');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UserError);
      expect(String(err)).toMatch(/wrong passphrase/);
    }
    writeFileSync(join(dir, 'enc.ours.sig'), loadSigningKey(join(dir, 'enc'), 'pass phrase').sign(PLAN_NAMESPACE, readFileSync(plan)));
    expect(keygenVerify('enc', join(dir, 'enc.ours.sig')).status).toBe(0);
  });
});
