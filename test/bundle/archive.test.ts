/**
 * readArchive (src/bundle/archive.ts, docs/bundles.md "Reading archives"): real archives made by
 * GNU tar in gnu and pax formats, and each hostile archive of issue 22, built here with the real
 * `tar` where it can write it and with raw headers (test/support/tar-header.ts) where it cannot.
 * Every refusal asserts the one error line, that the temp folder is gone and that nothing was
 * written outside it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BundleError, readArchive, type ArchiveLimits } from '../../src/bundle/archive.js';
import { formatIssue, UserError } from '../../src/model/errors.js';
import { rawTar, rawTarGz, type RawMember } from '../support/tar-header.js';
import { ROOT } from '../cli/helpers.js';

let base: string;
/** TMPDIR for readArchive: empty again after every refusal. */
let temp: string;
/** Where archives are built; a `../escape` of a member would land next to the temp folders. */
let work: string;
const savedTmp = process.env.TMPDIR;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'firebook-archive-test-'));
  temp = join(base, 'tmp');
  mkdirSync(temp);
  process.env.TMPDIR = temp;
});
afterAll(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(base, { recursive: true, force: true });
});
let caseNo = 0;
beforeEach(() => {
  work = join(base, `case${++caseNo}`, 'src');
  mkdirSync(work, { recursive: true });
});

function tar(args: string[], cwd = work): void {
  execFileSync('tar', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function put(rel: string | Buffer, content: string | Buffer = 'x\n'): void {
  const path = Buffer.isBuffer(rel) ? Buffer.concat([Buffer.from(work + '/'), rel]) : join(work, rel);
  if (!Buffer.isBuffer(rel)) mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

function gzFile(name: string, bytes: Buffer): string {
  const file = join(work, '..', name);
  writeFileSync(file, bytes);
  return file;
}

/** Every path under `dir`, relative. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

/** Reads `file` expecting a refusal; returns the error's first line. Asserts nothing was left or written outside. */
async function refused(file: string, limits: Partial<ArchiveLimits> = {}): Promise<string> {
  const caseDir = join(file, '..');
  const before = tree(caseDir);
  const err = await readArchive(file, () => true, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BundleError);
  expect(err).toBeInstanceOf(UserError);
  const e = err as BundleError;
  expect(e.issues).toHaveLength(1);
  expect(e.issues[0].code).toBe('bundle');
  expect(e.issues[0].hint).toBeTruthy();
  // One line plus its hint; no stack trace.
  expect(formatIssue(e.issues[0]).split('\n')).toHaveLength(2);
  expect(readdirSync(temp)).toEqual([]); // the temp folder is gone
  expect(tree(caseDir)).toEqual(before); // nothing new next to the archive …
  expect(existsSync(join(base, 'escape'))).toBe(false); // … nor above the temp folder …
  expect(existsSync(join(process.cwd(), '..', 'escape'))).toBe(false); // … nor above the working folder
  return e.issues[0].message;
}

describe('readArchive on archives made by GNU tar', () => {
  const long = 'd'.repeat(120);
  const deep = `results-x/${long}/file-with-a-name-over-100-characters-${long}.log`;

  for (const format of ['gnu', 'pax'] as const) {
    it(`--format=${format}: long names, wanted members copied, the rest only listed, sha256 of the file`, async () => {
      put('results-x/command-outputs/usr-local-sf-bin-sfcli.pl show managers.output', 'Host: fmc\n');
      put(deep, 'deep\n');
      put('results-x/dir-archives/var-log/action_queue.log', 'line\n'.repeat(50_000));
      symlinkSync('action_queue.log', join(work, 'results-x/dir-archives/var-log/aq'));
      tar(['czf', '../b.tgz', `--format=${format}`, '.']); // "./" names: the prefix is dropped
      const file = join(work, '../b.tgz');
      const seen: string[] = [];
      const a = await readArchive(file, (n) => (seen.push(n), n.endsWith('.output') || n === deep));
      try {
        expect(a.file).toBe(file);
        expect(a.sha256).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
        expect(a.bytes).toBe(statSync(file).size);
        expect([...a.names].sort()).toEqual([deep, 'results-x/command-outputs/usr-local-sf-bin-sfcli.pl show managers.output', 'results-x/dir-archives/var-log/action_queue.log'].sort());
        expect(seen.sort()).toEqual([...a.names].sort()); // asked once per regular member, never for folders or links
        expect([...a.members.keys()].sort()).toEqual([deep, 'results-x/command-outputs/usr-local-sf-bin-sfcli.pl show managers.output'].sort());
        expect(readFileSync(a.members.get(deep)!.path, 'utf8')).toBe('deep\n');
        expect(a.members.get(deep)!.size).toBe(5);
        const m = a.members.get('results-x/command-outputs/usr-local-sf-bin-sfcli.pl show managers.output')!;
        expect(readFileSync(m.path, 'utf8')).toBe('Host: fmc\n');
        expect(a.links.get('results-x/dir-archives/var-log/aq')).toEqual({ type: 'symlink', target: 'action_queue.log' });
        // The private folder: 0700, our own names only (the counter), nothing else.
        expect(statSync(a.dir).mode & 0o777).toBe(0o700);
        expect(join(a.dir, '..')).toBe(temp);
        expect(readdirSync(a.dir).sort()).toEqual(['1', '2']);
        for (const member of a.members.values()) expect(basename(member.path)).toMatch(/^\d+$/);
      } finally {
        await a.dispose();
      }
      expect(existsSync(a.dir)).toBe(false);
    });
  }

  it('an empty wanted member is copied as an empty file; folders are neither names nor members', async () => {
    put('r/empty.log', '');
    mkdirSync(join(work, 'r/sub'));
    tar(['czf', '../e.tgz', 'r']);
    const a = await readArchive(join(work, '../e.tgz'), () => true);
    expect([...a.names]).toEqual(['r/empty.log']);
    expect(a.members.get('r/empty.log')!.size).toBe(0);
    expect(readFileSync(a.members.get('r/empty.log')!.path, 'utf8')).toBe('');
    await a.dispose();
  });

  it('a temp folder not disposed is removed when the process exits (dist/, a real child process)', () => {
    put('r/a.log', 'secret\n');
    tar(['czf', '../x.tgz', 'r']);
    const script = `const m = await import(${JSON.stringify(join(ROOT, 'dist/src/bundle/archive.js'))}); const a = await m.readArchive(process.argv[1], () => true); console.log(a.dir); process.exit(0);`;
    const dir = execFileSync(process.execPath, ['--input-type=module', '-e', script, join(work, '../x.tgz')], { encoding: 'utf8', env: { ...process.env, TMPDIR: temp } }).trim();
    expect(dir.startsWith(temp)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('a pax archive with a UTF-8 name keeps the name', async () => {
    put('results-x/état.log', 'é\n');
    tar(['czf', '../u.tgz', '--format=pax', 'results-x']);
    const a = await readArchive(join(work, '../u.tgz'), () => true);
    expect([...a.members.keys()]).toEqual(['results-x/état.log']);
    await a.dispose();
  });
});

describe('the raw tar helper (test/support/tar-header.ts)', () => {
  it('writes headers GNU tar accepts (checksums right)', () => {
    const file = join(work, 'raw.tar');
    writeFileSync(file, rawTar([{ name: 'a/b.txt', data: 'hello\n' }, { name: 'l', type: '2', linkname: 'a/b.txt' }, { name: 'dev/x', type: '3' }]));
    const listing = execFileSync('tar', ['tvf', file], { encoding: 'utf8' });
    expect(listing).toMatch(/^-rw-r--r-- root\/root +6 .* a\/b\.txt\nlrw-r--r-- root\/root +0 .* l -> a\/b\.txt\nc.* dev\/x\n$/);
    writeFileSync(file, rawTar([{ name: 'a', data: 'x', badChecksum: true }]));
    expect(() => execFileSync('tar', ['tf', file], { stdio: 'pipe' })).toThrow(/checksum|header/i);
  });
});

describe('hostile archives: one clear error, nothing written outside the temp folder', () => {
  it('a "../" member name (tar -P)', async () => {
    put('escape', 'owned\n');
    tar(['czf', '../evil.tgz', '-P', '--transform=s,^,../,', 'escape']);
    expect(await refused(join(work, '../evil.tgz'))).toBe(`${join(work, '../evil.tgz')}: member "../escape": has a name that leaves the archive (a ".." component)`);
  });

  it('a ".." inside a name (a/../../escape)', async () => {
    const file = gzFile('mid.tgz', rawTarGz([{ name: 'a/../../escape', data: 'owned\n' }]));
    expect(await refused(file)).toBe(`${file}: member "a/../../escape": has a name that leaves the archive (a ".." component)`);
  });

  it('a file with an empty name, or named "." (the root is a folder)', async () => {
    const empty = gzFile('empty.tgz', rawTarGz([{ name: '', data: 'x' }]));
    expect(await refused(empty)).toBe(`${empty}: member "": has an empty name`);
    const dot = gzFile('dot.tgz', rawTarGz([{ name: './', type: '5' }, { name: '.', data: 'x' }]));
    expect(await refused(dot)).toBe(`${dot}: member ".": has an empty name`);
  });

  it('an absolute member name (tar -P)', async () => {
    put('abs.txt', 'owned\n');
    tar(['czf', '../abs.tgz', '-P', join(work, 'abs.txt')]);
    const file = join(work, '../abs.tgz');
    expect(await refused(file)).toBe(`${file}: member "${join(work, 'abs.txt')}": has an absolute name`);
  });

  it('a symlink that points outside the archive', async () => {
    symlinkSync('../../escape', join(work, 'out'));
    tar(['czf', '../sym.tgz', 'out']);
    const file = join(work, '../sym.tgz');
    expect(await refused(file)).toBe(`${file}: member "out": is a symbolic link that points outside the archive ("../../escape")`);
  });

  it('a symlink to an absolute path', async () => {
    symlinkSync('/etc/passwd', join(work, 'passwd'));
    tar(['czf', '../abssym.tgz', 'passwd']);
    const file = join(work, '../abssym.tgz');
    expect(await refused(file)).toBe(`${file}: member "passwd": is a symbolic link to an absolute path ("/etc/passwd")`);
  });

  it('a symlink inside the archive is listed, never followed or extracted', async () => {
    put('r/logs/a.log', 'a\n');
    symlinkSync('../logs/a.log', join(work, 'r/link.log'));
    tar(['czf', '../in.tgz', 'r']);
    const a = await readArchive(join(work, '../in.tgz'), () => true);
    expect([...a.names]).toEqual(['r/logs/a.log']);
    expect([...a.members.keys()]).toEqual(['r/logs/a.log']);
    expect(a.links.get('r/link.log')).toEqual({ type: 'symlink', target: '../logs/a.log' });
    await a.dispose();
  });

  it('a hard link that points outside the archive, and one to an absolute path', async () => {
    const out = gzFile('hard.tgz', rawTarGz([{ name: 'h', type: '1', linkname: '../escape' }]));
    expect(await refused(out)).toBe(`${out}: member "h": is a hard link that points outside the archive ("../escape")`);
    const abs = gzFile('hardabs.tgz', rawTarGz([{ name: 'h', type: '1', linkname: '/etc/shadow' }]));
    expect(await refused(abs)).toBe(`${abs}: member "h": is a hard link to an absolute path ("/etc/shadow")`);
  });

  it('a hard link inside the archive (real tar) is listed, not extracted', async () => {
    put('r/a.log', 'a\n');
    execFileSync('ln', [join(work, 'r/a.log'), join(work, 'r/b.log')]);
    tar(['czf', '../hl.tgz', 'r']);
    const a = await readArchive(join(work, '../hl.tgz'), () => true);
    const file = [...a.names][0];
    const link = [...a.links.keys()][0];
    expect([file, link].sort()).toEqual(['r/a.log', 'r/b.log']);
    expect(a.links.get(link)).toEqual({ type: 'hardlink', target: file });
    expect(a.members.size).toBe(1);
    await a.dispose();
  });

  it('a gzip bomb: the ratio cap (default limits)', async () => {
    execFileSync('truncate', ['-s', '64M', join(work, 'zeros')]);
    tar(['czf', '../bomb.tgz', 'zeros']);
    const file = join(work, '../bomb.tgz');
    expect(await refused(file)).toMatch(new RegExp(`^${file}: uncompresses more than 400 times its compressed size \\(.+ from .+\\): a gzip bomb$`));
  });

  it('a gzip bomb: the total-size cap', async () => {
    put('data', Buffer.alloc(3 * 1024 * 1024, 'abcdefghijklmnopqrstuvwxyz0123456789'));
    tar(['czf', '../big.tgz', 'data']);
    const file = join(work, '../big.tgz');
    expect(await refused(file, { maxTotalBytes: 1024 * 1024, maxRatio: 1e9 })).toBe(`${file}: uncompresses to more than 1 MiB (the total-size cap): a gzip bomb or not a troubleshoot bundle`);
  });

  it('wanted members over the kept-size cap: refused before a byte is written', async () => {
    put('r/a.log', 'a'.repeat(600));
    put('r/b.log', 'b'.repeat(600));
    tar(['czf', '../kept.tgz', 'r/a.log', 'r/b.log']);
    const file = join(work, '../kept.tgz');
    expect(await refused(file, { maxKeptBytes: 1000 })).toBe(`${file}: member "r/b.log": is 600 bytes: the wanted members would take more than 1000 bytes in the temp folder (the kept-size cap)`);
    // members not wanted do not count
    const a = await readArchive(file, (n) => n === 'r/b.log', { maxKeptBytes: 1000 });
    expect([...a.members.keys()]).toEqual(['r/b.log']);
    await a.dispose();
  });

  it('a truncated gzip file', async () => {
    put('log', 'some log line\n'.repeat(100_000));
    tar(['czf', '../t.tgz', 'log']);
    const whole = readFileSync(join(work, '../t.tgz'));
    const file = gzFile('cut.tgz', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await refused(file)).toBe(`${file}: is truncated: the gzip stream ends early`);
  });

  it('a truncated tar inside a complete gzip: inside a member, and at a member boundary', async () => {
    const tarBytes = rawTar([{ name: 'a', data: 'x'.repeat(2000) }, { name: 'b', data: 'y' }]);
    const mid = gzFile('mid.tgz', gzipSync(tarBytes.subarray(0, 1024)));
    expect(await refused(mid)).toBe(`${mid}: is truncated: the tar archive ends inside a member`);
    const edge = gzFile('edge.tgz', rawTarGz([{ name: 'a', data: 'x' }], { end: false }));
    expect(await refused(edge)).toBe(`${edge}: is truncated: the tar archive ends without its end-of-archive marker`);
  });

  it('corrupt gzip data, a file that is not gzip, and a corrupt tar header', async () => {
    put('log', 'some log line\n'.repeat(100_000));
    tar(['czf', '../t.tgz', 'log']);
    const bytes = readFileSync(join(work, '../t.tgz'));
    for (let i = 100; i < 200; i++) bytes[i] ^= 0x55;
    const flipped = gzFile('flipped.tgz', bytes);
    expect(await refused(flipped)).toMatch(new RegExp(`^${flipped}: is not a valid gzip file \\(zlib: .+\\)$`));
    const plain = gzFile('plain.tgz', Buffer.from('not a bundle\n'));
    expect(await refused(plain)).toBe(`${plain}: is not a valid gzip file (zlib: incorrect header check)`);
    const header = gzFile('cksum.tgz', rawTarGz([{ name: 'a', data: 'x', badChecksum: true }]));
    expect(await refused(header)).toMatch(new RegExp(`^${header}: is not a valid tar archive: a corrupt header after 0 good members \\(Invalid tar header`));
    const text = gzFile('text.tgz', gzipSync(Buffer.from('just text, not a tar\n'.repeat(100))));
    expect(await refused(text)).toMatch(new RegExp(`^${text}: is not a valid tar archive`));
  });

  it('a duplicate member (tar given the same file twice)', async () => {
    put('r/a.log', 'a\n');
    tar(['czf', '../dup.tgz', 'r/a.log', 'r/a.log']);
    const file = join(work, '../dup.tgz');
    expect(await refused(file)).toBe(`${file}: member "r/a.log": appears twice in the archive`);
  });

  it('a duplicate member spelt differently ("./", "//", "/./") or a folder and a file of one name', async () => {
    const file = gzFile('dup2.tgz', rawTarGz([{ name: 'r/a.log', data: 'a' }, { name: './r/a.log', data: 'b' }]));
    expect(await refused(file)).toBe(`${file}: member "r/a.log": appears twice in the archive`);
    const spelt = gzFile('dup3.tgz', rawTarGz([{ name: 'r/a.log', data: 'a' }, { name: 'r//./a.log', data: 'b' }]));
    expect(await refused(spelt)).toBe(`${spelt}: member "r//./a.log": appears twice in the archive`);
    const folder = gzFile('dup4.tgz', rawTarGz([{ name: 'r/x', type: '5' }, { name: 'r/x', data: 'b' }]));
    expect(await refused(folder)).toBe(`${folder}: member "r/x": appears twice in the archive`);
  });

  for (const format of ['gnu', 'pax'] as const) {
    it(`a name that is not valid UTF-8 (--format=${format})`, async () => {
      put(Buffer.from('bad\xff.log', 'latin1'), 'x\n');
      tar(['czf', '../latin.tgz', `--format=${format}`, '.']);
      const file = join(work, '../latin.tgz');
      expect(await refused(file)).toMatch(new RegExp(`^${file}: member ".*bad.*\\.log": has a name that is not valid UTF-8$`));
    });
  }

  it('a raw header with a name that is not UTF-8 shows its bytes', async () => {
    const file = gzFile('raw-latin.tgz', rawTarGz([{ name: Buffer.from([0x61, 0xc3, 0x28]), data: 'x' }]));
    expect(await refused(file)).toBe(`${file}: member "a\\xc3(": has a name that is not valid UTF-8`);
  });

  it('a FIFO (mkfifo + real tar)', async () => {
    execFileSync('mkfifo', [join(work, 'pipe')]);
    tar(['czf', '../fifo.tgz', 'pipe']);
    const file = join(work, '../fifo.tgz');
    expect(await refused(file)).toBe(`${file}: member "pipe": is a FIFO; a bundle holds only files, folders and links`);
  });

  it('a character device and a block device (raw headers: mknod needs root)', async () => {
    const chr = gzFile('chr.tgz', rawTarGz([{ name: 'dev/null', type: '3' }]));
    expect(await refused(chr)).toBe(`${chr}: member "dev/null": is a character device; a bundle holds only files, folders and links`);
    const blk = gzFile('blk.tgz', rawTarGz([{ name: 'dev/sda', type: '4' }]));
    expect(await refused(blk)).toBe(`${blk}: member "dev/sda": is a block device; a bundle holds only files, folders and links`);
  });

  it('a member type tar-stream does not know', async () => {
    const file = gzFile('vol.tgz', rawTarGz([{ name: 'label', type: 'V' }]));
    expect(await refused(file)).toBe(`${file}: member "label": has a type firebook does not read (not a file, folder or link)`);
  });

  it('a GNU sparse file (tar --sparse, gnu and pax formats): its stored bytes are not the file', async () => {
    execFileSync('truncate', ['-s', '1M', join(work, 'holes')]);
    tar(['czf', '../sparse-gnu.tgz', '--sparse', '--format=gnu', 'holes']);
    const gnu = join(work, '../sparse-gnu.tgz');
    expect(await refused(gnu)).toBe(`${gnu}: member "holes": has a type firebook does not read (not a file, folder or link)`);
    tar(['czf', '../sparse-pax.tgz', '--sparse', '--format=pax', 'holes']);
    const pax = join(work, '../sparse-pax.tgz');
    expect(await refused(pax)).toMatch(new RegExp(`^${pax}: member ".*holes.*": is a sparse file, which firebook does not read$`));
  });

  it('more members than maxMembers', async () => {
    for (let i = 0; i < 5; i++) put(`r/${i}.log`);
    tar(['czf', '../many.tgz', 'r']);
    const file = join(work, '../many.tgz');
    expect(await refused(file, { maxMembers: 4 })).toBe(`${file}: has more than 4 members (the member cap)`);
  });

  it('a member that is wanted is written only into the temp folder, even when the archive fails later', async () => {
    const members: RawMember[] = [{ name: 'ok.log', data: 'fine\n' }, { name: '../escape', data: 'owned\n' }];
    const file = gzFile('late.tgz', rawTarGz(members));
    expect(await refused(file)).toBe(`${file}: member "../escape": has a name that leaves the archive (a ".." component)`);
  });

  it('a missing file is one clear line, and no temp folder is made', async () => {
    const file = join(work, 'nope.tgz');
    expect(await refused(file)).toBe(`${file}: cannot read the bundle: ENOENT`);
  });

  it('a folder or a FIFO given as the bundle is refused at once (no wait for a writer)', async () => {
    expect(await refused(work)).toBe(`${work}: is not a regular file`);
    const fifo = join(work, 'bundle.tgz');
    execFileSync('mkfifo', [fifo]);
    expect(await refused(fifo)).toBe(`${fifo}: is not a regular file`);
  });
});
