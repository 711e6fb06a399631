/**
 * Issue 18: when --known-hosts / --accept-new-host-keys and the inventory's ssh args
 * (UserKnownHostsFile, StrictHostKeyChecking) disagree, the inventory wins for its hosts, and
 * firebook says so once on stderr, naming the group or the hosts. Against the lab, via the CLI.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';

interface HostRow { host: string; status: string; triage?: { class: string } }

describe('the inventory\'s host-key options override the flags, said once', () => {
  let lab: Lab;
  let tmp: string;
  let empty: string;
  beforeAll(async () => {
    lab = await startLab({ hosts: [1, 2, 3].map((i) => ({ name: `ftd0${i}`, platform: 'ftd' as const, scenario: 'healthy' })) });
    tmp = mkdtempSync(join(tmpdir(), 'fb-hknote-'));
    empty = join(tmp, 'empty_known_hosts');
    writeFileSync(empty, '');
  });
  afterAll(() => lab?.stop());

  const run = async (inventory: string, extra: string[]) => {
    const out = mkdtempSync(join(tmp, 'out-'));
    const chunks: string[] = [];
    const sink = (buf: string[]) => new Writable({ write(chunk, _enc, cb) { buf.push(String(chunk)); cb(); } });
    const io: CliIO = { stdout: sink([]), stderr: sink(chunks), cwd: ROOT, env: { HOME: tmp } };
    const code = await main(['run', 'playbooks/securex.yml', '-i', inventory, '--out', out, '--format', 'json', '-q', '--tags', 'version-in-scope', ...extra], io);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { hosts: HostRow[] };
    return { code, err: chunks.join(''), status: Object.fromEntries(report.hosts.map((h) => [h.host, h.triage?.class ?? h.status])) };
  };
  const notes = (err: string) => err.split('\n').filter((l) => l.startsWith('firebook: note:'));

  it('group_vars sets UserKnownHostsFile for the group: --known-hosts is overridden for its 3 hosts, one note naming the group', async () => {
    const dir = mkdtempSync(join(tmp, 'inv-'));
    const inv = writeInventory(lab, [], dir);
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'lab.yml'), `ansible_ssh_common_args: -o UserKnownHostsFile=${lab.knownHostsPath}\n`);
    // --known-hosts names a file without the lab's keys: had it won, every host would be host-key-unknown.
    const r = await run(inv, ['--known-hosts', empty]);
    expect(r.code, r.err).toBe(0);
    expect(r.status).toEqual({ ftd01: 'ok', ftd02: 'ok', ftd03: 'ok' });
    expect(notes(r.err)).toEqual([
      "firebook: note: the inventory's ansible_ssh_common_args sets UserKnownHostsFile for group lab (3 hosts); it overrides --known-hosts for those hosts, as ssh args do in Ansible",
    ]);
  });

  it('StrictHostKeyChecking=yes on two hosts beats --accept-new-host-keys there (one note naming them); the third accepts its new key', async () => {
    const kh = join(tmp, 'new_known_hosts');
    const strict = { ansible_ssh_extra_args: '-o StrictHostKeyChecking=yes' };
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), { ftd01: strict, ftd02: strict });
    const r = await run(inv, ['--accept-new-host-keys', '--known-hosts', kh]);
    expect(r.status).toEqual({ ftd01: 'host-key-unknown', ftd02: 'host-key-unknown', ftd03: 'ok' });
    expect(notes(r.err)).toEqual([
      "firebook: note: the inventory's ansible_ssh_extra_args sets StrictHostKeyChecking for 2 hosts (ftd01, ftd02); it overrides --accept-new-host-keys for those hosts, as ssh args do in Ansible",
    ]);
  });

  it('no note when they agree, or when no flag was given', async () => {
    const inv = writeInventory(lab, [], mkdtempSync(join(tmp, 'inv-')), Object.fromEntries(lab.hosts.map((h) => [h.name, { ansible_ssh_common_args: `-o UserKnownHostsFile=${lab.knownHostsPath} -o StrictHostKeyChecking=yes` }])));
    for (const flags of [['--known-hosts', lab.knownHostsPath], []]) {
      const r = await run(inv, flags);
      expect(r.code, r.err).toBe(0);
      expect(notes(r.err)).toEqual([]);
    }
  });
});
