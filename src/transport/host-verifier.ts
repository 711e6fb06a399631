/** ssh2 `hostVerifier` built from a known_hosts file and a policy (strict / accept-new / off). */
import { TransportError } from '../model/transport.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintOf,
  formatKnownHostName,
  knownKeyTypesFor,
  loadKnownHostsIndex,
  type KnownHostsIndex,
  readKeyType,
} from './known-hosts.js';

/** A verifier plus the reason it refused (read after the handshake failed). */
export interface HostVerifier {
  verify: (key: Buffer) => boolean;
  error: () => TransportError | undefined;
  /** Key types known_hosts holds for this host (prefer them in key exchange, as OpenSSH does). */
  knownTypes: string[];
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Host-key algorithm list with the known key types first (an RSA key may be signed with the
 * rsa-sha2 algorithms). */
export function orderHostKeyAlgorithms(knownTypes: readonly string[]): string[] {
  const first = knownTypes.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  const preferred = first.filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  return [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];
}

/** OpenSSH's reading of several UserKnownHostsFile files: a revoked key anywhere refuses, a
 * match in any file accepts, else a different key anywhere is a mismatch. */
function checkAllFiles(files: ReadonlyArray<{ file: string; entries: KnownHostsIndex }>, host: string, port: number, type: string, b64: string) {
  const verdicts = files.map((f) => ({ file: f.file, verdict: checkHostKey(f.entries, host, port, type, b64) }));
  return verdicts.find((v) => v.verdict.kind === 'revoked') ?? verdicts.find((v) => v.verdict.kind === 'match') ?? verdicts.find((v) => v.verdict.kind === 'mismatch') ?? { file: files[0].file, verdict: { kind: 'unknown' as const } };
}

/** Builds the verifier for one connection attempt (each known_hosts file is read and indexed
 * once per run and reused while unchanged; with several, as OpenSSH's UserKnownHostsFile list, new keys go to the first). */
export function createHostVerifier(
  fileOrFiles: string | readonly string[],
  policy: 'strict' | 'accept-new' | 'off',
  host: string,
  port: number,
): HostVerifier {
  if (policy === 'off') return { verify: () => true, error: () => undefined, knownTypes: [] };
  const fileList = typeof fileOrFiles === 'string' ? [fileOrFiles] : fileOrFiles.length ? fileOrFiles : ['/dev/null'];
  const files = fileList.map((f) => ({ file: f, entries: loadKnownHostsIndex(f) }));
  const file = fileList[0];
  const name = formatKnownHostName(host, port);
  let refusal: TransportError | undefined;
  const verify = (key: Buffer): boolean => {
    const type = readKeyType(key);
    const b64 = key.toString('base64');
    const fp = fingerprintOf(key);
    const { file: where, verdict } = checkAllFiles(files, host, port, type, b64);
    switch (verdict.kind) {
      case 'match':
        return true;
      case 'revoked':
        refusal = new TransportError(
          'host-key-mismatch',
          `the host key of ${name} (${type} ${fp}) is marked @revoked in ${where} line ${verdict.line}; refusing to connect`,
        );
        return false;
      case 'mismatch':
        refusal = new TransportError(
          'host-key-mismatch',
          `HOST KEY CHANGED for ${name}: the server offered ${type} ${fp}, but ${where} line ${verdict.line} holds a different ${verdict.knownType} key. ` +
            `This may be a man-in-the-middle attack; no command was sent. If the device was reinstalled, verify the new fingerprint and remove the old entry: ssh-keygen -R "${name}" -f ${where}`,
        );
        return false;
      case 'unknown':
        if (policy === 'accept-new') {
          try {
            appendKnownHost(file, host, port, type, b64);
            return true;
          } catch (err) {
            refusal = new TransportError('internal', `cannot record the host key of ${name} in ${file}: ${(err as Error).message}`);
            return false;
          }
        }
        refusal = new TransportError(
          'host-key-unknown',
          `the host key of ${name} is not in ${fileList.join(', ')}: ${type} ${fp}. Verify this fingerprint on the device, then re-run with --accept-new-host-keys to record it`,
        );
        return false;
    }
  };
  return { verify, error: () => refusal, knownTypes: [...new Set(files.flatMap((f) => knownKeyTypesFor(f.entries, host, port)))] };
}
