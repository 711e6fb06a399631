/** After a crash (issue 23): an apply killed with SIGKILL at each phase, then rollback; resume
 * bound by the approved window; one history however many resumes; `change status`. */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, connectionSpec } from '../../src/inventory/index.js';
import { SshConnector } from '../../src/transport/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { JournalEntry } from '../../src/model/change.js';
import { inOffsetOf } from '../../src/change/window.js';
import { approve, fb, fbChild, GOOD_DNS, makeApprover, readJournal, readReport, waitForJournal, workspace, type Approver } from './helpers.js';

const BEFORE = ['203.0.113.53'];
const AFTER = ['192.0.2.53', '192.0.2.54'];
const GROUPS = { send: ['s1', 's2', 's3'], sent: ['t1', 't2', 't3'], answered: ['n1', 'n2', 'n3'], verify: ['v1', 'v2', 'v3'], window: ['w1', 'w2', 'w3'], twice: ['h1', 'h2', 'h3', 'h4'], unsure: ['u1'] };

/** The run folder a command created in `parent` (the only new one). */
const newFolder = (parent: string, before: readonly string[]) => join(parent, readdirSync(parent).filter((n) => !before.includes(n))[0]!);

describe('recovery after a crash, on the lab', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  const conn = () => ['--known-hosts', lab.knownHostsPath, '--allowed-signers', cab.allowedSigners];
  const dns = (h: string) => lab.state(h).dnsServers;
  const plan = async (hosts: string[], name: string) => {
    const p = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', hosts.join(','), '-e', GOOD_DNS, '-o', join(ws.dir, `${name}.json`), '--out', join(ws.dir, `${name}-plan-run`), '--known-hosts', lab.knownHostsPath], ws.dir);
    expect(p.code).toBe(0);
    await approve(join(ws.dir, `${name}.json`), cab, ws.dir);
    return join(ws.dir, `${name}.json`);
  };
  /** Starts an apply and kills it (SIGKILL) once its journal has a line `at` accepts. */
  const killedApply = async (planFile: string, out: string, at: (e: JournalEntry) => boolean, extra: string[] = []) => {
    const run = fbChild(['apply', planFile, '--out', out, ...extra, ...conn()], ws.dir);
    await waitForJournal(join(out, 'journal.jsonl'), at);
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe(null);
    return join(out, 'journal.jsonl');
  };

  beforeAll(async () => {
    lab = await startLab({ hosts: Object.values(GROUPS).flat().map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })), latencyMs: 120 });
    ws = workspace(lab);
    cab = makeApprover(ws.dir, 'cab@example.com');
  });
  afterAll(() => lab?.stop());

  it.each([
    ['before send', 'send', (e: JournalEntry) => e.type === 'captured' && e.when === 'before'],
    ['after send', 'sent', (e: JournalEntry) => e.type === 'command' && e.phase === 'apply'],
    ['after the device answered the change', 'answered', (e: JournalEntry) => e.type === 'answer' && e.phase === 'apply'],
    ['during verify', 'verify', (e: JournalEntry) => e.type === 'command' && e.phase === 'verify'],
  ] as const)('killed %s, rollback restores every device or refuses with the resume hint; never exit 0 with a device changed', async (_phase, group, at) => {
    const hosts = GROUPS[group];
    const journal = await killedApply(await plan(hosts, `kill-${group}`), join(ws.dir, `kill-${group}`), at);
    const back = join(ws.dir, `kill-${group}-back`);
    const rb = await fb(['rollback', journal, '--out', back, ...conn()], ws.dir);
    // A change was sent to every host killed during verify: there is something to undo.
    if (group === 'verify') expect(rb.stderr).toMatch(/rollback: [1-9]\d* undone/);
    const changed = hosts.filter((h) => dns(h).join() !== BEFORE.join());
    if (rb.code === 0) expect(changed).toEqual([]);
    else {
      // Refused per step, nothing sent to those hosts: resume first, then roll back its journal.
      expect(rb.stderr).toMatch(new RegExp(`${changed.length} change\\(s\\) were sent but not verified: run firebook resume .*journal\\.jsonl first`));
      const refused = readReport(back).changes!.filter((c) => c.reason?.includes('the change was sent but not verified'));
      expect(refused.map((c) => c.host).sort()).toEqual(changed);
      expect(refused.every((c) => c.commands.length === 0)).toBe(true);
      // The way out the hint names: resume (from the first journal: it follows the history), then rollback.
      // Resume judges exactly the refused changes (never sends them again): verified, or rolled back.
      const r = await fb(['resume', journal, ...conn()], ws.dir);
      expect([0, 2]).toContain(r.code);
      const rb2 = await fb(['rollback', journal, ...conn()], ws.dir);
      expect(rb2.code).toBe(0);
      for (const h of hosts) expect(dns(h)).toEqual(BEFORE);
    }
    // Whatever was never changed was not touched by the undo (found as before: nothing sent).
    const status = await fb(['change', 'status', journal, '--json'], ws.dir);
    expect(status.code).toBe(0);
    const rows = status.stdout.trim().split('\n').map((l) => JSON.parse(l) as { host: string; state: string });
    for (const row of rows) expect([row.host, ['planned', 'rolled back'].includes(row.state)]).toEqual([row.host, true]);
  }, 180_000);

  it('a change sent but found neither before nor as read back: rollback refuses it with the resume hint and sends nothing; report render shows the killed run\'s changes', async () => {
    const out = join(ws.dir, 'unsure-run');
    const journal = await killedApply(await plan(GROUPS.unsure, 'unsure'), out, (e) => e.type === 'answer' && e.phase === 'apply');
    // Someone changes the device by hand after the crash.
    const inv = await loadInventory(ws.inventory);
    const session = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }).connect(connectionSpec(inv.hosts.get('u1')!));
    await session.run('configure network dns servers 192.0.2.99', 'cli');
    await session.close();
    const status = await fb(['change', 'status', journal], ws.dir);
    expect(status.stdout).toMatch(/u1\s+fix-dns-servers\s+sent\s/);
    expect(status.stdout).toMatch(/next: firebook resume/);
    const sentBefore = lab.commandLog('u1').length;
    const back = join(ws.dir, 'unsure-back');
    const rb = await fb(['rollback', journal, '--out', back, ...conn()], ws.dir);
    expect(rb.code).toBe(3);
    expect(rb.stderr).toMatch(/1 change\(s\) were sent but not verified: run firebook resume .*unsure-run\/journal\.jsonl first, then roll back its journal/);
    expect(readReport(back).changes!.map((c) => [c.host, c.status, c.commands])).toEqual([['u1', 'failed', []]]);
    expect(readReport(back).changes![0].reason).toMatch(/the change was sent but not verified: the device shows neither the plan's before values/);
    expect(lab.commandLog('u1').slice(sentBefore).filter((e) => /^configure/.test(e.line))).toEqual([]);
    expect(dns('u1')).toEqual(['192.0.2.99']);
    // Put back by hand to the plan's before: the next rollback (from the same first journal: it
    // follows the history) finds nothing to undo, sends nothing, exit 0.
    const again = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }).connect(connectionSpec(inv.hosts.get('u1')!));
    await again.run('configure network dns servers 203.0.113.53', 'cli');
    await again.close();
    const sentThen = lab.commandLog('u1').length;
    const rb2 = await fb(['rollback', journal, ...conn()], ws.dir);
    expect(rb2.code).toBe(0);
    expect(lab.commandLog('u1').slice(sentThen).filter((e) => /^configure/.test(e.line))).toEqual([]);
    expect((await fb(['change', 'status', journal], ws.dir)).stdout).toMatch(/u1\s+fix-dns-servers\s+rolled back\s+undone: the change was sent but had not taken/);
    // The killed apply's own folder renders with the changes its journal records, and points to resume.
    const rendered = join(ws.dir, 'unsure-rendered');
    const r = await fb(['report', 'render', join(out, 'events.jsonl'), '--out', rendered, '--format', 'md'], ws.dir);
    expect(r.code).toBe(0);
    const report = readReport(rendered);
    expect(report.changes!.map((c) => [c.host, c.status, c.commands])).toEqual([['u1', 'failed', ['configure network dns servers 192.0.2.53,192.0.2.54']]]);
    const md = readFileSync(join(rendered, 'report.md'), 'utf8');
    expect(md).toMatch(/configure network dns servers 192\.0\.2\.53,192\.0\.2\.54/);
    expect(md).toMatch(/firebook resume .*journal\.jsonl/);
    expect(md).not.toMatch(/1 of 1 hosts finished/);
  }, 120_000);

  it('resume after the approved window closed is refused (exit 4) unless a new --window is given, which the journal records', async () => {
    const hosts = GROUPS.window;
    const planFile = await plan(hosts, 'win');
    // Typed in +09:00; it opened a minute ago and closes 15 s from now.
    const end = Date.now() + 15_000;
    const window = `${inOffsetOf(new Date(Date.now() - 60_000), '+09:00').slice(0, 19)}+09:00/${inOffsetOf(new Date(end), '+09:00').slice(0, 19)}+09:00`;
    const journal = await killedApply(planFile, join(ws.dir, 'win-run'), (e) => e.type === 'step-end', ['--serial', '1', '--window', window]);
    const changedBefore = hosts.map(dns);
    while (Date.now() <= end + 1000) await new Promise((r) => setTimeout(r, 200));
    const late = await fb(['resume', journal, ...conn()], ws.dir);
    expect(late.code).toBe(4);
    // Shown in the offset it was typed in, and what widens it.
    expect(late.stderr).toMatch(/the window approved in .*journal\.jsonl: it is \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00, after the window closed \(.*\+09:00\/.*\+09:00\)/);
    expect(late.stderr).toMatch(/give a new approved --window/);
    expect(hosts.map(dns)).toEqual(changedBefore);
    const wider = `${inOffsetOf(new Date(Date.now() - 60_000), '+09:00').slice(0, 16)}+09:00/PT1H`;
    const out = join(ws.dir, 'win-resumed');
    const r = await fb(['resume', journal, '--window', wider, '--out', out, ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    for (const h of hosts) expect(dns(h)).toEqual(AFTER);
    const begins = readJournal(out).filter((e) => e.type === 'journal-begin');
    expect(begins.map((b) => (b.type === 'journal-begin' ? b.window?.text : undefined))).toEqual([window, wider]);
  }, 180_000);

  it('two resumes of one journal give one history beside it; rollback from the first journal restores every device; change status agrees', async () => {
    const hosts = GROUPS.twice;
    const planFile = await plan(hosts, 'twice');
    const runs = join(ws.dir, 'runs');
    const first = await killedApply(planFile, join(runs, 'apply'), (e) => e.type === 'step-end', ['--serial', '1']);
    // First resume, killed again after one more step.
    const before1 = readdirSync(runs);
    const r1 = fbChild(['resume', first, ...conn()], ws.dir);
    await waitForJournal(`${first}.next`, () => true).catch(() => undefined);
    const second = join(newFolder(runs, before1), 'journal.jsonl');
    const ends = readJournal(dirname(first)).filter((e) => e.type === 'step-end').length;
    await waitForJournal(second, (e) => e.type === 'step-end' && readJournal(dirname(second)).filter((x) => x.type === 'step-end').length > ends);
    // While that resume still runs, nobody continues its history (two runs on the same devices).
    const meanwhile = await fb(['resume', first, ...conn()], ws.dir);
    expect([meanwhile.code, meanwhile.stderr]).toEqual([4, expect.stringMatching(new RegExp(`is still being written by firebook \\(pid ${r1.child.pid} on `))]);
    r1.child.kill('SIGKILL');
    await r1.exited;
    // The second resume names the FIRST journal again: it continues the newest, beside it.
    const before2 = readdirSync(runs);
    const r2 = await fb(['resume', first, ...conn()], ws.dir);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toMatch(/was continued; the history goes on in .*: using that journal/);
    const third = join(newFolder(runs, before2), 'journal.jsonl');
    expect(readFileSync(third, 'utf8').startsWith(readFileSync(second, 'utf8').trimEnd())).toBe(true);
    for (const h of hosts) expect(dns(h)).toEqual(AFTER);
    // Every device changed exactly once across the three runs.
    for (const h of hosts) expect(lab.commandLog(h).filter((e) => e.line === 'configure network dns servers 192.0.2.53,192.0.2.54')).toHaveLength(1);
    const status = async () => (await fb(['change', 'status', first, '--json'], ws.dir)).stdout.trim().split('\n').map((l) => JSON.parse(l) as { host: string; state: string });
    expect((await status()).map((r) => [r.host, r.state])).toEqual(hosts.map((h) => [h, 'verified']));
    const human = await fb(['change', 'status', first], ws.dir);
    expect(human.stdout).toMatch(/HOST\s+STEP\s+STATE/);
    expect(human.stdout).toMatch(/0 planned · 0 sent · 4 verified · 0 rolled back · 0 unknown/);
    // Re-applying the applied plan says so: already-applied, naming the journal that did it; nothing sent.
    rmSync(`${planFile}.lock`); // the killed apply left it (its refusal says so)
    const re = await fb(['apply', planFile, '--out', join(ws.dir, 'twice-again'), ...conn()], ws.dir);
    expect([re.code, re.stderr]).toEqual([0, expect.stringMatching(/was applied before \(.*journal\.jsonl\): a device still holding what it set is already-applied/)]);
    expect(re.stderr).toMatch(/every change of this plan was already applied: nothing was sent/);
    const again = readReport(join(ws.dir, 'twice-again')).changes!;
    expect(again.map((c) => [c.host, c.status, c.commands])).toEqual(hosts.map((h) => [h, 'already-applied', []]));
    expect(again[0].reason).toMatch(new RegExp(`already applied by .*${third.split('/').at(-2)}/journal\\.jsonl`));
    for (const h of hosts) expect(lab.commandLog(h).filter((e) => e.line === 'configure network dns servers 192.0.2.53,192.0.2.54')).toHaveLength(1);
    // Rollback from the first journal: follows the history, restores every device.
    const before3 = readdirSync(runs);
    const rb = await fb(['rollback', first, ...conn()], ws.dir);
    expect(rb.code).toBe(0);
    expect(readdirSync(runs).filter((n) => !before3.includes(n))).toHaveLength(1);
    for (const h of hosts) expect(dns(h)).toEqual(BEFORE);
    expect((await status()).map((r) => [r.host, r.state])).toEqual(hosts.map((h) => [h, 'rolled back']));
  }, 240_000);
});
