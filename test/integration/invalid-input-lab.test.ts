/**
 * Issue 18: in `run` (check mode) a host whose inventory value its input refuses is that host's
 * `error` (triage `invalid-input`), and every other host runs; `validate` and `plan` still
 * refuse the whole run (exit 4). Against the lab, through the CLI.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ROOT, writeInventory } from './helpers.js';
import { memoryIo } from '../support/memory-io.js';


interface HostRow { host: string; status: string; triage?: { class: string; message: string; next: { en: string } }; checks: unknown[] }

describe('an inventory value an input refuses, on one host of three', () => {
  let lab: Lab;
  let tmp: string;
  let inventory: string;
  beforeAll(async () => {
    lab = await startLab({ hosts: [1, 2, 3].map((i) => ({ name: `ftd0${i}`, platform: 'ftd' as const, scenario: 'healthy' })) });
    tmp = mkdtempSync(join(tmpdir(), 'fb-badinput-'));
    const dir = mkdtempSync(join(tmp, 'inv-'));
    inventory = writeInventory(lab, [], dir);
    mkdirSync(join(dir, 'host_vars'));
    // The typo of the issue: one host_vars file, one wrong region.
    writeFileSync(join(dir, 'host_vars', 'ftd03.yml'), 'sse_region: apxj\n');
    // The group's (valid) value is overridden by the host's: the message names the host_vars file.
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'lab.yml'), 'sse_region: us\n');
  });
  afterAll(() => lab?.stop());

  const cli = async (args: string[]) => {
    const m = memoryIo(ROOT, { HOME: tmp });
    const code = await main(args, m.io);
    return { code, out: m.out(), err: m.err() };
  };

  it('run: that host is `error` · invalid-input naming the variable, its file and the accepted values; the others ran; exit 3', async () => {
    const out = mkdtempSync(join(tmp, 'out-'));
    const r = await cli(['run', 'playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '--out', out, '--format', 'json', '-q']);
    expect(r.code, r.err + r.out).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { hosts: HostRow[]; notRun: string[] };
    const byHost = Object.fromEntries(report.hosts.map((h) => [h.host, h]));
    expect(Object.keys(byHost).sort()).toEqual(['ftd01', 'ftd02', 'ftd03']);
    expect(report.notRun).toEqual([]);
    const bad = byHost.ftd03;
    expect(bad.status).toBe('error');
    expect(bad.triage?.class).toBe('invalid-input');
    expect(bad.triage?.message).toMatch(/^input 'sse_region' in \S*host_vars\/ftd03\.yml: "apxj" is not one of us, eu, apj/);
    expect(bad.triage?.next.en).toMatch(/fix it there/);
    expect(bad.checks).toEqual([]);
    // Nothing was sent to ftd03: it was never logged in to.
    expect(lab.commandLog('ftd03')).toEqual([]);
    for (const good of ['ftd01', 'ftd02']) {
      expect(byHost[good].status).toBe('ok');
      expect(byHost[good].checks.length).toBeGreaterThan(0);
    }
  });

  it('validate and plan on the same inventory still refuse the whole run: exit 4, naming the input', async () => {
    const v = await cli(['validate', 'playbooks/securex.yml', '-i', inventory]);
    expect(v.code).toBe(4);
    expect(v.out + v.err).toMatch(/error\[invalid-variable\]: input 'sse_region': "apxj" is not one of us, eu, apj.* for host 'ftd03'/);
    const p = await cli(['plan', 'playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '-o', join(mkdtempSync(join(tmp, 'plan-')), 'plan.json'), '-q']);
    expect(p.code).toBe(4);
    expect(p.out + p.err).toMatch(/input 'sse_region': "apxj" is not one of us, eu, apj/);
  });

  it('run --apply refuses the whole run too (exit 4): only check mode runs around a bad value', async () => {
    const r = await cli(['run', 'playbooks/securex.yml', '-i', inventory, '--known-hosts', lab.knownHostsPath, '--apply', '--out', mkdtempSync(join(tmp, 'out-')), '-q']);
    expect(r.code).toBe(4);
    expect(r.out + r.err).toMatch(/input 'sse_region': "apxj" is not one of us, eu, apj/);
  });

  it('a wrong type is named with its type; a value from -e is still everyone\'s error (exit 4)', async () => {
    const dir = mkdtempSync(join(tmp, 'inv-'));
    const inv = writeInventory(lab, [], dir);
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'all.yml'), 'dns_servers: [192.0.2.53]\n');
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'host_vars', 'ftd01.yml'), 'dns_servers: [192.0.2.53, not-an-address]\n');
    const out = mkdtempSync(join(tmp, 'out-'));
    const r = await cli(['run', 'playbooks/securex.yml', '-i', inv, '--known-hosts', lab.knownHostsPath, '--out', out, '--format', 'json', '-q']);
    expect(r.code, r.err + r.out).toBe(3);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { hosts: HostRow[] };
    const statuses = Object.fromEntries(report.hosts.map((h) => [h.host, h.status]));
    expect(statuses).toEqual({ ftd01: 'error', ftd02: 'ok', ftd03: 'ok' });
    expect(report.hosts.find((h) => h.host === 'ftd01')!.triage!.message).toMatch(/^input 'dns_servers' in \S*host_vars\/ftd01\.yml must be ip-list: item 2: /);
    const e = await cli(['run', 'playbooks/securex.yml', '-i', inv, '--known-hosts', lab.knownHostsPath, '-e', 'sse_region=apxj', '--out', mkdtempSync(join(tmp, 'out-')), '-q']);
    expect(e.code).toBe(4);
    expect(e.out + e.err).toMatch(/-e sse_region=apxj: input 'sse_region' must be string/);
  });
});
