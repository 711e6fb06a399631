/** Issue #22 "The lab": the SecureX and health playbooks run live on lab devices (over SSH) and on
 * the troubleshoot bundles the lab wrote from the same devices' state (`firebook run … --bundle`)
 * give, for every check whose evidence a bundle carries (action_queue.log, connector.log,
 * connector.properties, show version, show managers), the same verdict: status, diagnosis id and
 * cause. Every check that needs a live probe (curl, nslookup, pmtool, netstat, lsof, the health
 * commands a bundle has no output of) is `skipped` with the reason "not in the bundle". */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, writeLabBundles, type Lab, type LabHostSpec } from '../../src/lab/index.js';
import { main } from '../../src/cli/main.js';
import { localize } from '../../src/model/playbook.js';
import type { CheckResult, HostResult, RunReport } from '../../src/model/result.js';
import { memoryIo } from '../support/memory-io.js';

const ROOT = join(import.meta.dirname, '../..');
const PLAYBOOKS = ['playbooks/securex.yml', 'playbooks/health.yml'];

/** Checks judged from what a bundle carries, or not applicable on these hosts either way. */
const SAME_VERDICT = [
  'version-in-scope', // facts from show version
  'enrollment-probe-log', // action_queue.log
  'connector-config', // connector.properties
  'connector-log-clean', // connector.log
  'manager-registered', // show managers
  // Not applicable on a host of a static inventory (no FMC API) or outside an HA group: skipped alike.
  'fmc-cloud-region', 'fmc-securex-enabled', 'fmc-cloud-events', 'fmc-device-connected', 'ha-pair-consistent',
];
/** Checks whose evidence is a live probe: on a bundle they are skipped, "not in the bundle". */
const LIVE_ONLY = [
  'dns-resolves-sse', 'sse-api-reachable', 'sse-endpoints-reachable', // curl, nslookup
  'sse-processes-running', 'eventhandler-socket', 'eventing-session', // pmtool, netstat, lsof
  'sftunnel-connected', 'disk-usage', 'ntp-synced', 'processes-running', 'ha-state', // health commands a bundle has no output of
];

/** One device per scenario that changes what a log-based check concludes (plus an FMC of each
 * login, a 7.0 and a 7.2 device). */
const AGREEING: LabHostSpec[] = [
  { name: 'ftd-healthy', platform: 'ftd', scenario: 'healthy' },
  { name: 'ftd-dns', platform: 'ftd', scenario: 'dns-broken' },
  { name: 'ftd-egress', platform: 'ftd', scenario: 'egress-blocked' },
  { name: 'ftd-detached', platform: 'ftd', scenario: 'eventhandler-detached' },
  { name: 'ftd-misconf', platform: 'ftd', scenario: 'connector-misconfigured' },
  { name: 'ftd-stopped', platform: 'ftd', scenario: 'connector-stopped' },
  { name: 'ftd-tls', platform: 'ftd', scenario: 'tls-intercepted' },
  { name: 'ftd-70', platform: 'ftd', scenario: 'healthy', version: '7.0.1' },
  { name: 'ftd-72', platform: 'ftd', scenario: 'newer-release' },
  { name: 'ftd-pending', platform: 'ftd', scenario: 'registration-pending' },
  { name: 'ftd-fdm', platform: 'ftd', scenario: 'fdm-managed' },
  { name: 'fmc-healthy', platform: 'fmc', scenario: 'healthy', fmcLogin: 'cli' },
  { name: 'fmc-bash', platform: 'fmc', scenario: 'egress-blocked', fmcLogin: 'bash' },
];
/** The one difference by design: with expert mode disabled, the root-level checks are a
 * privilege error live, while the bundle carries their files. */
const LOCKED: LabHostSpec = { name: 'ftd-locked', platform: 'ftd', scenario: 'expert-disabled' };
const FLEET = [...AGREEING, LOCKED];

async function run(args: string[]): Promise<RunReport> {
  const out = mkdtempSync(join(tmpdir(), 'fb-lvb-out-'));
  const m = memoryIo(ROOT, { HOME: tmpdir() });
  const code = await main(['run', ...PLAYBOOKS, ...args, '--out', out, '--format', 'json', '-q'], m.io);
  expect([0, 2, 3], m.err()).toContain(code); // 3: ftd-locked's privilege errors, live
  return JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
}

const verdict = (c: CheckResult) => ({
  status: c.status,
  diagnosis: c.diagnosis?.id,
  cause: c.diagnosis ? localize(c.diagnosis.cause) : undefined,
  reason: c.status === 'skipped' && c.reason ? localize(c.reason) : undefined,
});

describe('live vs bundle on the lab (issue #22 "The lab")', () => {
  let lab: Lab;
  let live: RunReport;
  let bundle: RunReport;
  let paths: string[];
  // The generation time (a tar header keeps whole seconds).
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const host = (r: RunReport, name: string): HostResult => r.hosts.find((h) => h.host === name)!;

  beforeAll(async () => {
    lab = await startLab({ hosts: FLEET });
    paths = await writeLabBundles(lab, mkdtempSync(join(tmpdir(), 'fb-lvb-bundles-')), { now });
    expect(paths).toHaveLength(FLEET.length);
    live = await run(['-i', lab.inventoryPath]);
    bundle = await run(paths.flatMap((p) => ['--bundle', p]));
  }, 240_000);
  afterAll(() => lab?.stop());

  it('names each bundle host by the device name inside its bundle', () => {
    expect(bundle.hosts.map((h) => h.host).sort()).toEqual(FLEET.map((h) => h.name).sort());
  });

  it("says where each host's evidence came from: the lab's file, its sha256, the generation time, the device and version", () => {
    for (const [i, spec] of FLEET.entries()) {
      expect(host(bundle, spec.name).bundle, spec.name).toEqual({
        file: `${spec.name}-troubleshoot.tar.gz`,
        sha256: createHash('sha256').update(readFileSync(paths[i])).digest('hex'),
        generatedAt: now.toISOString(),
        generatedFrom: 'member-mtime',
        device: spec.name,
        version: lab.hosts[i].version,
      });
    }
  });

  it('sorts every check of both playbooks into one of the two kinds', () => {
    const ids = new Set(live.hosts.flatMap((h) => h.checks.map((c) => c.checkId)));
    expect([...ids].filter((id) => !SAME_VERDICT.includes(id) && !LIVE_ONLY.includes(id))).toEqual([]);
    expect([...ids].sort()).toEqual([...SAME_VERDICT, ...LIVE_ONLY].sort());
  });

  it('gives the same verdict for every check whose evidence the bundle carries', () => {
    for (const { name } of AGREEING) {
      const l = host(live, name), b = host(bundle, name);
      for (const id of SAME_VERDICT) {
        const lc = l.checks.find((c) => c.checkId === id)!, bc = b.checks.find((c) => c.checkId === id);
        expect(bc, `${name} ${id}`).toBeDefined();
        expect(verdict(bc!), `${name} ${id}`).toEqual(verdict(lc));
      }
    }
  });

  it('the agreement is not an agreement of passes: the lab breaks each log-based check somewhere', () => {
    const got = (name: string, id: string) => verdict(host(bundle, name).checks.find((c) => c.checkId === id)!);
    expect(got('ftd-dns', 'enrollment-probe-log')).toMatchObject({ status: 'fail', diagnosis: 'dns-resolution' });
    expect(got('ftd-egress', 'enrollment-probe-log')).toMatchObject({ status: 'fail', diagnosis: 'no-internet-path' });
    expect(got('fmc-bash', 'enrollment-probe-log')).toMatchObject({ status: 'fail', diagnosis: 'no-internet-path' });
    expect(got('ftd-tls', 'enrollment-probe-log')).toMatchObject({ status: 'fail', diagnosis: 'tls-problem' });
    expect(got('ftd-misconf', 'connector-config')).toMatchObject({ status: 'fail', diagnosis: 'connector-misconfigured' });
    expect(got('ftd-egress', 'connector-log-clean')).toMatchObject({ status: 'fail', diagnosis: 'egress-blocked' });
    expect(got('ftd-tls', 'connector-log-clean')).toMatchObject({ status: 'fail', diagnosis: 'tls-interception' });
    expect(got('ftd-pending', 'manager-registered').status).toBe('fail');
    expect(got('ftd-healthy', 'connector-log-clean').status).toBe('pass');
    expect(got('ftd-72', 'enrollment-probe-log')).toMatchObject({ status: 'skipped', reason: 'not applicable: 7.2.4 > 7.1' });
  });

  it('with expert mode disabled, the bundle judges from its files what the live run cannot read', () => {
    const l = host(live, LOCKED.name), b = host(bundle, LOCKED.name);
    const healthy = host(bundle, 'ftd-healthy');
    for (const id of ['enrollment-probe-log', 'connector-config', 'connector-log-clean']) {
      expect(l.checks.find((c) => c.checkId === id)!.status, `live ${id}`).toBe('error');
      expect(verdict(b.checks.find((c) => c.checkId === id)!), `bundle ${id}`).toEqual(verdict(healthy.checks.find((c) => c.checkId === id)!));
    }
    for (const id of LIVE_ONLY) expect(verdict(b.checks.find((c) => c.checkId === id)!).reason, id).toMatch(/not in the bundle/);
  });

  it('skips every live-only check on a bundle with the reason "not in the bundle"', () => {
    for (const { name } of AGREEING) {
      const l = host(live, name), b = host(bundle, name);
      for (const id of LIVE_ONLY) {
        const lc = l.checks.find((c) => c.checkId === id)!, bc = b.checks.find((c) => c.checkId === id);
        expect(bc?.status, `${name} ${id}`).toBe('skipped');
        // A check not applicable to the host is skipped for that reason on both sides.
        if (lc.status === 'skipped') expect(verdict(bc!).reason, `${name} ${id}`).toBe(verdict(lc).reason);
        else expect(verdict(bc!).reason, `${name} ${id}`).toMatch(/not in the bundle/);
      }
    }
  });
});
