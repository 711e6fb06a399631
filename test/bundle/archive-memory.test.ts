/**
 * readArchive's memory is bounded whatever the member's size (docs/bundles.md "Reading
 * archives"): a 240 MiB member, kept, is read by a child process (dist/) whose peak RSS stays
 * under 200 MiB, the budget — a reader that held the member in memory would pass it.
 * Peak RSS, not time: robust on a busy machine. The speed is measured by bench/bundle-read.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';
import { tarHeader } from '../support/tar-header.js';

const dir = mkdtempSync(join(tmpdir(), 'firebook-archive-memory-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;

/** A tar of one member of `mib` MiB (varied text, compresses about 3:1), streamed. */
function* bigTar(mib: number): Generator<Buffer> {
  yield tarHeader({ name: 'results/dir-archives/var-log/messages' }, mib * MiB);
  const blocks = Array.from({ length: 8 }, () => Buffer.from(randomBytes(MiB / 2).toString('hex')));
  for (let i = 0; i < mib; i++) yield blocks[(i * 5) % blocks.length];
  yield Buffer.alloc(1024);
}

describe('readArchive memory', () => {
  it('a 240 MiB member is copied with a peak RSS under 200 MiB (child process)', async () => {
    const file = join(dir, 'big.tgz');
    await pipeline(Readable.from(bigTar(240)), createGzip({ level: 1 }), createWriteStream(file));
    const script = `const m = await import(${JSON.stringify(join(ROOT, 'dist/src/bundle/archive.js'))});
      const a = await m.readArchive(process.argv[1], () => true);
      const size = [...a.members.values()][0].size;
      await a.dispose();
      console.log(JSON.stringify({ size, rss: process.resourceUsage().maxRSS * 1024 }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, file], { encoding: 'utf8', env: { ...process.env, TMPDIR: dir } })) as { size: number; rss: number };
    expect(out.size).toBe(240 * MiB);
    expect(out.rss, `peak RSS ${(out.rss / MiB).toFixed(1)} MiB`).toBeLessThan(200 * MiB);
  }, 120_000);
});
