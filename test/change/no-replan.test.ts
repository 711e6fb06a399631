/**
 * apply acts on plan.json: it never re-plans the playbooks (issue 18). Proved two ways against the
 * lab: a real apply process is traced module by module and never loads the planner (plan/plan.ts:
 * buildPlan, the variables' resolution); and what apply verifies with is the plan's copy of the
 * playbook, not the file. (load/playbook.ts itself is loaded: the CLI's `-e @FILE` reader lives
 * there; the hashes read the playbook's bytes, nothing parses them.)
 * The file hashes still refuse a plan whose inputs changed (change-window.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { CLI, configCommands, fb, GOOD_DNS, readPlan, readReport, workspace } from './helpers.js';
import type { PlanDocument } from '../../src/model/change.js';

const TRACER = join(import.meta.dirname, 'support/trace-modules.mjs');

describe('apply executes plan.json without re-planning', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const plan = (limit: string, name: string) => fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', limit, '-e', GOOD_DNS, '-o', join(ws.dir, `${name}.json`), '--out', join(ws.dir, `${name}-run`), ...conn()], ws.dir);
  /** The CLI as a child whose every loaded module is listed (node's module hooks). */
  // Not spawnSync: the lab answers from this process.
  const traced = async (args: string[], name: string) => {
    const trace = join(ws.dir, `${name}.modules`);
    const child = spawn(process.execPath, ['--import', TRACER, CLI, ...args], { cwd: ws.dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FIREBOOK_OPERATOR: 'tester', FIREBOOK_TRACE_MODULES: trace } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    const modules = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
    return { code, stderr, loaded: (file: string) => modules.some((m) => m.endsWith(`/dist/src/${file}`)) };
  };

  beforeAll(async () => {
    lab = await startLab({ hosts: ['p1', 'p2', 'p3'].map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })) });
    ws = workspace(lab);
  });
  afterAll(() => lab?.stop());

  it('a plan carries what apply acts on: target, platform, variables, the playbook parts; its run is recorded as mode plan', async () => {
    expect((await plan('p1', 'plan1')).code).toBe(0);
    const doc = readPlan(join(ws.dir, 'plan1.json'));
    expect(doc.planVersion).toBe(2);
    const host = doc.hosts[0];
    expect(host).toMatchObject({ host: 'p1', address: '127.0.0.1', platform: 'ftd', user: expect.any(String), port: expect.any(Number) });
    expect(host.vars[0].vars.dns_servers).toEqual(['192.0.2.53', '192.0.2.54']);
    // The connection's secret is named, never stored.
    expect(host.vars[0].secretVars).toContain('ansible_password');
    expect(JSON.stringify(doc)).not.toContain(lab.password);
    const spec = doc.playbooks[0].spec;
    expect(spec.remediations!.map((r) => r.id)).toEqual(['fix-dns-servers']);
    // The verification checks and the checks they read, not the whole playbook.
    expect(spec.checks.map((c) => c.id)).toEqual(expect.arrayContaining(['dns-resolves-sse', 'sse-api-reachable']));
    expect(spec.checks.length).toBeLessThan(readFileSync(ws.playbook, 'utf8').match(/^ {2}- id: /gm)!.length);
    expect(readReport(join(ws.dir, 'plan1-run')).meta.mode).toBe('plan');
  });

  it('a real apply process never loads the planner, and applies the plan', async () => {
    expect((await plan('p2', 'plan2')).code).toBe(0);
    const out = join(ws.dir, 'apply2-run');
    const r = await traced(['apply', join(ws.dir, 'plan2.json'), '--allow-unsigned', '--out', out, ...conn()], 'apply2');
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/1 verified/)]);
    expect(configCommands(lab, 'p2')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
    // The trace works: apply's own modules are listed.
    expect(r.loaded('change/apply-driver.js')).toBe(true);
    expect(r.loaded('inventory/load.js')).toBe(true);
    expect(r.loaded('plan/plan.js')).toBe(false);
    expect(r.loaded('plan/command-values.js')).toBe(false);
    // Control: a command that plans is seen loading the planner.
    const v = await traced(['validate', ws.playbook, '-i', ws.inventory], 'validate');
    expect(v.code).toBe(0);
    expect(v.loaded('plan/plan.js')).toBe(true);
  }, 120_000);

  it("verifies with the plan's copy of the playbook, not the playbook file", async () => {
    expect((await plan('p3', 'plan3')).code).toBe(0);
    const file = join(ws.dir, 'plan3.json');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as PlanDocument;
    const check = doc.playbooks[0].spec.checks.find((c) => c.id === 'dns-resolves-sse')!;
    check.title = { en: 'verified with the copy in plan.json' };
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    const out = join(ws.dir, 'apply3-run');
    const r = await fb(['apply', file, '--allow-unsigned', '--out', out, ...conn()], ws.dir);
    expect(r.code).toBe(0);
    const verification = readReport(out).hosts[0].checks.find((c) => c.checkId === 'dns-resolves-sse')!;
    expect(verification.title).toEqual({ en: 'verified with the copy in plan.json' });
  }, 60_000);

  it('a plan of planVersion 1 is refused: make it again', async () => {
    const file = join(ws.dir, 'old.json');
    writeFileSync(file, readFileSync(join(ws.dir, 'plan1.json'), 'utf8').replace('"planVersion": 2', '"planVersion": 1'));
    const r = await fb(['apply', file, '--allow-unsigned', '--out', join(ws.dir, 'old-run'), ...conn()], ws.dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/old\.json is a planVersion 1 plan.*\n.*re-run firebook plan/);
    expect(configCommands(lab, 'p1')).toEqual([]);
  });
});
