/** Issue 22 "Bundles as hosts", through the CLI: `run --bundle` and the inventory form; checks
 * whose evidence is not in the bundle are `skipped` "not in the bundle"; log-based checks are
 * judged; a hostile bundle is that host's error; apply modes refuse (exit 4); the report says
 * where each host's evidence came from. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../support/memory-io.js';
import { ftdTree, makeBundle } from './make-bundle.js';
import { validateAgainstSchema } from '../../src/validate/schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'fb-bundle-run-'));

interface CheckRow { checkId: string; status: string; reason?: string | { en: string }; evidence: Array<{ command: string; output: string }>; diagnosis?: { id?: string } }
interface HostRow { host: string; status: string; triage?: { class: string; message: string }; facts?: { platform: string; version?: string; hostname?: string }; bundle?: Record<string, string>; checks: CheckRow[] }
interface Report { meta: { mode: string }; hosts: HostRow[] }

async function cli(args: string[]) {
  const m = memoryIo(ROOT, { HOME: tmp });
  const code = await main(args, m.io);
  return { code, out: m.out(), err: m.err() };
}

async function runReport(args: string[], formats = 'json,html,md'): Promise<{ code: number; report: Report; out: string; dir: string; err: string }> {
  const dir = mkdtempSync(join(tmp, 'out-'));
  const r = await cli(['run', ...args, '--out', dir, '--format', formats, '-q']);
  let report: Report;
  try {
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  } catch (e) {
    throw new Error(`${(e as Error).message} (exit ${r.code}): ${r.err}`);
  }
  return { code: r.code, report, out: r.out, err: r.err, dir };
}

const byId = (h: HostRow) => Object.fromEntries(h.checks.map((c) => [c.checkId, c]));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const NOT_IN = 'not in the bundle';

describe('run --bundle: a SecureX bundle of an FTD 6.5', () => {
  const when = new Date('2026-11-30T08:15:00Z');
  const full = makeBundle(ftdTree('ftd-dc1'), { name: 'ftd-dc1-troubleshoot.tar.gz', mtime: when });

  it('is one host named by its device; log-based checks are judged, live-only probes skipped "not in the bundle"', async () => {
    const { report, err } = await runReport(['playbooks/securex.yml', '--bundle', full]);
    expect(report.hosts.map((h) => h.host), err).toEqual(['ftd-dc1']);
    const host = report.hosts[0];
    expect(host.status).toBe('ok');
    expect(host.facts).toMatchObject({ platform: 'ftd', version: '6.5.0', hostname: 'ftd-dc1' });
    const c = byId(host);
    // Facts from the bundle's show version: 6.5 is in scope.
    expect(c['version-in-scope'].status).toBe('pass');
    // action_queue.log (curl codes of the enrollment probes): read from the bundle and judged.
    expect(c['enrollment-probe-log'].status).toBe('pass');
    expect(c['enrollment-probe-log'].evidence[0].output).toContain('canConnect');
    // connector.log: judged from the bundle — the x509 errors of the fixture are a failure.
    expect(c['connector-log-clean'].status).toBe('fail');
    expect(c['connector-log-clean'].diagnosis?.id).toBe('tls-interception');
    // connector.properties: a file: step (`cat PATH`).
    expect(c['connector-config'].status).toBe('pass');
    // Live-only probes: never guessed.
    for (const id of ['dns-resolves-sse', 'sse-api-reachable', 'sse-endpoints-reachable', 'eventhandler-socket', 'eventing-session', 'sse-processes-running']) {
      expect(c[id].status, id).toBe('skipped');
      expect(c[id].reason, id).toBe(NOT_IN);
    }
  });

  it('the report says where the evidence came from: file, sha256, generation time, device and version (json, html, md)', async () => {
    const { report, dir } = await runReport(['playbooks/securex.yml', '--bundle', full]);
    const b = report.hosts[0].bundle!;
    expect(b).toMatchObject({ file: 'ftd-dc1-troubleshoot.tar.gz', sha256: sha256(full), device: 'ftd-dc1', version: '6.5.0' });
    // The newest member time inside the archive (the tar headers), not the file's own mtime.
    expect(b).toMatchObject({ generatedFrom: 'member-mtime', generatedAt: when.toISOString() });
    expect(validateAgainstSchema('report', { value: report, locate: () => ({ file: 'report.json', line: 1, col: 1 }) })).toEqual([]);
    for (const f of ['report.html', 'report.md']) {
      const text = readFileSync(join(dir, f), 'utf8');
      expect(text, f).toContain('Evidence from troubleshoot bundles');
      expect(text, f).toContain(sha256(full));
      expect(text, f).toContain('ftd-dc1-troubleshoot.tar.gz');
    }
  });

  it('a bundle whose members carry no time: the archive file\'s mtime, labelled so', async () => {
    const timeless = makeBundle(ftdTree('ftd-t0'), { name: 'timeless.tar.gz', mtime: new Date(0) });
    const fileTime = new Date('2026-10-01T00:00:00Z');
    utimesSync(timeless, fileTime, fileTime);
    const { report } = await runReport(['playbooks/securex.yml', '--bundle', timeless], 'json');
    expect(report.hosts[0].bundle).toMatchObject({ generatedFrom: 'archive-mtime', generatedAt: fileTime.toISOString() });
  });

  it('a file name with markup is escaped in the HTML report', async () => {
    const odd = makeBundle(ftdTree('fw<b>x'), { name: 'a<img src=x onerror=alert(1)>.tar.gz' });
    const { report, dir } = await runReport(['playbooks/securex.yml', '--bundle', odd], 'json,html');
    expect(report.hosts[0].bundle?.file).toBe('a<img src=x onerror=alert(1)>.tar.gz');
    // The host is named by the device, made a plain name.
    expect(report.hosts[0].host).toBe('fw_b_x');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('a&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;.tar.gz');
  });
});

describe('a bundle missing some files', () => {
  it('the checks whose files are absent are skipped "not in the bundle"; the rest are judged', async () => {
    const tree = ftdTree('ftd-br7');
    delete tree['dir-archives/var-log/connector/connector.log'];
    delete tree['dir-archives/etc/sf/connector.properties'];
    const partial = makeBundle(tree, { name: 'ftd-br7.tar.gz' });
    const { report, code } = await runReport(['playbooks/securex.yml', 'playbooks/health.yml', '--bundle', partial]);
    const c = byId(report.hosts[0]);
    expect(report.hosts[0].host).toBe('ftd-br7');
    expect(c['connector-log-clean']).toMatchObject({ status: 'skipped', reason: NOT_IN });
    expect(c['connector-config']).toMatchObject({ status: 'skipped', reason: NOT_IN });
    expect(c['enrollment-probe-log'].status).toBe('pass');
    // health.yml: show managers is in the bundle (confirmed file), sftunnel-status-brief is not.
    expect(c['manager-registered'].status).toBe('pass');
    expect(c['sftunnel-connected']).toMatchObject({ status: 'skipped', reason: NOT_IN });
    expect(c['disk-usage']).toMatchObject({ status: 'skipped', reason: NOT_IN });
    // Nothing failed: the skipped checks are not failures.
    expect(code).toBe(0);
  });

  it('a bundle without show version or sf-version: the host keeps its file name, facts checks are not guessed', async () => {
    const tree = ftdTree();
    delete tree['command-outputs/usr-local-sf-bin-sfcli.pl show version.output'];
    const anon = makeBundle(tree, { name: 'anonymous.tar.gz', root: '' });
    const { report } = await runReport(['playbooks/securex.yml', '--bundle', anon]);
    expect(report.hosts[0].host).toBe('anonymous');
    expect(report.hosts[0].bundle?.device).toBeUndefined();
    expect(byId(report.hosts[0])['version-in-scope'].status).not.toBe('pass');
  });
});

describe('hostile or unreadable bundles', () => {
  it('that host is an error (invalid-input, one line); the other bundles run', async () => {
    const good = makeBundle(ftdTree('ftd-good'), { name: 'good.tar.gz' });
    const notGzip = join(mkdtempSync(join(tmp, 'bad-')), 'broken.tar.gz');
    writeFileSync(notGzip, 'this is not a gzip file\n');
    // A member that climbs out of the temp folder.
    const evilDir = mkdtempSync(join(tmp, 'evil-'));
    writeFileSync(join(evilDir, 'x'), 'x');
    const evil = join(evilDir, 'evil.tar.gz');
    execFileSync('tar', ['-czf', evil, '-P', '--transform', 's,^.*x$,../../escaped,', '-C', evilDir, 'x']);
    const { report, code } = await runReport(['playbooks/securex.yml', '--bundle', notGzip, '--bundle', good, '--bundle', evil]);
    const hosts = Object.fromEntries(report.hosts.map((h) => [h.host, h]));
    expect(Object.keys(hosts).sort()).toEqual(['broken', 'evil', 'ftd-good']);
    for (const name of ['broken', 'evil']) {
      expect(hosts[name].status, name).toBe('error');
      expect(hosts[name].triage?.class, name).toBe('invalid-input');
      expect(hosts[name].triage?.message, name).not.toContain('\n');
      expect(hosts[name].triage?.message, name).toContain(`${name}.tar.gz`);
    }
    // What is wrong, said by the archive reader (docs/bundles.md "Reading archives").
    expect(hosts.broken.triage?.message).toMatch(/gzip/i);
    expect(hosts.evil.triage?.message).toMatch(/\.\.\/|outside/i);
    expect(hosts['ftd-good'].status).toBe('ok');
    expect(byId(hosts['ftd-good'])['enrollment-probe-log'].status).toBe('pass');
    expect(code).toBe(3);
  });
});

describe('the inventory form: ansible_connection: firebook.bundle and bundle_path', () => {
  it('the host keeps its inventory name and is answered from its bundle', async () => {
    const bundle = makeBundle(ftdTree('ftd-inv'), { name: 'inv.tar.gz' });
    const dir = mkdtempSync(join(tmp, 'inv-'));
    const inventory = join(dir, 'hosts.yml');
    writeFileSync(inventory, `all:\n  hosts:\n    edge-ftd:\n      ansible_connection: firebook.bundle\n      bundle_path: ${bundle}\n`);
    const { report, err } = await runReport(['playbooks/securex.yml', '-i', inventory]);
    expect(report.hosts.map((h) => h.host), err).toEqual(['edge-ftd']);
    expect(report.hosts[0].bundle).toMatchObject({ file: basename(bundle), device: 'ftd-inv', version: '6.5.0' });
    expect(byId(report.hosts[0])['enrollment-probe-log'].status).toBe('pass');
    expect(byId(report.hosts[0])['dns-resolves-sse']).toMatchObject({ status: 'skipped', reason: NOT_IN });
  });

  it('bundle_path is required', async () => {
    const dir = mkdtempSync(join(tmp, 'inv-'));
    const inventory = join(dir, 'hosts.yml');
    writeFileSync(inventory, 'all:\n  hosts:\n    edge-ftd:\n      ansible_connection: firebook.bundle\n');
    const r = await cli(['run', 'playbooks/securex.yml', '-i', inventory, '--out', mkdtempSync(join(tmp, 'o-'))]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/ansible_connection: firebook.bundle needs bundle_path/);
  });
});

describe('check mode only: apply modes refuse a bundle host (exit 4, nothing run)', () => {
  const bundle = makeBundle(ftdTree('ftd-ro'), { name: 'ro.tar.gz' });
  const inventoryDir = mkdtempSync(join(tmp, 'inv-ro-'));
  const inventory = join(inventoryDir, 'hosts.yml');
  writeFileSync(inventory, `all:\n  hosts:\n    edge-ftd:\n      ansible_connection: firebook.bundle\n      bundle_path: ${bundle}\n`);

  it.each([
    ['run --apply --bundle', () => ['run', 'playbooks/securex.yml', '--apply', '--bundle', bundle]],
    ['run --apply with an inventory bundle host', () => ['run', 'playbooks/securex.yml', '--apply', '-i', inventory]],
    ['plan with an inventory bundle host', () => ['plan', 'playbooks/securex.yml', '-i', inventory, '-o', join(mkdtempSync(join(tmp, 'plan-')), 'plan.json')]],
  ])('%s', async (_what, args) => {
    const out = mkdtempSync(join(tmp, 'refused-'));
    const r = await cli([...args(), '--out', out]);
    expect(r.code, r.err).toBe(4);
    expect(r.err).toMatch(/error\[bundle\]: .*troubleshoot bundle.*check mode only/);
    expect(r.err.split('\n').filter((l) => l.includes('error[')).length).toBe(1);
    // Nothing ran: no report was written.
    expect(() => readFileSync(join(out, 'report.json'))).toThrow();
  });
});

describe('naming and the user map on the command line', () => {
  it('two bundles of the same device are name and name-2', async () => {
    const a = makeBundle(ftdTree('ftd-twice'), { name: 'monday.tar.gz' });
    const b = makeBundle(ftdTree('ftd-twice'), { name: 'tuesday.tar.gz' });
    const { report } = await runReport(['playbooks/securex.yml', '--bundle', a, '--bundle', b], 'json');
    expect(report.hosts.map((h) => [h.host, h.bundle?.file])).toEqual([['ftd-twice', 'monday.tar.gz'], ['ftd-twice-2', 'tuesday.tar.gz']]);
  });

  it('--bundle-map FILE: a path of the user map wins, and the check it feeds is judged', async () => {
    const tree = ftdTree('ftd-moved');
    tree['dir-archives/var-log/sf/connector.log'] = tree['dir-archives/var-log/connector/connector.log'];
    delete tree['dir-archives/var-log/connector/connector.log'];
    const bundle = makeBundle(tree, { name: 'moved.tar.gz' });
    const without = await runReport(['playbooks/securex.yml', '--bundle', bundle], 'json');
    expect(byId(without.report.hosts[0])['connector-log-clean']).toMatchObject({ status: 'skipped', reason: NOT_IN });
    const map = join(mkdtempSync(join(tmp, 'map-')), 'mine.yml');
    writeFileSync(map, 'version: 1\npaths:\n  - { device: /var/log/connector/connector.log, bundle: dir-archives/var-log/sf/connector.log, status: confirmed, source: our bundles }\n');
    const withMap = await runReport(['playbooks/securex.yml', '--bundle', bundle, '--bundle-map', map], 'json');
    expect(byId(withMap.report.hosts[0])['connector-log-clean']).toMatchObject({ status: 'fail', diagnosis: { id: 'tls-interception' } });
  });

  it('an invalid --bundle-map stops the run before anything: file:line:col, exit 4', async () => {
    const map = join(mkdtempSync(join(tmp, 'map-')), 'bad.yml');
    writeFileSync(map, 'version: 1\nreaders:\n  - { words: [tail, "{path}"], take: middle }\n');
    const out = mkdtempSync(join(tmp, 'o-'));
    const r = await cli(['run', 'playbooks/securex.yml', '--bundle', makeBundle(ftdTree()), '--bundle-map', map, '--out', out]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(new RegExp(`^${map}:3:\\d+: error\\[bundle\\]: `, 'm'));
    expect(() => readFileSync(join(out, 'report.json'))).toThrow();
  });
});

it('a waiver names a bundle host by its device name', async () => {
  const bundle = makeBundle(ftdTree('ftd-waived'), { name: 'w.tar.gz' });
  const waivers = join(mkdtempSync(join(tmp, 'waivers-')), 'waivers.yml');
  const today = new Date().toISOString().slice(0, 10);
  const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  writeFileSync(waivers, `waivers:\n  - check: connector-log-clean\n    hosts: ftd-waived\n    justification: proxy exemption pending\n    approver: sec-lead\n    approved: ${today}\n    expires: ${later}\n`);
  const { report, code, err } = await runReport(['playbooks/securex.yml', '--bundle', bundle, '--waivers', waivers], 'json');
  expect(byId(report.hosts[0])['connector-log-clean'].status, err).toBe('waived');
  expect(code).toBe(0);
});
