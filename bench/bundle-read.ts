/**
 * Reading a troubleshoot bundle (issue 22, docs/bundles.md "Reading archives"): the real
 * `gunzip -c FILE > /dev/null` against readArchive on the same .tar.gz, side by side in one run.
 * Runs alone (not part of `npm run bench`):
 *
 *   npm run build && node dist/bench/bundle-read.js [--size-mib 2048] [--rounds 2] [--dir DIR] [--file F.tar.gz] [--no-write] [--build-only DIR]
 *
 * Builds a bundle-like archive with GNU tar (--format=gnu, long names): mixed log text and less
 * compressible data, a few wanted members (command outputs, action_queue.log). Each tool runs
 * in its own process under /usr/bin/time (wall seconds, peak RSS), alternating which goes
 * first; the file is read once beforehand so both meet it in the page cache. Writes the
 * section "Troubleshoot bundle read" of bench/results.md. Numbers only — nothing asserts on them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readArchive } from '../src/bundle/archive.js';

const MiB = 1024 * 1024;
const ROOT = 'results-20261207--180000';

/** Members the reader keeps, as bundle-host would ask for them. */
function wanted(name: string): boolean {
  return name.endsWith('.output') || name.endsWith('/dir-archives/var-log/action_queue.log');
}

/** --child FILE: read it once and print what the parent needs as JSON. */
async function child(file: string): Promise<void> {
  const start = process.hrtime.bigint();
  const a = await readArchive(file, wanted);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const kept = [...a.members.values()].reduce((n, m) => n + m.size, 0);
  await a.dispose();
  process.stdout.write(JSON.stringify({ seconds, members: a.members.size, names: a.names.size, kept, sha256: a.sha256 }) + '\n');
}

/** 1 MiB of syslog-like text, different each call (timestamps, pids, addresses, ids). */
function logBlock(): Buffer {
  const r = randomBytes(64 * 1024);
  let i = 0;
  const next = (n: number) => r[i++ % r.length] % n;
  const procs = ['SF-IMS', 'sftunnel', 'ActionQueueScrape.pl', 'pm', 'syslog-ng', 'snort3', 'ngfwManager', 'connector'];
  const words = ['Processing', 'message', 'peer', 'heartbeat', 'received', 'sent', 'channel', 'state', 'timeout', 'retrying', 'connected', 'policy', 'deploy', 'task', 'status'];
  let text = '';
  let seq = r.readUInt32BE(0);
  while (text.length < MiB) {
    const host = `10.1.${next(4)}.${next(32)}`;
    const w = Array.from({ length: 4 + next(6) }, () => words[next(words.length)]).join(' ');
    text += `Dec  ${1 + next(9)} ${String(next(24)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')}:${String(next(60)).padStart(2, '0')} firepower ${procs[next(procs.length)]}[${1000 + next(9000)}]: [${['INFO', 'WARN', 'ERROR'][next(3)]}] ${w} ${host} id=${seq++}\n`;
  }
  return Buffer.from(text.slice(0, MiB));
}

/** 1 MiB that compresses poorly: random bytes with some structure (an RRD or a packet capture). */
function dataBlock(): Buffer {
  const b = randomBytes(MiB);
  for (let o = 0; o < MiB; o += 4096) b.fill(0, o + 2048, o + 3072);
  return b;
}

function writeFile(path: string, blocks: Buffer[], pick: () => Buffer): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const fd = openSync(path, 'w');
  for (const _ of blocks) writeSync(fd, pick());
  closeSync(fd);
}

/** Builds the archive under `dir`; returns its path and the uncompressed payload size. */
function build(dir: string, sizeMiB: number): { file: string; payload: number } {
  const tree = join(dir, 'tree');
  const root = join(tree, ROOT);
  const texts = Array.from({ length: 16 }, logBlock);
  const datas = Array.from({ length: 4 }, dataBlock);
  const pickText = () => texts[Math.floor(Math.random() * texts.length)];
  const pickData = () => datas[Math.floor(Math.random() * datas.length)];
  const fileMiB = Math.max(1, Math.min(64, Math.floor(sizeMiB / 32)));
  const files = Math.max(4, Math.floor(sizeMiB / fileMiB));
  let payload = 0;
  const long = 'Cisco_FTD_Upgrade-7.4.1-172.sh.REL.tar-upgrade_readiness-stage';
  // a few small members with names over 100 characters (GNU `L` records), some of them wanted
  for (let i = 0; i < 2000; i++) {
    const path = join(root, 'dir-archives/var-log/sf', long, `upgrade_readiness/${String(i).padStart(4, '0')}_check_${long}.log`);
    writeFile(path, [texts[0]], () => texts[i % texts.length].subarray(0, 4096));
    payload += 4096;
  }
  for (const cmd of ['show managers', 'show summary', 'show version', 'show network']) {
    writeFile(join(root, `command-outputs/usr-local-sf-bin-sfcli.pl ${cmd}.output`), [texts[0]], () => texts[1].subarray(0, 8192));
    payload += 8192;
  }
  for (let i = 0; i < files; i++) {
    const text = i % 4 !== 3; // a quarter of the bytes compress poorly
    const path = i === 0 ? join(root, 'dir-archives/var-log/action_queue.log') : join(root, text ? `dir-archives/var-log/messages.${i}` : `dir-archives/var-sf/rrd/LocalCpu${i}Usage.rrd`);
    writeFile(path, Array.from({ length: fileMiB }), text ? pickText : pickData);
    payload += fileMiB * MiB;
  }
  const file = join(dir, 'bundle-troubleshoot.tar.gz');
  execFileSync('tar', ['-czf', file, '--format=gnu', '-C', tree, ROOT]);
  rmSync(tree, { recursive: true, force: true });
  return { file, payload };
}

/** Runs argv under /usr/bin/time; returns wall seconds, peak RSS (KiB) and stdout. */
function timed(argv: string[], stdoutToNull: boolean): { wall: number; rssKiB: number; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', ...argv], { encoding: 'utf8', maxBuffer: 16 * MiB, stdio: ['ignore', stdoutToNull ? 'ignore' : 'pipe', 'pipe'] });
  const m = /TIME ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { wall: Number(m[1]), rssKiB: Number(m[2]), stdout: r.stdout ?? '' };
}

const fmt = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      'size-mib': { type: 'string', default: '2048' },
      rounds: { type: 'string', default: '2' },
      dir: { type: 'string' },
      file: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'build-only': { type: 'string' },
    },
  });
  if (values.child) return child(values.child);
  if (values['build-only']) {
    mkdirSync(values['build-only'], { recursive: true });
    console.log(build(values['build-only'], Number(values['size-mib'])).file);
    return;
  }
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  const dir = mkdtempSync(join(values.dir ?? tmpdir(), 'firebook-bench-bundle-'));
  try {
    const t0 = Date.now();
    const built = values.file ? { file: values.file, payload: NaN } : build(dir, Number(values['size-mib']));
    const file = built.file;
    const compressed = statSync(file).size;
    const buildSeconds = (Date.now() - t0) / 1000;
    // The uncompressed size, as gzip itself reports it (mod 2^32 for big files), so we count it: one warm-up read.
    const warm = spawnSync('sh', ['-c', 'gunzip -c "$1" | wc -c', 'sh', file], { encoding: 'utf8' });
    const uncompressed = Number(warm.stdout.trim());
    const self = fileURLToPath(import.meta.url);
    const rounds = Number(values.rounds);
    const gz: Array<{ wall: number; rssKiB: number }> = [];
    const ours: Array<{ wall: number; rssKiB: number; inner: number; members: number; names: number; kept: number }> = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['gunzip', 'ours'] : ['ours', 'gunzip'];
      for (const who of order) {
        if (who === 'gunzip') gz.push(timed(['gunzip', '-c', file], true));
        else {
          const t = timed([process.execPath, self, '--child', file], false);
          const j = JSON.parse(t.stdout) as { seconds: number; members: number; names: number; kept: number };
          ours.push({ wall: t.wall, rssKiB: t.rssKiB, inner: j.seconds, members: j.members, names: j.names, kept: j.kept });
        }
      }
    }
    const mb = uncompressed / 1e6;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    const gzWall = median(gz.map((g) => g.wall));
    const ourWall = median(ours.map((o) => o.wall));
    const peak = Math.max(...ours.map((o) => o.rssKiB)) / 1024;
    out('## Troubleshoot bundle read: gunzip against readArchive on one bundle-like .tar.gz');
    out('');
    out(`Command: \`node dist/bench/bundle-read.js\` (bench/bundle-read.ts; not part of \`npm run bench\`) on ${new Date().toISOString().slice(0, 10)}`);
    out(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Linux ${release()}, Node ${process.version}; ${execFileSync('gzip', ['--version'], { encoding: 'utf8' }).split('\n')[0]}. Shared with other work: figures are of one run.`);
    out(`Archive: GNU tar --format=gnu with gzip -6 (tar czf), ${fmt(uncompressed / 2 ** 30, 2)} GiB uncompressed in ${fmt(compressed / 2 ** 20)} MiB (ratio ${fmt(uncompressed / compressed, 2)}); ${ours[0].names} files: 3/4 of the bytes log text, 1/4 poorly compressible data, 2000 small members with names over 100 characters; ${ours[0].members} members kept (${fmt(ours[0].kept / MiB)} MiB: command outputs and action_queue.log). Built in ${fmt(buildSeconds)} s.`);
    out(`Each tool in its own process under /usr/bin/time (wall, peak RSS), ${rounds} alternated rounds after one warm-up read (page cache warm for both).`);
    out('');
    out('| round | tool | wall | MB/s (uncompressed) | peak RSS |');
    out('|---|---|---|---|---|');
    for (let r = 0; r < rounds; r++) {
      out(`| ${r + 1} | \`gunzip -c FILE > /dev/null\` | ${fmt(gz[r].wall, 2)} s | ${fmt(mb / gz[r].wall, 0)} | ${fmt(gz[r].rssKiB / 1024)} MiB |`);
      out(`| ${r + 1} | readArchive (sha256 + gunzip + tar + ${ours[r].members} members kept) | ${fmt(ours[r].wall, 2)} s (read ${fmt(ours[r].inner, 2)} s) | ${fmt(mb / ours[r].wall, 0)} | ${fmt(ours[r].rssKiB / 1024)} MiB |`);
    }
    out('');
    out(`readArchive / gunzip wall (medians): ${fmt(ourWall / gzWall, 2)}. Targets (issue 22): peak RSS under 200 MiB → ${fmt(peak)} MiB: ${peak < 200 ? 'met' : 'NOT met'}; close to gunzip's speed → ${fmt(mb / ourWall, 0)} MB/s against ${fmt(mb / gzWall, 0)} MB/s.`);
    out(`GNU gzip inflates with its own code, not zlib; Node's zlib is Chromium's optimised one, which is why readArchive can be the faster. Load average at the end of the run: ${fmt(loadavg()[0])} (1 min) on ${cpus().length} cores.`);
    if (!values['no-write']) writeSection(lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces (or appends) this bench's section of bench/results.md, atomically. */
function writeSection(lines: string[]): void {
  const path = fileURLToPath(new URL('../../bench/results.md', import.meta.url));
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const title = lines[0];
  const start = old.indexOf(title);
  const section = `${lines.join('\n').trim()}\n`;
  let next: string;
  if (start < 0) next = `${old.trimEnd()}\n\n${section}`;
  else {
    const end = old.indexOf('\n## ', start + title.length);
    next = old.slice(0, start) + section + (end < 0 ? '' : old.slice(end));
  }
  writeFileSync(`${path}.tmp`, next);
  renameSync(`${path}.tmp`, path);
}

await main();
