/** X.509 for the lab's FMC emulator, in pure Node: node:crypto makes and signs P-256 keys but
 * cannot build a certificate, and the openssl CLI is not in CI's package list, so this file
 * encodes the few DER structures a CA and a server certificate need (RFC 5280) and signs them
 * with `crypto.sign`. See docs/fmc.md ("The lab's FMC"). */
import { X509Certificate, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0] * 40 + parts[1]];
  for (const p of parts.slice(2)) {
    const groups: number[] = [];
    for (let v = p; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const s = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(s));
}

const name = (cn: string) => seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));

interface CertInput {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  ca: boolean;
  days: number;
}

function makeCert(c: CertInput): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive, and no leading zero byte (DER is minimal)
  const now = Date.now();
  const exts = c.ca
    ? [extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))), extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x01, 0x06])))] // CA:true; keyCertSign|cRLSign
    : [
        extension('2.5.29.19', true, seq()),
        extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x07, 0x80]))), // digitalSignature
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
        extension('2.5.29.17', false, seq(tlv(0x82, Buffer.from('localhost')), tlv(0x87, Buffer.from([127, 0, 0, 1])))), // DNS, IP
      ];
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    ECDSA_SHA256,
    name(c.issuer),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + c.days * 86400_000))),
    name(c.subject),
    c.publicKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(...exts)),
  );
  const der = seq(tbs, ECDSA_SHA256, tlv(0x03, Buffer.from([0]), sign('sha256', tbs, c.signer)));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** A CA and a server certificate it signed, for 127.0.0.1 and localhost. PEM texts. */
export interface LabTlsMaterial {
  caCert: string;
  cert: string;
  key: string;
}

/** A fresh CA (named `label`) and a server certificate it signed. */
export function generateLabTls(label = 'firebook lab FMC CA'): LabTlsMaterial {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caCert = makeCert({ subject: label, issuer: label, publicKey: ca.publicKey, signer: ca.privateKey, ca: true, days: 30 });
  const cert = makeCert({ subject: 'fmc.lab.invalid', issuer: label, publicKey: server.publicKey, signer: ca.privateKey, ca: false, days: 30 });
  // Self-check: a certificate this file got wrong fails here, not in a TLS handshake.
  if (!new X509Certificate(cert).verify(new X509Certificate(caCert).publicKey)) throw new Error('lab: server certificate does not verify');
  return { caCert, cert, key: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
