/** The known_hosts index gives the same answers as scanning every line, and is read once per
 * file while the file is unchanged. */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KnownHostsIndex,
  appendKnownHost,
  buildHashedHostField,
  entryMatchesHost,
  loadKnownHostsIndex,
  parseKnownHosts,
} from '../../src/transport/known-hosts.js';

const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIK1'; // stand-ins: only equality matters here
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAIK2';
const FILE = [
  `fw1,10.0.0.1 ssh-ed25519 ${K1}`,
  `[fw2]:2222 ssh-ed25519 ${K2}`,
  `*.lab,!bad.lab ssh-rsa ${K1}`,
  `${buildHashedHostField('fw3')} ssh-ed25519 ${K1}`,
  `${buildHashedHostField('[fw4]:830')} ecdsa-sha2-nistp256 ${K2}`,
  `FW5 ssh-ed25519 ${K2}`,
  `fw1 ssh-rsa ${K2}`,
  `@revoked * ssh-ed25519 AAAArevoked`,
  `@cert-authority *.corp ssh-ed25519 ${K1}`,
].join('\n');

describe('KnownHostsIndex', () => {
  const entries = parseKnownHosts(FILE);
  const index = new KnownHostsIndex(entries);
  const targets: Array<[string, number]> = [
    ['fw1', 22], ['10.0.0.1', 22], ['fw2', 2222], ['fw2', 22], ['a.lab', 22], ['bad.lab', 22], ['fw3', 22], ['fw3', 2222],
    ['fw4', 830], ['fw5', 22], ['FW1', 22], ['x.corp', 22], ['unknown', 22],
  ];
  it.each(targets)('%s:%i matches the same lines as a full scan', (host, port) => {
    const linear = entries.filter((e) => e.marker === undefined && entryMatchesHost(e, host, port)).map((e) => e.line);
    expect(index.forHost(host, port).map((e) => e.line)).toEqual(linear);
  });

  it('finds revoked keys by key', () => {
    expect(index.revokedLine('AAAArevoked')?.line).toBe(8);
    expect(index.revokedLine(K1)).toBeUndefined();
  });

  it('reads a file once while it is unchanged, again when it changes, and keeps our own appends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-kh-'));
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `fw1 ssh-ed25519 ${K1}\n`);
    const first = loadKnownHostsIndex(file);
    expect(loadKnownHostsIndex(file)).toBe(first); // same object: not re-read
    appendKnownHost(file, 'fw9', 2222, 'ssh-ed25519', K2); // accept-new
    expect(loadKnownHostsIndex(file)).toBe(first); // our append extended the index in place
    expect(first.forHost('fw9', 2222).map((e) => [e.line, e.keyBase64])).toEqual([[2, K2]]);
    appendFileSync(file, `fw8 ssh-ed25519 ${K1}\n`); // someone else edits the file
    const reread = loadKnownHostsIndex(file);
    expect(reread).not.toBe(first);
    expect(reread.forHost('fw8', 22).map((e) => e.line)).toEqual([3]);
  });
});
