/**
 * readArchive on damaged bundles: seeded property-based fuzzing of real GNU tar archives (gnu
 * and pax formats, long names, a symlink). Whatever the bytes — headers flipped, blocks dropped
 * or repeated, the file cut, the gzip bytes themselves flipped — the answer is an archive or ONE
 * BundleError (exit 4), never another error, a hang or a file outside the temp folder, and the
 * temp folder is gone after a refusal. `FUZZ_SEED=n FUZZ_RUNS=x10` explores further by hand.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BundleError, readArchive } from '../../src/bundle/archive.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const SCALE = Number(process.env.FUZZ_RUNS?.replace(/^x/, '') ?? 1);
const savedTmp = process.env.TMPDIR;
let base: string;
let temp: string;
const corpus: Buffer[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'firebook-archive-fuzz-'));
  temp = join(base, 'tmp');
  mkdirSync(temp);
  process.env.TMPDIR = temp;
  const src = join(base, 'src');
  const long = 'l'.repeat(110);
  mkdirSync(join(src, 'results', long, 'var-log'), { recursive: true });
  writeFileSync(join(src, 'results', long, 'var-log', `messages-${long}`), 'Dec  7 18:00:01 firepower [ERROR] x\n'.repeat(40));
  writeFileSync(join(src, 'results', 'show managers.output'), 'Host : fmc\n');
  symlinkSync('show managers.output', join(src, 'results', 'link'));
  for (const format of ['gnu', 'pax']) corpus.push(execFileSync('tar', ['cf', '-', `--format=${format}`, 'results'], { cwd: src, maxBuffer: 1 << 24 }));
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(base, { recursive: true, force: true });
});

type Damage = { kind: 'flip' | 'header-flip' | 'cut' | 'drop-block' | 'dup-block' | 'gzip-flip'; at: number; value: number };
const damage = fc.record({
  kind: fc.constantFrom<Damage['kind']>('flip', 'header-flip', 'cut', 'drop-block', 'dup-block', 'gzip-flip'),
  at: fc.nat(),
  value: fc.integer({ min: 1, max: 255 }),
});

/** The damaged .tar.gz bytes. */
function damaged(tar: Buffer, list: Damage[]): Buffer {
  let t = Buffer.from(tar);
  const gzipFlips: Damage[] = [];
  for (const d of list) {
    const blocks = t.length / 512;
    const at = d.at % Math.max(1, t.length);
    const block = Math.floor(at / 512);
    switch (d.kind) {
      case 'flip':
        t[at] ^= d.value;
        break;
      case 'header-flip': // inside the first 512 bytes of a block, where the header fields are
        t[(d.at % Math.max(1, blocks)) * 512 + (d.value % 345)] ^= d.value;
        break;
      case 'cut':
        t = t.subarray(0, at);
        break;
      case 'drop-block':
        t = Buffer.concat([t.subarray(0, block * 512), t.subarray((block + 1) * 512)]);
        break;
      case 'dup-block':
        t = Buffer.concat([t.subarray(0, (block + 1) * 512), t.subarray(block * 512)]);
        break;
      case 'gzip-flip':
        gzipFlips.push(d);
        break;
    }
  }
  const gz = gzipSync(t);
  for (const d of gzipFlips) gz[d.at % gz.length] ^= d.value;
  return gz;
}

describe('readArchive on damaged archives (fuzz)', () => {
  it('answers an archive or one BundleError, never anything else; nothing left behind', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0, 1), fc.array(damage, { minLength: 1, maxLength: 3 }), async (which, list) => {
        const file = join(base, `f${n++}.tgz`);
        writeFileSync(file, damaged(corpus[which], list));
        const result = await readArchive(file, () => true).then(
          (a) => a,
          (e: unknown) => e,
        );
        if (result instanceof Error) {
          expect(result, String(result.stack)).toBeInstanceOf(BundleError);
          expect((result as BundleError).issues).toHaveLength(1);
          expect(readdirSync(temp)).toEqual([]);
        } else {
          for (const m of result.members.values()) {
            expect(m.path.startsWith(result.dir + '/')).toBe(true);
            expect(readFileSync(m.path).length).toBe(m.size);
          }
          await result.dispose();
        }
        expect(readdirSync(temp)).toEqual([]);
        expect(readdirSync(base).filter((f) => !f.endsWith('.tgz')).sort()).toEqual(['src', 'tmp']);
        rmSync(file);
      }),
      // A hang is a failure with its counterexample, not a test timeout.
      { seed: SEED, numRuns: 150 * SCALE, timeout: 10_000 },
    );
  }, 60_000 * SCALE);
});
