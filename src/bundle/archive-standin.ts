// THROWAWAY STAND-IN (bundle-host) for bundle-archive's src/bundle/archive.ts (same API, common brief); deleted once that reader is merged.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';

export interface ArchiveMember { name: string; size: number; path: string }
export interface ArchiveLimits { maxTotal: number }
export interface OpenedArchive {
  file: string; sha256: string; bytes: number;
  names: ReadonlySet<string>;
  members: ReadonlyMap<string, ArchiveMember>;
  dir: string;
  dispose(): Promise<void>;
}
export class BundleError extends Error {
  constructor(readonly file: string, message: string) { super(`${file}: ${message}`); }
}
export async function readArchive(file: string, want: (name: string) => boolean, _limits?: Partial<ArchiveLimits>): Promise<OpenedArchive> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-bundle-'));
  const names = new Set<string>();
  const members = new Map<string, ArchiveMember>();
  const hash = createHash('sha256');
  let n = 0;
  try {
    const st = await stat(file);
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.\//, '');
      if (name.split('/').includes('..') || name.startsWith('/')) { stream.resume(); next(new Error(`member ${name} points outside`)); return; }
      if (header.type !== 'file') { stream.resume(); stream.on('end', next); return; }
      names.add(name);
      if (!want(name)) { stream.resume(); stream.on('end', next); return; }
      const path = join(dir, String(n++));
      members.set(name, { name, size: header.size ?? 0, path });
      stream.pipe(createWriteStream(path)).on('finish', () => next()).on('error', next);
    });
    const input = createReadStream(file);
    input.on('data', (d) => hash.update(d));
    await pipeline(input, createGunzip(), extract);
    return { file, sha256: hash.digest('hex'), bytes: st.size, names, members, dir, dispose: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new BundleError(file, (err as Error).message);
  }
}
