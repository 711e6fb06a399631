/** The session that answers from a bundle (src/bundle/session.ts): what each reader takes of a
 * file, facts from sf-version, "not in the bundle" for what the bundle cannot answer, and the
 * want set (only the mapped members are extracted). */
import { describe, expect, it } from 'vitest';
import { loadBundleMap, NOT_IN_BUNDLE, openBundleSession, wantedPaths } from '../../src/bundle/index.js';
import { TransportError } from '../../src/model/transport.js';
import { renderReadOnly } from '../../src/command/read-only.js';
import { layout, makeBundle } from './make-bundle.js';

const map = loadBundleMap();
const root = (t: string) => renderReadOnly(t, {}, 'root');
const lines = (n: number, eol = '\n') => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join(eol) + eol;

describe('answers from the bundle', () => {
  const file = makeBundle({
    'dir-archives/var-log/messages': lines(70_000),
    'dir-archives/var-log/crlf.log': lines(5, '\r\n'),
    'dir-archives/var-log/no-final-newline.log': 'a\nb\nc',
    'dir-archives/etc/sf/sf-version': layout('sf-version-fmc-6.4.0.txt'),
    'dir-archives/etc/hostname': 'fmc-east\n',
    'dir-archives/etc/sf/unwanted.conf': 'x\n',
  });
  const commands = ['tail -n 200 /var/log/messages', 'head -n 3 /var/log/messages', 'cat /var/log/crlf.log', 'tail -n 2 /var/log/no-final-newline.log', 'tail -n 10 /var/log/no-final-newline.log'].map((c) => ({ command: root(c), level: 'root' as const }));
  const open = () => openBundleSession(file, { map, want: wantedPaths(map, commands), platform: 'ftd' });

  it('tail -n N: exactly the last N lines, read from the end of a large log', async () => {
    const s = await open();
    try {
      const r = await s.run(root('tail -n 200 /var/log/messages'), 'root');
      expect(r.unavailable).toBeUndefined();
      expect(r.output.split('\n')).toHaveLength(201);
      expect(r.output.startsWith('line 69801\n')).toBe(true);
      expect(r.output.endsWith('line 70000\n')).toBe(true);
      expect(r.exitCode).toBe(0);
      expect((await s.run(root('tail -n 2 /var/log/no-final-newline.log'), 'root')).output).toBe('b\nc');
      expect((await s.run(root('tail -n 10 /var/log/no-final-newline.log'), 'root')).output).toBe('a\nb\nc');
      expect((await s.run(root('head -n 3 /var/log/messages'), 'root')).output).toBe('line 1\nline 2\nline 3\n');
      expect((await s.run(root('cat /var/log/crlf.log'), 'root')).output).toBe(lines(5));
    } finally {
      await s.close();
    }
  });

  it('facts from sf-version and /etc/hostname (an FMC bundle); the device wins over the inventory', async () => {
    const s = await open();
    try {
      expect(s.facts).toMatchObject({ platform: 'fmc', inventoryPlatform: 'ftd', version: '6.4.0', hostname: 'fmc-east' });
      expect(s.bundle).toMatchObject({ device: 'fmc-east', version: '6.4.0' });
    } finally {
      await s.close();
    }
  });

  it('"not in the bundle": live-only probes, api: steps, unmapped paths, members not wanted or absent', async () => {
    const s = await open();
    try {
      for (const [command, level] of [
        [root('curl -v -k https://api-sse.cisco.com'), 'root'],
        [root('nslookup api-sse.cisco.com'), 'root'],
        ['GET /integration/cloudregions', 'root'],
        [root('cat /etc/sf/unwanted.conf'), 'root'],
        [root('cat /var/log/absent.log'), 'root'],
        [root('cat /opt/elsewhere'), 'root'],
        ['show managers', 'cli'],
      ] as const) {
        const r = await s.run(command, level);
        expect(r, command).toMatchObject({ unavailable: NOT_IN_BUNDLE, output: '' });
      }
    } finally {
      await s.close();
    }
  });
});

it('a bundle that cannot be read is a TransportError invalid-input, one line naming the file', async () => {
  const err = await openBundleSession('/nonexistent/x-troubleshoot.tar.gz', { map, want: new Set(), platform: 'ftd' }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TransportError);
  expect((err as TransportError).triage).toBe('invalid-input');
  expect((err as TransportError).message).toMatch(/^\/nonexistent\/x-troubleshoot\.tar\.gz: /);
  expect((err as TransportError).message).not.toContain('\n');
});
