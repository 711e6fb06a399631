/** `--sign-key FILE` of run, apply, resume, rollback and report merge (docs/history.md "Signed
 * evidence"): the key is loaded before anything runs; the run folder is signed right after its
 * SHA256SUMS is written. */
import { resolve } from 'node:path';
import type { SigningKey } from '../sign/sshsig.js';
import { keyPassphrase, loadSigningKey, passphraseSources } from '../sign/sshsig.js';
import { signRunFolder } from '../sign/evidence.js';
import type { CliIO, OptionsSpec } from './command.js';

export const SIGN_OPTIONS = {
  'sign-key': { type: 'string' },
  'sign-key-passphrase-file': { type: 'string' },
} as const satisfies OptionsSpec;

export const SIGN_USAGE = `      --sign-key FILE       sign the run folder's SHA256SUMS with this SSH private key into
                            SHA256SUMS.sig (namespace firebook; check with 'firebook verify')
      --sign-key-passphrase-file FILE  passphrase of --sign-key (or $${passphraseSources('--sign-key').envVar})`;

/** The key of `--sign-key`, loaded now: a wrong path or passphrase is a usage error (exit 4)
 * before anything runs. */
export function parseSignKey(v: { 'sign-key'?: string; 'sign-key-passphrase-file'?: string }, io: CliIO): SigningKey | undefined {
  if (v['sign-key'] === undefined) return undefined;
  const file = v['sign-key-passphrase-file'];
  const passphrase = keyPassphrase(file === undefined ? undefined : resolve(io.cwd, file), io.env, '--sign-key');
  return loadSigningKey(resolve(io.cwd, v['sign-key']), passphrase, '--sign-key');
}

/** Signs the run folder `dir` (after its SHA256SUMS); returns SHA256SUMS.sig's path. A failure
 * is one warning line, never the run's reports or exit code. */
export function signEvidence(command: string, dir: string, key: SigningKey, io: CliIO): string | undefined {
  try {
    return signRunFolder(dir, key);
  } catch (err) {
    io.stderr.write(`firebook ${command}: warning: --sign-key: the run folder was not signed (${(err as Error).message}); its reports and SHA256SUMS are written\n`);
    return undefined;
  }
}
