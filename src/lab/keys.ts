/** Ed25519 keys for the lab: host keys, the client key (plain + encrypted copy), known_hosts lines.
 * Plain keys are encoded here from node:crypto because ssh2's generator drops leading zero bytes
 * of ed25519 keys (about 1 in 128 keys then fails to parse: "Malformed OpenSSH private key"). */
import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';
import { LAB_KEY_PASSPHRASE } from './types.js';

/** An ed25519 key pair in OpenSSH formats. */
export interface SshKeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` text, unencrypted. */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment`. */
  publicLine: string;
  /** The SSH wire blob of the public key (for publickey auth comparison). */
  publicBlob: Buffer;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function wrap64(b64: string): string {
  return b64.replace(/(.{70})/g, '$1\n').replace(/\n$/, '');
}

/** Encodes an ed25519 private KeyObject as an unencrypted OpenSSH key. */
function encodeOpenSsh(key: KeyObject, comment: string): SshKeyPair {
  const jwk = key.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(1);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), count, sshString(publicBlob), sshString(priv)]);
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap64(body.toString('base64'))}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicLine: `ssh-ed25519 ${publicBlob.toString('base64')}${comment ? ` ${comment}` : ''}`,
    publicBlob,
  };
}

/** A fresh ed25519 key pair (fast: ~50 µs). */
export function generateEd25519(comment = ''): SshKeyPair {
  return encodeOpenSsh(generateKeyPairSync('ed25519').privateKey, comment);
}

/** The client key: a plain OpenSSH key and the same key encrypted with LAB_KEY_PASSPHRASE. */
export function generateClientKey(): SshKeyPair & { encryptedPrivateKey: string } {
  for (;;) {
    const enc = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: LAB_KEY_PASSPHRASE, cipher: 'aes256-ctr', rounds: 8, comment: 'firebook-lab' });
    const parsed = ssh2.utils.parseKey(enc.private, LAB_KEY_PASSPHRASE);
    if (parsed instanceof Error) continue; // the leading-zero bug above: draw another key
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    const plain = encodeOpenSsh(createPrivateKey(key.getPrivatePEM()), 'firebook-lab');
    return { ...plain, encryptedPrivateKey: enc.private };
  }
}

/** One known_hosts line for a host on a non-standard port. */
export function knownHostsLine(port: number, publicLine: string): string {
  const [type, b64] = publicLine.split(' ');
  return `[127.0.0.1]:${port} ${type} ${b64}`;
}
