/** What plan, apply, rollback and the wrong-file refusals print, on the lab (issue 23):
 * verdicts about changes, plan's console, `plan -o` over an existing plan, wrong files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { approve, BAD_DNS, configCommands, fb, GOOD_DNS, makeApprover, readReport, workspace, type Approver } from './helpers.js';

const lastLine = (s: string) => s.trimEnd().split('\n').at(-1);

describe('change run reports on the lab', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const plan = (limit: string, out: string, extra = GOOD_DNS, more: string[] = []) =>
    fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', limit, '-e', extra, '-o', join(ws.dir, `${out}.json`), ...more, ...conn()], ws.dir);

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        ...['p1', 'p2', 's1', 's2'].map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })),
        { name: 'p3', platform: 'ftd', scenario: 'healthy' },
      ],
    });
    ws = workspace(lab);
    cab = makeApprover(ws.dir);
  });
  afterAll(() => lab?.stop());

  it("plan's console says what it found, then what it plans (exit 0); -o over a plan needs --force", async () => {
    const r = await plan('p1,p2,p3', 'plan');
    expect(r.code).toBe(0);
    expect(lastLine(r.stdout)).toBe('What the plan found: FAILED: 12 failed checks on 2 of 3 hosts');
    expect(r.stdout).not.toMatch(/exit 2/);
    expect(lastLine(r.stderr)).toBe('firebook: plan: 2 changes on 2 hosts, 1 left as they are; exit 0');
    const text = readFileSync(join(ws.dir, 'plan.json'), 'utf8');
    const again = await plan('p1,p2', 'plan');
    expect(again.code).toBe(4);
    expect(again.stderr).toContain(`error[cli-usage]: firebook plan: -o ${join(ws.dir, 'plan.json')} already exists: a plan is never overwritten silently`);
    expect(again.stderr).toMatch(/hint: .*--force/);
    expect(readFileSync(join(ws.dir, 'plan.json'), 'utf8')).toBe(text);
    const forced = await plan('p1,p2,p3', 'plan', GOOD_DNS, ['--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(ws.dir, 'plan.html'), 'utf8')).toContain('Apply exactly this plan:');
  }, 60_000);

  it('apply and rollback: verdicts, header and meta about changes', async () => {
    const trust = await approve(join(ws.dir, 'plan.json'), cab, ws.dir);
    const out = join(ws.dir, 'apply-run');
    const a = await fb(['apply', join(ws.dir, 'plan.json'), ...trust, '--ticket', 'CHG-9', '--out', out, ...conn()], ws.dir);
    expect(a.code).toBe(0);
    expect(lastLine(a.stdout)).toBe('APPLIED: 2 of 2 changes verified (exit 0)');
    expect(a.stdout).not.toMatch(/0 fixed/);
    expect(readReport(out).meta.changeRun).toBe('apply');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('**APPLIED: 2 of 2 changes verified (exit 0)**');
    expect(md).toContain('Mode: **apply of a signed plan (changes devices)**');
    expect(md).toContain('## Changes made (2)');
    expect(md).not.toMatch(/before\.dns_servers/);

    const back = join(ws.dir, 'rollback-run');
    const rb = await fb(['rollback', join(out, 'journal.jsonl'), ...trust, '--out', back, ...conn()], ws.dir);
    expect(rb.code).toBe(0);
    expect(lastLine(rb.stdout)).toBe('ROLLED BACK: 2 changes undone (exit 0)');
    expect(rb.stdout).toContain('REMEDIATION p1 fix-dns-servers: undone');
    expect(rb.stdout).not.toMatch(/fixed|NOTHING JUDGED/);
    expect(readReport(back).meta.changeRun).toBe('rollback');
    const rmd = readFileSync(join(back, 'report.md'), 'utf8');
    expect(rmd).toContain('**ROLLED BACK: 2 changes undone (exit 0)**');
    expect(rmd).toContain('Mode: **rollback of an applied plan (changes devices)**');
    expect(rmd).not.toMatch(/NOTHING JUDGED|Mode: \*\*apply/);
    expect(readFileSync(join(back, 'report.html'), 'utf8')).toContain('ROLLED BACK: 2 changes undone (exit 0)');
  }, 90_000);

  it('a stopped apply: the reasons for not started and rolled back are in report.md and report.html', async () => {
    expect((await plan('s1,s2', 'bad', BAD_DNS)).code).toBe(0);
    const out = join(ws.dir, 'bad-run');
    const a = await fb(['apply', join(ws.dir, 'bad.json'), ...(await approve(join(ws.dir, 'bad.json'), cab, ws.dir)), '--serial', '1', '--max-fail-percentage', '0', '--out', out, ...conn()], ws.dir);
    expect(a.code).toBe(2);
    const stop = '1 of 1 hosts of batch 1 failed (more than --max-fail-percentage 0)';
    expect(lastLine(a.stdout)).toBe(`NOT APPLIED: 1 rolled back, 1 not started (${stop}) (exit 2)`);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('## Changes made (1 of 2 sent)');
    expect(md).toContain(`| s2 | \`fix-dns-servers\` | _not sent_ |  |  | – not started: ${stop} |`);
    expect(md).toMatch(/\| s1 \| .* \| ↺ rolled back: verification failed: dns-resolves-sse fail/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(`<span class="small reason">${stop}</span>`);
  }, 90_000);

  it('a wrong file says what it is and which command takes it (exit 4, nothing sent)', async () => {
    const trust = ['--allowed-signers', cab.allowedSigners];
    const run = join(ws.dir, 'apply-run');
    const cases: Array<[string[], string, RegExp]> = [
      [['rollback', join(ws.dir, 'plan.json')], `firebook rollback takes a journal.jsonl: ${join(ws.dir, 'plan.json')} is a change plan (written by firebook plan)`, /hint: a plan is signed with 'firebook approve .*' and applied with 'firebook apply .*plan\.json'/],
      [['resume', join(run, 'report.json')], `firebook resume takes a journal.jsonl: ${join(run, 'report.json')} is a run report (report.json)`, /hint: it is rendered with 'firebook report render .*report\.json'/],
      [['resume', join(run, 'events.jsonl')], `firebook resume takes a journal.jsonl: ${join(run, 'events.jsonl')} is a run's event log (events.jsonl)`, /hint: it is rendered with 'firebook report render/],
      [['apply', join(run, 'journal.jsonl')], `firebook apply takes a plan.json: ${join(run, 'journal.jsonl')} is a change journal (written by firebook apply, resume or rollback)`, /hint: a journal is continued with 'firebook resume .*' or undone with 'firebook rollback .*journal\.jsonl'/],
      [['rollback', run], `firebook rollback takes a journal.jsonl: ${run} is a folder`, new RegExp(`hint: it holds ${join(run, 'journal.jsonl')}, ${join(run, 'report.json')}: name the file`)],
      [['apply', ws.dir], `firebook apply takes a plan.json: ${ws.dir} is a folder`, /hint: it holds .*plan\.json: name the file/],
      [['rollback', join(ws.dir, 'missing.jsonl')], `error[file-not-found]: firebook rollback takes a journal.jsonl: ${join(ws.dir, 'missing.jsonl')} does not exist`, /hint: /],
      [['apply', join(ws.dir, 'plan.json.sig')], `firebook apply takes a plan.json: ${join(ws.dir, 'plan.json.sig')} is a plan's signature (written by firebook approve)`, /hint: apply reads it beside its plan/],
      [['apply', join(ws.dir, 'plan.md')], `firebook apply takes a plan.json: ${join(ws.dir, 'plan.md')} is a plan's ticket view (plan.md or plan.html)`, /hint: apply runs the plan\.json beside it: 'firebook apply .*plan\.json'/],
      [['apply', join(ws.dir, 'plan.html')], `${join(ws.dir, 'plan.html')} is a plan's ticket view`, /hint: apply runs the plan\.json beside it/],
      [['report', 'render', join(ws.dir, 'plan.json')], `firebook report render takes a report.json or events.jsonl: ${join(ws.dir, 'plan.json')} is a change plan`, /hint: a plan is signed/],
    ];
    const sent = ['p1', 'p2'].map((h) => configCommands(lab, h).length);
    for (const [args, message, hint] of cases) {
      const r = await fb([...args, ...(args[0] === 'report' ? [] : [...trust, ...conn()])], ws.dir);
      expect([r.code, r.stderr], args.join(' ')).toEqual([4, expect.stringContaining(message)]);
      expect(r.stderr).toMatch(hint);
      // One line and its hint: no parser position, no errno.
      expect(r.stderr).not.toMatch(/position \d|EISDIR|ENOENT|Unexpected/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    }
    expect(['p1', 'p2'].map((h) => configCommands(lab, h).length)).toEqual(sent);
  }, 60_000);
});
