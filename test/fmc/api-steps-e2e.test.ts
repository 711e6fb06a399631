/** Issue 19 "Checks that read the FMC", end to end over real HTTPS and SSH: `api:` steps read the
 * lab's FMC emulator through the DeviceSession seam, in the same report as the SSH checks of the
 * FTDs it lists; each fmc-* check fails with its own diagnosis when the emulator is set so; GET
 * only and one-segment path holes are refused at validate / at run; the password is in no file. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { startLabFmc, type LabFmc } from '../../src/lab/fmc-lab.js';
import { fbAsync } from '../cli/helpers.js';
import { filesUnder, useLabFmc } from './lab-fmc-fixture.js';
import { renderApiPath } from '../../src/command/index.js';

const fx = useLabFmc(6, 'fb-fmc-api-');
const { out, env } = fx;
let runs = 0;
type Check = { checkId: string; status: string; reason?: unknown; diagnosis?: { id?: string; cause?: unknown } };
type Report = { hosts: { host: string; status: string; platform?: string; checks: Check[] }[] };

async function run(args: string[] = []): Promise<{ report: Report; dir: string; status: number; stdout: string; stderr: string }> {
  const dir = join(out, `run${++runs}`);
  const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', fx.fmc.inventoryPath, '--known-hosts', fx.lab.knownHostsPath, '--out', dir, '--format', 'json,html,md,junit,prom', ...args], { env: env() });
  return { report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report, dir, status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const fmcHost = () => new URL(fx.fmc.emulator.url).hostname;
const checkOf = (rep: Report, id: string) => rep.hosts.find((h) => h.host === fmcHost())!.checks.find((c) => c.checkId === id)!;
const FMC_CHECKS = ['fmc-cloud-region', 'fmc-securex-enabled', 'fmc-cloud-events', 'fmc-device-connected'];

describe('api: steps against the lab FMC', () => {
  it('one report: SSH checks on the FTDs, API checks on the FMC; fmc-* pass on a healthy lab; no password in any file', async () => {
    const r = await run();
    expect(r.status, r.stderr).toBe(0);
    for (const id of FMC_CHECKS.filter((c) => c !== 'fmc-securex-enabled')) expect(checkOf(r.report, id)?.status, id).toBe('pass');
    // the lab's FMC is older than 7.0: /integration/securexconfigs does not exist there, and the check says so
    expect(checkOf(r.report, 'fmc-securex-enabled')).toMatchObject({ status: 'skipped' });
    expect(JSON.stringify(checkOf(r.report, 'fmc-securex-enabled').reason)).toMatch(/7\.0/);
    const ftds = r.report.hosts.filter((h) => h.host !== fmcHost());
    expect(ftds.length).toBeGreaterThan(0);
    for (const h of ftds) {
      // on a device the FMC lists, the FMC API checks are skipped, saying why
      for (const id of FMC_CHECKS) expect(h.checks.find((c) => c.checkId === id)?.status, `${h.host} ${id}`).toBe('skipped');
      expect(h.checks.some((c) => c.status === 'pass')).toBe(true);
    }
    for (const f of filesUnder(r.dir)) expect(readFileSync(f, 'utf8'), f).not.toContain(fx.fmc.password);
    expect(r.stdout + r.stderr).not.toContain(fx.fmc.password);
    // the evidence is the FMC's JSON answer
    const rep = readFileSync(join(r.dir, 'report.json'), 'utf8');
    expect(rep).toContain('GET /integration/cloudregions');
  });

  it('each fmc-* check fails with its own diagnosis when the FMC is set so', async () => {
    const ftd = fx.fmc.emulator.devices[0].name;
    fx.fmc.emulator.setIntegration({ cloudEvents: false, securexEnabled: false, cloudRegion: 'eu-central-1' });
    fx.fmc.emulator.setDevice(ftd, { isConnected: false });
    try {
      const r = await run();
      const diag = (id: string) => checkOf(r.report, id);
      expect(diag('fmc-cloud-events')).toMatchObject({ status: 'fail', diagnosis: { id: 'fmc-cloud-events-off' } });
      expect(diag('fmc-cloud-region')).toMatchObject({ status: 'fail', diagnosis: { id: 'fmc-region-mismatch' } });
      expect(JSON.stringify(diag('fmc-cloud-region').diagnosis?.cause)).toContain('eu-central-1');
      expect(diag('fmc-device-connected')).toMatchObject({ status: 'fail', diagnosis: { id: 'fmc-device-disconnected' } });
      expect(JSON.stringify(diag('fmc-device-connected').diagnosis?.cause)).toContain(ftd);
      for (const f of filesUnder(r.dir)) expect(readFileSync(f, 'utf8'), f).not.toContain(fx.fmc.password);
    } finally {
      fx.fmc.emulator.setIntegration({ cloudEvents: true, securexEnabled: true, cloudRegion: undefined });
      fx.fmc.emulator.setDevice(ftd, { isConnected: true });
    }
  });

  it('--record keeps the API answers and --replay gives them back without asking the FMC again', async () => {
    const rec = join(out, 'rec');
    const a = await run(['--record', rec]);
    expect(a.status, a.stderr).toBe(0);
    const dir = join(out, 'replayed');
    const asked = () => Object.entries(fx.fmc.emulator.stats.byPath).filter(([p]) => p.includes('/integration/')).reduce((n, [, c]) => n + c, 0);
    const before = asked();
    expect(before).toBeGreaterThan(0);
    // the inventory is still read from the FMC; the api: steps are answered from the recording
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', fx.fmc.inventoryPath, '--replay', rec, '--out', dir, '--format', 'json'], { env: env() });
    expect(r.status, r.stderr).toBe(0);
    expect(asked()).toBe(before);
    const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    for (const id of ['fmc-cloud-region', 'fmc-cloud-events', 'fmc-device-connected']) expect(checkOf(rep, id).status, id).toBe('pass');
  });

  it('GET only: an api: step with another method is refused at validate (exit 4), nothing runs', async () => {
    const pb = join(out, 'post.yml');
    writeFileSync(pb, 'name: t\nchecks:\n  - id: c\n    title: t\n    severity: low\n    collect:\n      - api: { post: /integration/securexconfigs }\n    expect: [{ of: exit, equals: 0 }]\n');
    const r = await fbAsync(['validate', pb]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/post\.yml:7:\d+: error\[schema\]/);
  });

  it('a path hole cannot inject ?, /.., # or %: refused when rendered, and the literal text is checked at validate', async () => {
    for (const bad of ['x?limit=1', '../../fmc_platform', 'a#b', 'a%2e', 'a/b', '..', 'a b']) {
      expect(() => renderApiPath('/devices/devicerecords/{{id}}', { id: bad }), bad).toThrow(/one API path segment|not/);
    }
    expect(renderApiPath('/devices/devicerecords/{{id}}', { id: '966e41da-a0f7-11ea-b9d2-a72388220492' })).toBe('/devices/devicerecords/966e41da-a0f7-11ea-b9d2-a72388220492');
    const pb = join(out, 'inject.yml');
    writeFileSync(pb, 'name: t\ncheck_x: 1\n'.replace('check_x: 1\n', '') + 'vars: { dev: "x/../../fmc_platform" }\nchecks:\n  - id: c\n    title: t\n    severity: low\n    collect:\n      - api: { get: "/devices/devicerecords/{{dev}}#frag" }\n    expect: [{ of: exit, equals: 0 }]\n');
    const r = await fbAsync(['validate', pb]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/inject\.yml:\d+:\d+: error\[template\]: '#' is not allowed in an API path/);
  });

  it('an api: step on a host not from a firebook.fmc source is that check error, with the reason', async () => {
    const pb = join(out, 'static.yml');
    writeFileSync(pb, 'name: t\nchecks:\n  - id: regions\n    title: t\n    severity: low\n    collect:\n      - api: { get: /integration/cloudregions }\n        parse: { parser: json }\n    expect: [{ of: item_count, gte: 1 }]\n');
    const dir = join(out, 'static-run');
    const r = await fbAsync(['run', pb, '-i', fx.lab.inventoryPath, '--limit', fx.lab.hosts[0].name, '--known-hosts', fx.lab.knownHostsPath, '--out', dir, '--format', 'json']);
    const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    const c = rep.hosts[0].checks.find((x) => x.checkId === 'regions')!;
    expect(c.status, r.stderr).toBe('error');
    expect(JSON.stringify(c.reason)).toMatch(/did not come from a plugin: firebook\.fmc inventory source/);
  });
});

describe('fmc-securex-enabled on an FMC 7.0 (the endpoint exists from 7.0)', () => {
  let lab7: Lab;
  let fmc7: LabFmc;
  beforeAll(async () => {
    lab7 = await startLab({ hosts: [{ name: 'ftd01', platform: 'ftd' }, { name: 'ftd02', platform: 'ftd' }, { name: 'fmc01', platform: 'fmc', version: '7.0.1' }] });
    fmc7 = await startLabFmc(lab7);
  });
  afterAll(async () => {
    await fmc7?.stop();
    await lab7?.stop();
  });
  const run7 = async (name: string) => {
    const dir = join(out, name);
    const r = await fbAsync(['run', 'playbooks/securex.yml', '-i', fmc7.inventoryPath, '--tags', 'fmc-securex-enabled', '--known-hosts', lab7.knownHostsPath, '--out', dir, '--format', 'json'], { env: { FMC_PASSWORD: fmc7.password, XDG_CACHE_HOME: join(out, 'cache7') } });
    const rep = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    return { r, c: rep.hosts.find((h) => h.host === new URL(fmc7.emulator.url).hostname)!.checks.find((c) => c.checkId === 'fmc-securex-enabled')! };
  };
  it('passes when SecureX is enabled, and fails with fmc-securex-disabled when it is not', async () => {
    const ok = await run7('securex-on');
    expect(ok.c.status, ok.r.stderr).toBe('pass');
    fmc7.emulator.setIntegration({ securexEnabled: false });
    const off = await run7('securex-off');
    expect(off.c).toMatchObject({ status: 'fail', diagnosis: { id: 'fmc-securex-disabled' } });
  });
});

describe('plan time', () => {
  it('a value that is not one path segment is refused before anything runs (exit 4), naming the hole and not the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-fmc-plan-'));
    try {
      writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    fmc1: { ansible_host: 127.0.0.1, platform: fmc, dev: SECRETVALUE/../../fmc_platform }\n');
      writeFileSync(join(dir, 'pb.yml'), 'name: t\ninputs: { dev: { type: string } }\nchecks:\n  - id: c\n    title: t\n    severity: low\n    collect:\n      - api: { get: "/devices/devicerecords/{{dev}}" }\n        parse: { parser: json }\n    expect: [{ of: item_count, gte: 1 }]\n');
      const r = await fbAsync(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.yml'), '--out', join(dir, 'out')]);
      expect(r.status).toBe(4);
      expect(r.stderr).toMatch(/dev is not one API path segment/);
      expect(r.stderr).toMatch(/in an api: path/);
      expect(r.stderr).not.toContain('SECRETVALUE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
