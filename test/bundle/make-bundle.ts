/** Test bundles: a fixture tree written to a folder and packed with the real `tar` command.
 * Device texts come from the fixtures that name their public source (`#! source:`); the
 * header lines are removed here, as the device would not print them. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { layout, seed } from '../checks/load-fixture.js';

export { layout, seed };

/** The top folder name of a real bundle is not confirmed (docs/bundles.md): any name works. */
export const ROOT_DIR = 'results-2026-12-01--101500';

/** A bundle of an FTD 6.5 whose SecureX logs are present, the live-only evidence absent. */
export function ftdTree(host = 'ftd-dc1'): Record<string, string> {
  const showVersion = layout('show-version-6.5.txt').replace(/\[ [^\]]+ \]/, `[ ${host} ]`);
  return {
    'command-outputs/usr-local-sf-bin-sfcli.pl show version.output': showVersion,
    'command-outputs/usr-local-sf-bin-sfcli.pl show managers.output': layout('health/show-managers-7x.txt'),
    'command-outputs/usr-local-sf-bin-sfcli.pl show network.output': seed('show-network.txt'),
    'dir-archives/var-log/action_queue.log': seed('action-queue-canconnect.txt'),
    'dir-archives/var-log/connector/connector.log': layout('connector-log-tls-x509.txt'),
    'dir-archives/etc/sf/connector.properties': seed('connector-properties.txt').replace(/^# more [^\n]*\n/, ''),
  };
}

/** Writes `files` under `root/` (or at the top when root is '') and packs them as a .tar.gz. */
export function makeBundle(files: Record<string, string>, opts: { root?: string; name?: string; mtime?: Date } = {}): string {
  const work = mkdtempSync(join(tmpdir(), 'fb-bundle-src-'));
  const root = opts.root ?? ROOT_DIR;
  const base = root === '' ? work : join(work, root);
  for (const [rel, text] of Object.entries(files)) {
    const path = join(base, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (opts.mtime) utimesSync(path, opts.mtime, opts.mtime);
  }
  const out = join(mkdtempSync(join(tmpdir(), 'fb-bundle-')), opts.name ?? 'bundle-troubleshoot.tar.gz');
  execFileSync('tar', ['-czf', out, '-C', work, root === '' ? '.' : root]);
  return out;
}
