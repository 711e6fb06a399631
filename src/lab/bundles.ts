/** The lab's troubleshoot bundles: for each lab device, the `<device>-troubleshoot.tar.gz` its own
 * `sf_troubleshoot.pl` would write, made from the device's STATE by the same functions that
 * answer over SSH (runClishLine for CLISH commands, readLabFile for files), so a bundle and the
 * live device agree by construction. The lab never reads firebook's bundle map: the layout below
 * is the device's, as docs/bundles.md "The lab's bundles" describes (confirmed and inferred names). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { writeFileAtomic } from '../io/atomic-file.js';
import { runClishLine } from './clish.js';
import { readLabFile } from './files.js';
import { labDevices } from './lab.js';
import type { Device } from './device.js';
import type { Lab } from './types.js';

/** Where the device's CLI program lives; command outputs are named after `<it> <command>`. */
const SFCLI = '/usr/local/sf/bin/sfcli.pl';

/** CLISH commands whose output goes to `command-outputs/` (docs/bundles.md "The lab's bundles"). */
const COMMAND_OUTPUTS: ReadonlyArray<{ command: string; confirmed: boolean }> = [
  { command: 'show managers', confirmed: true }, // read from real bundles (TS_tool)
  { command: 'show version', confirmed: false }, // inferred: same naming as show managers
  { command: 'show network', confirmed: false }, // inferred: same naming as show managers
  // `show summary` is confirmed too, but the lab does not answer it: not written.
];

/** Files copied under `dir-archives/`: the archive path, the device path (on an FTD, `ngfw`
 * paths live under /ngfw: docs/devices.md "Paths"), and whether real bundles confirm the path. */
const ARCHIVED_FILES: ReadonlyArray<{ archive: string; path: string; ngfw: boolean; confirmed: boolean }> = [
  { archive: 'var-log/action_queue.log', path: '/var/log/action_queue.log', ngfw: true, confirmed: true },
  { archive: 'var-log/messages', path: '/var/log/messages', ngfw: false, confirmed: true }, // the lab keeps no syslog today: left out
  { archive: 'var-log/connector/connector.log', path: '/var/log/connector/connector.log', ngfw: true, confirmed: false },
  { archive: 'etc/sf/connector.properties', path: '/etc/sf/connector.properties', ngfw: true, confirmed: false },
  { archive: 'etc/sf/ims.conf', path: '/etc/sf/ims.conf', ngfw: true, confirmed: true },
  { archive: 'etc/sf/sf-version', path: '/etc/sf/sf-version', ngfw: true, confirmed: true }, // FMC only
  { archive: 'etc/hostname', path: '/etc/hostname', ngfw: false, confirmed: true },
];

/** A command line's output file name: the line with the leading `/` dropped, `/` → `-`, `.output`. */
export function commandOutputName(commandLine: string): string {
  return commandLine.replace(/^\/+/, '').replace(/\//g, '-') + '.output';
}

/** The bundle's top folder, `results-YYYY-MM-DD--HHMMSS` in UTC (the name is UNCONFIRMED). */
export function bundleTopFolder(now: Date): string {
  const iso = now.toISOString();
  return `results-${iso.slice(0, 10)}--${iso.slice(11, 19).replace(/:/g, '')}`;
}

/** The bundle file's name for a device (the FDM job's `<id>-troubleshoot.tar.gz`, with the device name). */
export function bundleFileName(host: string): string {
  return `${host}-troubleshoot.tar.gz`;
}

/** Why a device cannot give a bundle, or undefined when it can. */
export function bundleSkipReason(device: Device): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(device.profile.name)) return 'its name is not a plain file name';
  if (device.profile.faults.authFail) return 'it refuses every login, so no one can run sf_troubleshoot.pl on it';
  return undefined;
}

/** One regular file of a bundle: its path below the top folder and its text. */
export interface BundleFile {
  name: string;
  content: string;
}

/** The files of a device's bundle at time `now`, in archive order, below the top folder. */
export function bundleFiles(device: Device, now: Date): BundleFile[] {
  const files: BundleFile[] = [];
  for (const { command } of COMMAND_OUTPUTS) {
    const outcome = runClishLine(device, command);
    if (outcome.kind === 'output' && outcome.ok) files.push({ name: `command-outputs/${commandOutputName(`${SFCLI} ${command}`)}`, content: outcome.text + '\n' });
  }
  const ftd = device.profile.platform === 'ftd';
  for (const f of ARCHIVED_FILES) {
    const content = readLabFile(device, ftd && f.ngfw ? `/ngfw${f.path}` : f.path, now.getTime());
    if (content !== undefined) files.push({ name: `dir-archives/${f.archive}`, content });
  }
  return files;
}

/** A gzipped tar of `files` under `top/`, each folder with its own entry before its files; every
 * entry owned by root with mtime `now`. tar-stream writes a ustar prefix or a pax header for a name
 * over 100 bytes. Same input, same bytes (gzip's header carries no time). */
export async function packBundle(top: string, files: readonly BundleFile[], now: Date): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: now };
  const dirs = new Set<string>();
  const addDir = (dir: string) => {
    if (dirs.has(dir)) return;
    const slash = dir.lastIndexOf('/');
    if (slash > 0) addDir(dir.slice(0, slash));
    dirs.add(dir);
    pack.entry({ ...owner, name: dir + '/', type: 'directory', mode: 0o755 });
  };
  addDir(top);
  for (const f of files) {
    const full = `${top}/${f.name}`;
    addDir(full.slice(0, full.lastIndexOf('/')));
    pack.entry({ ...owner, name: full, type: 'file', mode: 0o644 }, Buffer.from(f.content, 'utf8'));
  }
  pack.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/** Options of writeLabBundles. */
export interface LabBundleOptions {
  /** The generation time: the top folder's name, the entries' mtime, "now" for the logs (default: now). */
  now?: Date;
  /** Told of each device that gives no bundle, and why. */
  onSkip?: (host: string, reason: string) => void;
}

/** Writes `dir/<device>-troubleshoot.tar.gz` for each device of `lab` that can give one
 * (atomically; `dir` is created); returns the paths written, in the lab's host order. */
export async function writeLabBundles(lab: Lab, dir: string, opts: LabBundleOptions = {}): Promise<string[]> {
  const now = opts.now ?? new Date();
  const devices = labDevices(lab);
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const host of lab.hosts) {
    const device = devices.get(host.name)!;
    const reason = bundleSkipReason(device);
    if (reason !== undefined) {
      opts.onSkip?.(host.name, reason);
      continue;
    }
    const path = join(dir, bundleFileName(host.name));
    writeFileAtomic(path, await packBundle(bundleTopFolder(now), bundleFiles(device, now), now));
    paths.push(path);
  }
  return paths;
}
