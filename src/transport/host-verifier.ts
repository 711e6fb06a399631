/** ssh2 `hostVerifier` built from a known_hosts file and a policy (strict / accept-new / off). */
import { TransportError } from '../model/transport.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintOf,
  formatKnownHostName,
  knownKeyTypesFor,
  loadKnownHosts,
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

/** Builds the verifier for one connection attempt (known_hosts is read now, once). */
export function createHostVerifier(
  file: string,
  policy: 'strict' | 'accept-new' | 'off',
  host: string,
  port: number,
): HostVerifier {
  if (policy === 'off') return { verify: () => true, error: () => undefined, knownTypes: [] };
  const entries = loadKnownHosts(file);
  const name = formatKnownHostName(host, port);
  let refusal: TransportError | undefined;
  const verify = (key: Buffer): boolean => {
    const type = readKeyType(key);
    const b64 = key.toString('base64');
    const fp = fingerprintOf(key);
    const verdict = checkHostKey(entries, host, port, type, b64);
    switch (verdict.kind) {
      case 'match':
        return true;
      case 'revoked':
        refusal = new TransportError(
          'host-key-mismatch',
          `the host key of ${name} (${type} ${fp}) is marked @revoked in ${file} line ${verdict.line}; refusing to connect`,
        );
        return false;
      case 'mismatch':
        refusal = new TransportError(
          'host-key-mismatch',
          `HOST KEY CHANGED for ${name}: the server offered ${type} ${fp}, but ${file} line ${verdict.line} holds a different ${verdict.knownType} key. ` +
            `This may be a man-in-the-middle attack; no command was sent. If the device was reinstalled, verify the new fingerprint and remove the old entry: ssh-keygen -R "${name}" -f ${file}`,
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
          `the host key of ${name} is not in ${file}: ${type} ${fp}. Verify this fingerprint on the device, then re-run with --accept-new-host-keys to record it`,
        );
        return false;
    }
  };
  return { verify, error: () => refusal, knownTypes: knownKeyTypesFor(entries, host, port) };
}
