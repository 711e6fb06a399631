/**
 * The safe, streaming reader of a troubleshoot bundle (`.tar.gz`), docs/bundles.md "Reading archives".
 *
 * One pass: file → sha256 → gunzip → guard (size and ratio caps) → tar-stream. Only the members
 * `want` accepts are written, each to a private temp folder (0700) under a name WE choose (a
 * counter), never a path made from the member's name; every other member is read and dropped.
 * Memory stays bounded: each stage respects backpressure and no member is held in memory.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants, createReadStream, createWriteStream, rmSync } from 'node:fs';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import tar from 'tar-stream';
import { UserError } from '../model/errors.js';
import { decodeName, showBytes } from './member-name.js';

export interface ArchiveMember {
  name: string;
  size: number;
  /** Its copy in the private temp folder. */
  path: string;
  /** Its modification time as the archive stores it, when it stores one (the bundle's
   * generation time: docs/bundles.md "Provenance in the report"). */
  mtime?: Date;
}

/** A link member: never extracted (docs/bundles.md "Links"). `target` is its linkname as stored. */
export interface ArchiveLink {
  type: 'symlink' | 'hardlink';
  target: string;
}

export interface OpenedArchive {
  /** The .tar.gz as given: its path, sha256 (hex) and size in bytes. */
  file: string;
  sha256: string;
  bytes: number;
  /** Every regular member's name as stored (leading "./" dropped). */
  names: ReadonlySet<string>;
  /** The wanted regular members, extracted. */
  members: ReadonlyMap<string, ArchiveMember>;
  /** Every symlink and hard link (name → target), none of them extracted. */
  links: ReadonlyMap<string, ArchiveLink>;
  /** The private temp folder (mode 0700). */
  dir: string;
  /** Removes `dir`. */
  dispose(): Promise<void>;
}

/** Caps against hostile archives; defaults in DEFAULT_LIMITS (docs/bundles.md "Limits"). */
export interface ArchiveLimits {
  /** Uncompressed bytes of the whole tar stream. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed bytes read so far … */
  maxRatio: number;
  /** … checked once this many uncompressed bytes were read. */
  ratioAfterBytes: number;
  /** Members of every type (files, folders, links). */
  maxMembers: number;
  /** Bytes of all member names together (the names are kept in memory). */
  maxNameBytes: number;
  /** Bytes of the wanted members together (written to the temp folder), from their declared sizes. */
  maxKeptBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: Readonly<ArchiveLimits> = Object.freeze({
  maxTotalBytes: 64 * GiB,
  maxRatio: 400,
  ratioAfterBytes: 16 * MiB,
  maxMembers: 200_000,
  maxNameBytes: 64 * MiB,
  maxKeptBytes: 8 * GiB,
});

/** A bundle that cannot be read safely: one line `<file>: …` plus a hint; exit 4 like every UserError. */
export class BundleError extends UserError {
  readonly file: string;
  constructor(file: string, message: string, hint?: string) {
    super({ code: 'bundle', message: `${file}: ${message}`, hint });
    this.name = 'BundleError';
    this.file = file;
  }
}

const HOSTILE_HINT = 'a troubleshoot bundle never holds such a member: do not unpack this file with other tools; generate the bundle again on the device';
const DAMAGED_HINT = 'the file is damaged or incomplete: copy it again (compare its sha256 with the original) or generate the bundle again on the device';

/** Reads `file`, keeping the members `want` accepts; see the file comment. Throws BundleError. */
export async function readArchive(file: string, want: (name: string) => boolean, limits: Partial<ArchiveLimits> = {}): Promise<OpenedArchive> {
  const lim: ArchiveLimits = { ...DEFAULT_LIMITS, ...definedOnly(limits) };
  // O_NONBLOCK: opening a FIFO given as the bundle must not wait for a writer; it is refused below.
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch((err: NodeJS.ErrnoException) => {
    throw new BundleError(file, `cannot read the bundle: ${err.code ?? err.message}`, 'check the path and its permissions');
  });
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new BundleError(file, 'is not a regular file', 'give the path of the .tar.gz bundle');
  }
  const dir = await mkdtemp(join(tmpdir(), 'firebook-bundle-'));
  await chmod(dir, 0o700);
  liveDirs.add(dir);
  const reader = new Reader(file, dir, want, lim);
  try {
    await reader.run(createReadStream('', { fd: handle, highWaterMark: 1 * MiB }));
  } catch (err) {
    await reader.settled();
    await removeDir(dir);
    throw reader.explain(err);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return {
    file,
    sha256: reader.sha256,
    bytes: reader.compressed,
    names: reader.names,
    members: reader.members,
    links: reader.links,
    dir,
    dispose: () => removeDir(dir),
  };
}

/**
 * Temp folders not yet disposed: removed when the process exits, normally or through
 * process.exit (`firebook run` ends one of these ways after Ctrl-C), docs/bundles.md "Reading archives".
 */
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
});

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

function definedOnly(limits: Partial<ArchiveLimits>): Partial<ArchiveLimits> {
  return Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
}

/** tar-stream's header, as far as we read it. */
type Header = Omit<tar.Header, 'type' | 'pax' | 'linkname'> & {
  /** null: a typeflag tar-stream does not know. */
  type: tar.Header['type'] | null;
  linkname: string | null;
  pax?: Record<string, string> | null;
};

class Reader {
  readonly names = new Set<string>();
  readonly members = new Map<string, ArchiveMember>();
  readonly links = new Map<string, ArchiveLink>();
  sha256 = '';
  compressed = 0;
  private readonly seen = new Set<string>();
  private count = 0;
  private nameBytes = 0;
  private uncompressed = 0;
  private kept = 0;
  /** The last 1024 bytes of the tar stream: the end-of-archive marker is two zero blocks. */
  private tail: Buffer = Buffer.alloc(0);
  private current: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly dir: string,
    private readonly want: (name: string) => boolean,
    private readonly limits: ArchiveLimits,
  ) {}

  async run(source: Readable): Promise<void> {
    // Listeners, not stream stages: each extra Transform in the chain cost a third more time in bench/bundle-read.ts.
    const hash = createHash('sha256');
    source.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      this.compressed += chunk.length;
    });
    const gunzip = createGunzip({ chunkSize: 64 * 1024 });
    gunzip.on('data', (chunk: Buffer) => {
      const err = this.guard(chunk, gunzip);
      if (err) gunzip.destroy(err);
    });
    // latin1 keeps the name's bytes as they are, so that names that are not UTF-8 are seen (decodeName).
    const extract = tar.extract({ filenameEncoding: 'latin1' } as Parameters<typeof tar.extract>[0]);
    extract.on('entry', (header, stream, next) => {
      // The entry is a streamx Readable; Node's pipeline and our drain use only what both share.
      this.current = this.entry(header as unknown as Header, stream as unknown as Readable).then(
        () => next(),
        (err: Error) => next(err),
      );
    });
    await pipeline(source, gunzip, extract as unknown as NodeJS.WritableStream);
    await this.current;
    this.sha256 = hash.digest('hex');
    if (this.uncompressed < 1024 || this.tail.some((b) => b !== 0)) {
      throw new BundleError(this.file, 'is truncated: the tar archive ends without its end-of-archive marker', DAMAGED_HINT);
    }
  }

  /** Waits for the member being written, whatever its outcome (before the temp folder is removed). */
  async settled(): Promise<void> {
    await this.current.catch(() => undefined);
  }

  /** The size and ratio caps, on each uncompressed chunk; returns the error that stops the read. */
  private guard(chunk: Buffer, gunzip: Gunzip): BundleError | null {
    this.uncompressed += chunk.length;
    const { maxTotalBytes, maxRatio, ratioAfterBytes } = this.limits;
    if (this.uncompressed > maxTotalBytes) {
      return new BundleError(this.file, `uncompresses to more than ${formatBytes(maxTotalBytes)} (the total-size cap): a gzip bomb or not a troubleshoot bundle`, 'if the bundle is genuine, raise the cap (maxTotalBytes, docs/bundles.md "Limits")');
    }
    if (this.uncompressed > ratioAfterBytes && this.uncompressed > maxRatio * gunzip.bytesWritten) {
      return new BundleError(this.file, `uncompresses more than ${maxRatio} times its compressed size (${formatBytes(this.uncompressed)} from ${formatBytes(gunzip.bytesWritten)}): a gzip bomb`, 'if the bundle is genuine, raise the ratio cap (maxRatio, docs/bundles.md "Limits")');
    }
    this.tail = chunk.length >= 1024 ? chunk.subarray(chunk.length - 1024) : Buffer.concat([this.tail, chunk]).subarray(-1024);
    return null;
  }

  private async entry(header: Header, stream: Readable): Promise<void> {
    if (++this.count > this.limits.maxMembers) {
      throw new BundleError(this.file, `has more than ${this.limits.maxMembers} members (the member cap)`, 'if the bundle is genuine, raise the cap (maxMembers, docs/bundles.md "Limits")');
    }
    const name = this.memberName(header);
    const fail = (what: string, hint = HOSTILE_HINT) => new BundleError(this.file, `member ${JSON.stringify(name)}: ${what}`, hint);
    this.nameBytes += Buffer.byteLength(name);
    if (this.nameBytes > this.limits.maxNameBytes) {
      throw new BundleError(this.file, `member names add up to more than ${formatBytes(this.limits.maxNameBytes)} (the name cap)`, 'if the bundle is genuine, raise the cap (maxNameBytes, docs/bundles.md "Limits")');
    }
    if (name.startsWith('/')) throw fail('has an absolute name');
    if (name.split('/').includes('..')) throw fail('has a name that leaves the archive (a ".." component)');
    // The same path however spelt: "a/b", "a//b", "a/./b", "a/b/".
    const key = name
      .split('/')
      .filter((c) => c !== '' && c !== '.')
      .join('/');
    if (key === '' && header.type === 'directory') return drain(stream); // "./" or ".": the root itself
    if (key === '') throw fail('has an empty name');
    if (this.seen.has(key)) throw fail('appears twice in the archive');
    this.seen.add(key);
    switch (header.type) {
      case 'file':
      case 'contiguous-file': {
        if (header.pax && Object.keys(header.pax).some((k) => k.startsWith('GNU.sparse'))) throw fail('is a sparse file, which firebook does not read', 'generate the bundle again without sparse files');
        this.names.add(name);
        if (!this.want(name)) return drain(stream);
        const size = header.size ?? 0;
        this.kept += size;
        if (this.kept > this.limits.maxKeptBytes) {
          throw fail(`is ${formatBytes(size)}: the wanted members would take more than ${formatBytes(this.limits.maxKeptBytes)} in the temp folder (the kept-size cap)`, 'if the bundle is genuine, raise the cap (maxKeptBytes, docs/bundles.md "Limits")');
        }
        const path = join(this.dir, String(this.members.size + 1));
        // 'wx': the name is ours and new; the folder is ours (0700).
        await pipeline(stream, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
        this.members.set(name, { name, size, path, ...(header.mtime ? { mtime: header.mtime } : {}) });
        return;
      }
      case 'directory':
        return drain(stream);
      case 'symlink':
      case 'link': {
        const target = this.linkTarget(header, name);
        const symlink = header.type === 'symlink';
        if (target === '') throw fail('is a link with an empty target');
        if (target.startsWith('/')) throw fail(`is a ${symlink ? 'symbolic' : 'hard'} link to an absolute path (${JSON.stringify(target)})`);
        // A symlink's target is relative to its folder; a hard link's to the archive's root.
        const resolved = posix.normalize(symlink ? posix.join(posix.dirname(key), target) : target);
        if (resolved === '..' || resolved.startsWith('../')) throw fail(`is a ${symlink ? 'symbolic' : 'hard'} link that points outside the archive (${JSON.stringify(target)})`);
        this.links.set(name, { type: symlink ? 'symlink' : 'hardlink', target });
        return drain(stream);
      }
      case 'character-device':
      case 'block-device':
      case 'fifo':
        throw fail(`is a ${header.type === 'fifo' ? 'FIFO' : header.type.replace('-', ' ')}; a bundle holds only files, folders and links`);
      default:
        throw fail('has a type firebook does not read (not a file, folder or link)');
    }
  }

  /** The member's name, checked to be UTF-8, with any leading "./" dropped. */
  private memberName(header: Header): string {
    const name = decodeName(header.name, header.pax?.path !== undefined);
    if (name === undefined) {
      throw new BundleError(this.file, `member "${showBytes(header.name)}": has a name that is not valid UTF-8`, HOSTILE_HINT);
    }
    return name.replace(/^(\.\/+)+/, '');
  }

  private linkTarget(header: Header, name: string): string {
    const target = decodeName(header.linkname ?? '', header.pax?.linkpath !== undefined);
    if (target === undefined) throw new BundleError(this.file, `member ${JSON.stringify(name)}: is a link whose target is not valid UTF-8`, HOSTILE_HINT);
    return target;
  }

  /** Turns a failure of the stream into one clear BundleError (or rethrows a bug). */
  explain(err: unknown): unknown {
    if (err instanceof UserError) return err;
    const e = err as NodeJS.ErrnoException;
    const message = String(e?.message ?? err);
    if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
      return new BundleError(this.file, 'is truncated: the gzip stream ends early', DAMAGED_HINT);
    }
    if (typeof e?.code === 'string' && e.code.startsWith('Z_')) {
      return new BundleError(this.file, `is not a valid gzip file (zlib: ${message})`, DAMAGED_HINT);
    }
    if (/Unexpected end of data/.test(message)) {
      return new BundleError(this.file, 'is truncated: the tar archive ends inside a member', DAMAGED_HINT);
    }
    if (/Invalid tar header|Header exceeds max size|Invalid header/.test(message)) {
      return new BundleError(this.file, `is not a valid tar archive: a corrupt header after ${this.count} good member${this.count === 1 ? '' : 's'} (${message})`, DAMAGED_HINT);
    }
    if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
      return new BundleError(this.file, `cannot be read into the temp folder: ${e.code} (${message})`, 'check the free space and permissions of the temp folder (TMPDIR)');
    }
    return err;
  }
}

/** Reads a member we do not keep to its end, holding nothing. */
function drain(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('error', reject);
    stream.on('close', () => reject(new Error('Unexpected end of data')));
    stream.resume();
  });
}

function formatBytes(n: number): string {
  if (n >= GiB) return `${+(n / GiB).toFixed(1)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
