/** A private key file as an in-process ssh2 agent: read, decrypted and parsed once per run, and
 * signed with through a Node KeyObject. Given the key itself, ssh2 re-reads and re-parses it
 * for every connection and hands OpenSSL a PEM text to decode for every signature (about 0.4 ms
 * of CPU per connection). An agent is ssh2's documented extension point for signing elsewhere:
 * the authentication on the wire is the same `publickey` exchange. */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import ssh2, { type ParsedKey, type SignCallback, type SigningRequestOptions } from 'ssh2';

/** The hash each key type signs with when the server asks for none: RFC 4253 (ssh-rsa,
 * ssh-dss), RFC 5656 (ECDSA: by curve); Ed25519 hashes internally. An RSA key's
 * rsa-sha2-256/512 arrives as `options.hash`. */
const DEFAULT_HASH: Record<ParsedKey['type'], string | null> = {
  'ssh-rsa': 'sha1',
  'ssh-dss': 'sha1',
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

export class KeyFileAgent extends ssh2.BaseAgent<ParsedKey> {
  private constructor(
    private readonly key: ParsedKey,
    private readonly signer: KeyObject,
  ) {
    super();
  }

  /** Reads and parses a private key file. Throws an Error whose message says what failed
   * (triage classes it `auth`); the passphrase is never part of it. */
  static load(file: string, passphrase?: string): KeyFileAgent {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read the private key file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const parsed = ssh2.utils.parseKey(data, passphrase);
    const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
    if (key instanceof Error) throw new Error(`Cannot parse privateKey: ${key.message}`);
    if (!key.isPrivateKey()) throw new Error(`Cannot parse privateKey: ${file} holds no private key`);
    return new KeyFileAgent(key, createPrivateKey(key.getPrivatePEM()));
  }

  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void {
    cb(undefined, [this.key]);
  }

  sign(_pubKey: ParsedKey, data: Buffer, options: SigningRequestOptions | SignCallback, cb?: SignCallback): void {
    const done = (typeof options === 'function' ? options : cb)!;
    const hash = (typeof options === 'object' ? options.hash : undefined) ?? DEFAULT_HASH[this.key.type];
    let signature: Buffer;
    try {
      signature = sign(hash, data, this.signer);
    } catch (err) {
      done(err as Error);
      return;
    }
    done(undefined, signature);
  }
}
