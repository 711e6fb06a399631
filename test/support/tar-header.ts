/**
 * Raw tar archives for tests of hostile bundles that the real `tar` will not write (devices
 * without root, links that point out, names with a typeflag tar never uses, a missing
 * end-of-archive marker). POSIX ustar header layout; the checksum is the sum of the header's
 * bytes with the checksum field read as eight spaces, written as six octal digits, NUL, space.
 */
import { gzipSync } from 'node:zlib';

export interface RawMember {
  /** The name's bytes as stored (a string is written as UTF-8); at most 100 bytes. */
  name: string | Buffer;
  /** The typeflag character: '0' file, '1' hard link, '2' symlink, '3' char device, '4' block device, '5' folder, '6' FIFO … */
  type?: string;
  data?: string | Buffer;
  linkname?: string | Buffer;
  mode?: number;
  /** A header whose checksum is wrong (a corrupt archive). */
  badChecksum?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header. */
export function tarHeader(m: RawMember, size: number): Buffer {
  const h = Buffer.alloc(512);
  const name = Buffer.isBuffer(m.name) ? m.name : Buffer.from(m.name, 'utf8');
  if (name.length > 100) throw new Error(`raw tar name over 100 bytes: ${m.name.toString()}`);
  name.copy(h, 0);
  h.write(octal(m.mode ?? 0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1_700_000_000, 12), 136, 'ascii'); // mtime
  h.write(m.type ?? '0', 156, 'ascii');
  if (m.linkname !== undefined) (Buffer.isBuffer(m.linkname) ? m.linkname : Buffer.from(m.linkname, 'utf8')).copy(h, 157);
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  h.write('        ', 148, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  if (m.badChecksum) sum += 1;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

/** A whole tar: each header, its data padded to 512 bytes, then (unless `end: false`) two zero blocks. */
export function rawTar(members: readonly RawMember[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.data === undefined ? Buffer.alloc(0) : Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data, 'utf8');
    parts.push(tarHeader(m, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  if (opts.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** rawTar, gzipped. */
export function rawTarGz(members: readonly RawMember[], opts: { end?: boolean } = {}): Buffer {
  return gzipSync(rawTar(members, opts));
}
