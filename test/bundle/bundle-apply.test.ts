/** Bundle hosts beside live ones, on the lab (issue #22): one run with an inventory host over
 * SSH and a `--bundle` host; and check mode only: `firebook apply` refuses a plan's host that is
 * now a troubleshoot bundle (`ansible_connection: firebook.bundle`), exit 4, nothing sent. The
 * plan is a real one, made and approved on the lab. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { RunReport } from '../../src/model/result.js';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { approve, configCommands, fb, GOOD_DNS, makeApprover, workspace } from '../change/helpers.js';
import { ftdTree, makeBundle } from './make-bundle.js';

describe('bundle hosts beside a live lab host', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  beforeAll(async () => {
    lab = await startLab({ hosts: [{ name: 'a1', platform: 'ftd', scenario: 'dns-broken' }] });
    ws = workspace(lab);
  });
  afterAll(() => lab?.stop());

  it('run -i INVENTORY --bundle FILE: the live host is run over SSH, the bundle from its file', async () => {
    const out = join(ws.dir, 'mixed-run');
    const r = await fb(['run', ws.playbook, '-i', ws.inventory, '--bundle', makeBundle(ftdTree('ftd-offline')), '--known-hosts', lab.knownHostsPath, '--out', out, '--format', 'json', '-q'], ws.dir);
    expect([0, 2], r.stderr).toContain(r.code);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    const hosts = Object.fromEntries(report.hosts.map((h) => [h.host, h]));
    expect(Object.keys(hosts).sort()).toEqual(['a1', 'ftd-offline']);
    const status = (host: string, id: string) => hosts[host].checks.find((c) => c.checkId === id)?.status;
    // Live: the curl/nslookup probe ran on the device (dns-broken) and was judged.
    expect(status('a1', 'dns-resolves-sse')).toBe('fail');
    expect(hosts.a1.bundle).toBeUndefined();
    expect(lab.commandLog('a1').length).toBeGreaterThan(0);
    // The bundle: the same check is not in it.
    expect(status('ftd-offline', 'dns-resolves-sse')).toBe('skipped');
    expect(hosts['ftd-offline'].bundle?.device).toBe('ftd-offline');
  });

  it('exit 4, one error line naming the host, nothing sent to the device', async () => {
    const conn = ['--known-hosts', lab.knownHostsPath];
    const plan = join(ws.dir, 'plan.json');
    const planned = await fb(['plan', ws.playbook, '-i', ws.inventory, '-e', GOOD_DNS, '-o', plan, '--out', join(ws.dir, 'plan-run'), ...conn], ws.dir);
    expect(planned.code, planned.stderr).toBe(0);
    const cab = makeApprover(mkdtempSync(join(ws.dir, 'cab-')));
    const trust = await approve(plan, cab, ws.dir);
    // The same host, now a bundle: a host_vars file written after the plan was made.
    mkdirSync(join(dirname(ws.inventory), 'host_vars'), { recursive: true });
    writeFileSync(join(dirname(ws.inventory), 'host_vars', 'a1.yml'), `ansible_connection: firebook.bundle\nbundle_path: ${makeBundle(ftdTree('a1'))}\n`);
    const r = await fb(['apply', plan, ...trust, '--out', join(ws.dir, 'apply-run'), ...conn], ws.dir);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/error\[bundle\]: .*host a1 is a troubleshoot bundle.*check mode only/);
    expect(r.stderr.split('\n').filter((l) => l.includes('error[')).length).toBe(1);
    expect(configCommands(lab, 'a1')).toEqual([]);
  });
});
