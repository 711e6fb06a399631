/**
 * Signed run folders (docs/history.md "Signed evidence"): the exact bytes of SHA256SUMS signed
 * as an SSH signature (SSHSIG, namespace `firebook`) into SHA256SUMS.sig, and the check of
 * such a signature against an allowed_signers file. `ssh-keygen -Y verify -n firebook` agrees.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { CHECKSUMS_FILE, CHECKSUMS_SIGNATURE_FILE } from '../model/run-folder.js';
import { trustedSigners, type AllowedSigners } from './allowed-signers.js';
import { EVIDENCE_NAMESPACE, parseSignature, verifySignature, type SigningKey } from './sshsig.js';

/** Signs `dir`'s SHA256SUMS with `key` into SHA256SUMS.sig (atomically); returns its path.
 * Throws (an Error with the reason) when SHA256SUMS cannot be read or the file written. */
export function signRunFolder(dir: string, key: SigningKey): string {
  const sums = readFileSync(join(dir, CHECKSUMS_FILE));
  const path = join(dir, CHECKSUMS_SIGNATURE_FILE);
  writeFileAtomic(path, key.sign(EVIDENCE_NAMESPACE, sums));
  return path;
}

/** What a SHA256SUMS.sig says about SHA256SUMS. `key` is `ssh-ed25519 SHA256:…` when readable. */
export type EvidenceSignature =
  | { status: 'good'; principals: string[]; key: string; fingerprint: string }
  | { status: 'unreadable'; reason: string }
  | { status: 'other-namespace'; namespace: string; key: string; fingerprint: string }
  | { status: 'mismatch'; key: string; fingerprint: string }
  | { status: 'untrusted'; key: string; fingerprint: string; why: string };

/**
 * Checks the armored `signature` over `sums` (SHA256SUMS's exact bytes): readable, of namespace
 * `firebook`, made by its key over these bytes, and that key trusted for `firebook` at `now` by
 * `signers` (a line's namespaces= and valid-after/-before respected). Never throws.
 */
export function checkEvidenceSignature(sums: Buffer, signature: string, signers: AllowedSigners | undefined, now: Date): EvidenceSignature {
  let sig;
  try {
    sig = parseSignature(signature);
  } catch (err) {
    return { status: 'unreadable', reason: (err as Error).message };
  }
  const { fingerprint } = sig.publicKey;
  const key = `${sig.publicKey.type} ${fingerprint}`;
  if (sig.namespace !== EVIDENCE_NAMESPACE) return { status: 'other-namespace', namespace: sig.namespace, key, fingerprint };
  if (!verifySignature(sig, EVIDENCE_NAMESPACE, sums)) return { status: 'mismatch', key, fingerprint };
  if (!signers) return { status: 'untrusted', key, fingerprint, why: 'no allowed_signers file was given' };
  const lines = trustedSigners(signers, sig.publicKey, EVIDENCE_NAMESPACE, now);
  if (lines.length === 0) {
    const listed = signers.signers.some((s) => s.key.blob.equals(sig.publicKey.blob));
    return { status: 'untrusted', key, fingerprint, why: listed ? `${signers.file} lists the key, but not for namespace "${EVIDENCE_NAMESPACE}" now (namespaces=, valid-after, valid-before)` : `${signers.file} does not list the key` };
  }
  return { status: 'good', principals: [...new Set(lines.map((l) => l.principals))], key, fingerprint };
}
