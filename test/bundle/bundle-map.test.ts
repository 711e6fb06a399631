/** The bundle map (docs/bundles.md "The bundle map"): every shipped entry, the file-name rule,
 * the FTD's /ngfw prefix, the user's map on top, and an invalid map at file:line:col. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { answerFor, bundlePathOf, commandOutputName, loadBundleMap, memberMatches, readBundleMapFile, wantOf } from '../../src/bundle/index.js';
import { UserError } from '../../src/model/errors.js';
import { packagePath } from '../../src/io/package-files.js';
import { renderReadOnly } from '../../src/command/read-only.js';

const shipped = loadBundleMap();
const tmp = mkdtempSync(join(tmpdir(), 'fb-bmap-'));
const userMap = (name: string, text: string) => {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
};

describe('the file-name rule: command-outputs/ + the command path with / → - + .output', () => {
  it.each([
    ['/usr/local/sf/bin/sfcli.pl show managers', 'command-outputs/usr-local-sf-bin-sfcli.pl show managers.output'],
    ['/usr/local/sf/bin/sfcli.pl show summary', 'command-outputs/usr-local-sf-bin-sfcli.pl show summary.output'],
    ['/usr/bin/pmtool status', 'command-outputs/usr-bin-pmtool status.output'],
  ])('%s → %s', (runs, file) => {
    expect(commandOutputName(runs)).toBe(file);
  });
});

describe('every shipped entry answers what it says, with its status', () => {
  const doc = parse(readFileSync(packagePath('bundle-map.yml'), 'utf8')) as { commands: Array<{ level: 'cli'; command: string; runs: string; status: string }>; paths: Array<{ device: string; bundle: string; status: string }> };
  it('the shipped map is valid against schemas/bundle-map.schema.json', () => {
    expect(() => readBundleMapFile(packagePath('bundle-map.yml'))).not.toThrow();
    expect(doc.commands.length).toBeGreaterThanOrEqual(4);
  });
  it.each(doc.commands.map((c) => [c.command, c] as const))('command %s', (_name, c) => {
    expect(answerFor(shipped, c.command, c.level)).toEqual({ bundle: commandOutputName(c.runs), take: 'all', status: c.status });
    // Another level is another command.
    expect(answerFor(shipped, c.command, 'root')).toBeUndefined();
  });
  it('show managers is the confirmed file of the issue; show version and show network are not confirmed', () => {
    expect(answerFor(shipped, 'show managers', 'cli')).toMatchObject({ bundle: 'command-outputs/usr-local-sf-bin-sfcli.pl show managers.output', status: 'confirmed' });
    expect(answerFor(shipped, 'show version', 'cli')?.status).toBe('unconfirmed');
    expect(answerFor(shipped, 'show network', 'cli')?.status).toBe('unconfirmed');
  });
  it.each(doc.paths.map((p) => [p.device, p] as const))('path %s', (_name, p) => {
    const device = p.device.endsWith('/') ? `${p.device}x.log` : p.device;
    const bundle = p.device.endsWith('/') ? `${p.bundle}x.log` : p.bundle;
    expect(bundlePathOf(shipped, device)).toEqual({ bundle, status: p.status });
  });
});

describe('device paths, with the FTD /ngfw prefix mapped', () => {
  it.each([
    ['/var/log/action_queue.log', 'dir-archives/var-log/action_queue.log', 'confirmed'],
    ['/ngfw/var/log/action_queue.log', 'dir-archives/var-log/action_queue.log', 'unconfirmed'],
    ['/ngfw/var/log/connector/connector.log', 'dir-archives/var-log/connector/connector.log', 'unconfirmed'],
    ['/etc/sf/ims.conf', 'dir-archives/etc/sf/ims.conf', 'confirmed'],
    ['/ngfw/etc/sf/connector.properties', 'dir-archives/etc/sf/connector.properties', 'unconfirmed'],
    ['/var/log/./sf/../messages', undefined, undefined],
    ['/opt/cisco/x.log', undefined, undefined],
    ['/var/log/', undefined, undefined],
    ['relative/var/log/x', undefined, undefined],
  ])('%s → %s', (device, bundle, status) => {
    expect(bundlePathOf(shipped, device)).toEqual(bundle === undefined ? undefined : { bundle, status });
  });
});

describe('commands are read as words (command/words.ts), as rendered', () => {
  const root = (template: string, vars: Record<string, unknown> = {}, file = false) => renderReadOnly(template, vars, 'root', undefined, undefined, file);
  it('the playbooks\' log reads and file: steps, as the runner renders them', () => {
    const tail = root('tail -n 200 {{action_queue_log}}', { action_queue_log: '/ngfw/var/log/action_queue.log' });
    expect(tail).toBe("'tail' '-n' '200' '/ngfw/var/log/action_queue.log'");
    expect(answerFor(shipped, tail, 'root')).toEqual({ bundle: 'dir-archives/var-log/action_queue.log', take: 'last', lines: 200, status: 'unconfirmed' });
    const cat = root('{{connector_properties}}', { connector_properties: '/etc/sf/connector.properties' }, true);
    expect(answerFor(shipped, cat, 'root')).toEqual({ bundle: 'dir-archives/etc/sf/connector.properties', take: 'all', status: 'unconfirmed', lines: undefined });
    expect(answerFor(shipped, root('head -n 5 /var/log/messages'), 'expert')).toMatchObject({ bundle: 'dir-archives/var-log/messages', take: 'first', lines: 5 });
  });
  it.each([
    ['curl -v -k --connect-timeout 10 -m 20 https://api-sse.cisco.com', 'root'],
    ['nslookup api-sse.cisco.com', 'root'],
    ['lsof -i | grep conn', 'root'],
    ['netstat -anlp | grep EventHandler_SSEConnector.sock', 'root'],
    ['pmtool status', 'root'],
    ['tail -n 200 /var/log/messages | grep x', 'root'],
    ['cat /var/log/messages 2>/dev/null', 'root'],
    ['tail -n many /var/log/messages', 'root'],
    ['cat /etc/shadow', 'root'],
    ['show clock', 'cli'],
    ['show managers detail', 'cli'],
  ] as const)('live-only or unmapped: %s (%s)', (command, level) => {
    expect(answerFor(shipped, command, level)).toBeUndefined();
  });
  it('CLISH words are compared after splitting, whatever the spacing of the map', () => {
    expect(answerFor(shipped, 'show   managers', 'cli')?.bundle).toBe('command-outputs/usr-local-sf-bin-sfcli.pl show managers.output');
  });
});

describe('member names: the top folder is not assumed', () => {
  it('a member matches its bundle path at the top or under any one root folder', () => {
    const p = 'dir-archives/var-log/action_queue.log';
    expect(memberMatches(p, p)).toBe(true);
    expect(memberMatches(`results-2026-12-01--101500/${p}`, p)).toBe(true);
    expect(memberMatches(`results/x${p}`, p)).toBe(false);
    const want = wantOf(new Set([p]));
    expect(want(`r/${p}`)).toBe(true);
    expect(want(`r/${p}.1.gz`)).toBe(false);
    expect(want('r/dir-archives/var-log/messages')).toBe(false);
  });
});

describe('the user map (--bundle-map) on top of the shipped one', () => {
  it('adds entries and replaces shipped ones with the same key', () => {
    const file = userMap('mine.yml', [
      'version: 1',
      'commands:',
      '  - { level: cli, command: show managers, bundle: command-outputs/managers.txt, status: confirmed, source: our 7.4 bundles }',
      '  - { level: root, command: pmtool status, runs: /usr/local/sf/bin/pmtool status, status: unconfirmed }',
      'paths:',
      '  - { device: /var/log/connector/connector.log, bundle: dir-archives/var-log/sf/connector.log, status: confirmed }',
      '',
    ].join('\n'));
    const map = loadBundleMap(file);
    expect(answerFor(map, 'show managers', 'cli')).toEqual({ bundle: 'command-outputs/managers.txt', take: 'all', status: 'confirmed' });
    expect(answerFor(map, "'pmtool' 'status'", 'root')?.bundle).toBe('command-outputs/usr-local-sf-bin-pmtool status.output');
    expect(bundlePathOf(map, '/var/log/connector/connector.log')).toEqual({ bundle: 'dir-archives/var-log/sf/connector.log', status: 'confirmed' });
    // Untouched shipped entries stay.
    expect(answerFor(map, 'show version', 'cli')?.status).toBe('unconfirmed');
    expect(bundlePathOf(map, '/var/log/messages')?.bundle).toBe('dir-archives/var-log/messages');
  });

  it.each([
    ['an unknown key', 'version: 1\ncommands:\n  - level: cli\n    comand: show x\n    runs: /x\n    status: confirmed\n', 4, 5, /comand/],
    ['a bad status', 'version: 1\npaths:\n  - device: /var/x\n    bundle: dir-archives/x\n    status: maybe\n', 5, 13, /status/],
    ['a bundle path that climbs out', 'version: 1\npaths:\n  - device: /var/x\n    bundle: ../../etc/passwd\n    status: confirmed\n', 4, 13, /bundle/],
    ['a wrong version', 'version: 2\n', 1, 10, /version/],
  ])('%s → file:line:col, exit 4', (_what, text, line, col, message) => {
    const file = userMap(`bad-${line}-${col}.yml`, text);
    let err: unknown;
    try {
      loadBundleMap(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const issue = (err as UserError).issues[0];
    expect(issue.code).toBe('bundle');
    expect(issue.message).toMatch(message);
    expect(`${issue.location?.file}:${issue.location?.line}:${issue.location?.col}`).toBe(`${file}:${line}:${col}`);
  });
});
