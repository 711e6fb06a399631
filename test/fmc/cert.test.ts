/** The lab's FMC certificates (src/lab/fmc-cert.ts): DER that OpenSSL (in Node) parses, every time. */
import { X509Certificate } from 'node:crypto';
import { expect, it } from 'vitest';
import { generateLabTls } from '../../src/lab/fmc-cert.js';

it('200 fresh CA + server certificate pairs all parse and verify (serials, lengths and signatures vary)', () => {
  for (let i = 0; i < 200; i++) {
    const t = generateLabTls();
    const ca = new X509Certificate(t.caCert);
    const cert = new X509Certificate(t.cert);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('fmc.example.net')).toBeUndefined();
  }
});
