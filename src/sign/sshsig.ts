/**
 * OpenSSH signatures (SSHSIG, docs/change-window.md "Signature format") made and checked with
 * node:crypto: the same bytes `ssh-keygen -Y sign` writes and `ssh-keygen -Y verify` accepts.
 * Keys: ssh-ed25519, ssh-rsa (signed rsa-sha2-512), ecdsa-sha2-nistp256/384/521.
 * Private keys are read with ssh2's key parser (OpenSSH and PEM formats, with a passphrase).
 */
import { createHash, createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { UserError } from '../model/errors.js';

/** ssh2's key parser, loaded when a key is (a few MiB of heap that `report merge` and `verify`,
 * which import this file, would otherwise pay without a key; docs/scale.md). */
const ssh2Utils = (): typeof import('ssh2').utils => (createRequire(import.meta.url)('ssh2') as typeof import('ssh2')).utils;

const MAGIC = Buffer.from('SSHSIG');
const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
/** The hash SSHSIG applies to the message before signing (ssh-keygen's default). */
const HASH = 'sha512';

/** Namespaces: a plan's approval, the seal at a journal's end, and a run folder's SHA256SUMS
 * (docs/history.md "Signed evidence"). */
export const PLAN_NAMESPACE = 'firebook-plan';
export const JOURNAL_NAMESPACE = 'firebook-journal';
export const EVIDENCE_NAMESPACE = 'firebook';

const str = (b: Buffer | string): Buffer => {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
};

/** Reads SSH wire strings one after another; throws on a short buffer. */
class Reader {
  private off = 0;
  constructor(private readonly buf: Buffer) {}
  bytes(n: number): Buffer {
    if (this.off + n > this.buf.length) throw new Error('truncated');
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }
  u32(): number {
    return this.bytes(4).readUInt32BE(0);
  }
  string(): Buffer {
    return this.bytes(this.u32());
  }
  text(): string {
    return this.string().toString('latin1');
  }
  get done(): boolean {
    return this.off === this.buf.length;
  }
}

/** An SSH mpint as unsigned big-endian bytes (leading zeros dropped). */
const unsigned = (b: Buffer): Buffer => {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
};
const mpint = (b: Buffer): Buffer => {
  const u = unsigned(b);
  return str(u[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), u]) : u);
};

const CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  nistp256: { crv: 'P-256', hash: 'sha256', size: 32 },
  nistp384: { crv: 'P-384', hash: 'sha384', size: 48 },
  nistp521: { crv: 'P-521', hash: 'sha512', size: 66 },
};

/** A public key in SSH wire form (`ssh-ed25519 AAAA…` decoded). */
export interface SshPublicKey {
  type: string;
  blob: Buffer;
  key: KeyObject;
  /** `SHA256:…`, as ssh-keygen prints it. */
  fingerprint: string;
}

export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Parses a public key blob; throws Error with a reason for an unsupported or broken one. */
export function parsePublicKey(blob: Buffer): SshPublicKey {
  const r = new Reader(blob);
  const type = r.text();
  const b64u = (b: Buffer) => unsigned(b).toString('base64url');
  let key: KeyObject;
  if (type === 'ssh-ed25519') {
    const pk = r.string();
    if (pk.length !== 32) throw new Error('bad ed25519 key');
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pk.toString('base64url') }, format: 'jwk' });
  } else if (type === 'ssh-rsa') {
    const e = r.string();
    const n = r.string();
    key = createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
  } else if (type.startsWith('ecdsa-sha2-')) {
    const curve = CURVES[r.text()];
    const q = r.string();
    if (!curve || q[0] !== 4 || q.length !== 1 + 2 * curve.size) throw new Error('unsupported ECDSA key');
    key = createPublicKey({ key: { kty: 'EC', crv: curve.crv, x: q.subarray(1, 1 + curve.size).toString('base64url'), y: q.subarray(1 + curve.size).toString('base64url') }, format: 'jwk' });
  } else {
    throw new Error(`key type ${type} is not supported (ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256/384/521 are)`);
  }
  if (!r.done) throw new Error('trailing bytes after the key');
  return { type, blob, key, fingerprint: fingerprintOf(blob) };
}

/** What SSHSIG signs: the magic, namespace, reserved, hash name and the message's hash. */
function signedData(namespace: string, message: Buffer): Buffer {
  return Buffer.concat([MAGIC, str(namespace), str(''), str(HASH), str(createHash(HASH).update(message).digest())]);
}

/** A parsed SSHSIG: who signed (the public key), for what namespace, and the raw signature. */
export interface SshSignature {
  publicKey: SshPublicKey;
  namespace: string;
  hashAlg: string;
  sigType: string;
  sig: Buffer;
}

/** The armored text → the signature; throws Error with a reason. */
export function parseSignature(armored: string): SshSignature {
  const text = armored.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) throw new Error(`not an SSH signature (${BEGIN} … ${END})`);
  const b64 = text.slice(BEGIN.length, -END.length).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new Error('the signature is not base64');
  const r = new Reader(Buffer.from(b64, 'base64'));
  if (!r.bytes(6).equals(MAGIC)) throw new Error('not an SSHSIG blob');
  const version = r.u32();
  if (version !== 1) throw new Error(`SSHSIG version ${version} is not supported`);
  const publicKey = parsePublicKey(r.string());
  const namespace = r.text();
  r.string(); // reserved
  const hashAlg = r.text();
  const s = new Reader(r.string());
  const sigType = s.text();
  const sig = s.string();
  if (!r.done || !s.done) throw new Error('trailing bytes in the signature');
  return { publicKey, namespace, hashAlg, sigType, sig };
}

/** True when `signature` is a valid signature of `message` in `namespace` by its own key. */
export function verifySignature(signature: SshSignature, namespace: string, message: Buffer): boolean {
  const { publicKey: pk, sigType, sig } = signature;
  if (signature.namespace !== namespace || (signature.hashAlg !== 'sha512' && signature.hashAlg !== 'sha256')) return false;
  const data = Buffer.concat([MAGIC, str(namespace), str(''), str(signature.hashAlg), str(createHash(signature.hashAlg).update(message).digest())]);
  try {
    if (pk.type === 'ssh-ed25519') return sigType === 'ssh-ed25519' && cryptoVerify(null, data, pk.key, sig);
    if (pk.type === 'ssh-rsa') {
      // SSHSIG forbids SHA-1 RSA signatures (ssh-rsa).
      const hash = sigType === 'rsa-sha2-512' ? 'sha512' : sigType === 'rsa-sha2-256' ? 'sha256' : undefined;
      return !!hash && cryptoVerify(hash, data, pk.key, sig);
    }
    const curve = CURVES[pk.type.slice('ecdsa-sha2-'.length)];
    if (!curve || sigType !== pk.type) return false;
    const rs = new Reader(sig);
    const pad = (b: Buffer) => {
      const u = unsigned(b);
      return u.length > curve.size ? undefined : Buffer.concat([Buffer.alloc(curve.size - u.length), u]);
    };
    const rr = pad(rs.string());
    const ss = pad(rs.string());
    if (!rr || !ss || !rs.done) return false;
    return cryptoVerify(curve.hash, data, { key: pk.key, dsaEncoding: 'ieee-p1363' }, Buffer.concat([rr, ss]));
  } catch {
    return false;
  }
}

/** A private key loaded for signing. */
export interface SigningKey {
  publicKey: SshPublicKey;
  sign(namespace: string, message: Buffer): string;
}

/** Wraps the blob in the armor ssh-keygen writes (base64 in lines of 70). */
function armor(blob: Buffer): string {
  const b64 = blob.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 70) lines.push(b64.slice(i, i + 70));
  return `${BEGIN}\n${lines.join('\n')}\n${END}\n`;
}

/** Where the passphrase of a key flag comes from: `--key` → `--key-passphrase-file` and
 * FIREBOOK_KEY_PASSPHRASE; `--sign-key` → `--sign-key-passphrase-file` and FIREBOOK_SIGN_KEY_PASSPHRASE. */
export function passphraseSources(flag: string): { fileFlag: string; envVar: string } {
  return { fileFlag: `${flag}-passphrase-file`, envVar: `FIREBOOK_${flag.replace(/^-+/, '').replace(/-/g, '_').toUpperCase()}_PASSPHRASE` };
}

/**
 * Reads a private key (OpenSSH or PEM; `passphrase` for an encrypted one). Errors are
 * UserErrors naming `flag`, never the passphrase.
 */
export function loadSigningKey(path: string, passphrase: string | undefined, flag = '--key'): SigningKey {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new UserError({ code: 'file-not-found', message: `${flag} ${path}: ${(err as Error).message}`, hint: 'name a private key, e.g. ~/.ssh/id_ed25519' });
  }
  const parsed = ssh2Utils().parseKey(data, passphrase);
  const fail = (why: string, hint: string) => new UserError({ code: 'cli-usage', message: `${flag} ${path}: ${why}`, hint });
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw fail(encrypted ? (passphrase === undefined ? 'the key is encrypted' : 'wrong passphrase') : `not a private key this tool reads (${parsed.message})`, encrypted ? `give the passphrase with ${passphraseSources(flag).fileFlag} FILE or the environment variable ${passphraseSources(flag).envVar}` : 'use an OpenSSH or PEM private key (ed25519, RSA or ECDSA)');
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw fail('holds no private key', 'name the private key file, not the .pub');
  let publicKey: SshPublicKey;
  try {
    publicKey = parsePublicKey(key.getPublicSSH());
  } catch (err) {
    throw fail((err as Error).message, 'use an ed25519, RSA or ECDSA key');
  }
  const pem = key.getPrivatePEM();
  return {
    publicKey,
    sign(namespace, message) {
      const data = signedData(namespace, message);
      let sigType = publicKey.type;
      let sig: Buffer;
      if (publicKey.type === 'ssh-ed25519') sig = cryptoSign(null, data, pem);
      else if (publicKey.type === 'ssh-rsa') {
        sigType = 'rsa-sha2-512';
        sig = cryptoSign('sha512', data, pem);
      } else {
        const curve = CURVES[publicKey.type.slice('ecdsa-sha2-'.length)]!;
        const raw = cryptoSign(curve.hash, data, { key: pem, dsaEncoding: 'ieee-p1363' });
        sig = Buffer.concat([mpint(raw.subarray(0, curve.size)), mpint(raw.subarray(curve.size))]);
      }
      const blob = Buffer.concat([MAGIC, Buffer.from([0, 0, 0, 1]), str(publicKey.blob), str(namespace), str(''), str(HASH), str(Buffer.concat([str(sigType), str(sig)]))]);
      return armor(blob);
    },
  };
}

/** The passphrase of `flag` (`--key`): from its `--key-passphrase-file` or FIREBOOK_KEY_PASSPHRASE
 * (passphraseSources; never a flag value). */
export function keyPassphrase(file: string | undefined, env: NodeJS.ProcessEnv, flag = '--key'): string | undefined {
  const { fileFlag, envVar } = passphraseSources(flag);
  if (file !== undefined) {
    try {
      return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new UserError({ code: 'file-not-found', message: `${fileFlag} ${file}: ${(err as Error).message}` });
    }
  }
  return env[envVar];
}
