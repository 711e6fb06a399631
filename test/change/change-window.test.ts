/** Change windows against the device lab: plan → apply → rollback, refusals, drift, batches. */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { schemaValidator } from '../../src/validate/schema.js';
import { SshConnector } from '../../src/transport/index.js';
import { loadInventory, connectionSpec } from '../../src/inventory/index.js';
import { approve, BAD_DNS, configCommands, fb, GOOD_DNS, makeApprover, readJournal, readPlan, readReport, workspace, type Approver } from './helpers.js';
import { runChanges } from '../../src/change/apply-runner.js';
import { remainingWork } from '../../src/change/remaining.js';
import { readCheckedJournal } from '../../src/change/journal.js';
import { hostsFromPlan } from '../../src/change/plan-hosts.js';
import { Vault } from '../../src/inventory/vault.js';
import { EventBus } from '../../src/run/emitter.js';
import type { JournalEntry } from '../../src/model/change.js';
import { META } from '../integration/helpers.js';

const DNS_BROKEN = ['a1', 'a2', 'b1', 'b2', 'd1', 'e1', 'e2', 'e3', 'r1'];

describe('change window on the lab', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const trust = () => ['--allowed-signers', cab.allowedSigners];
  const plan = async (limit: string, out: string, extra = GOOD_DNS, more: string[] = []) =>
    fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', limit, '-e', extra, '-o', join(ws.dir, `${out}.json`), '--out', join(ws.dir, `${out}-run`), ...conn(), ...more], ws.dir);

  beforeAll(async () => {
    lab = await startLab({
      hosts: [
        ...DNS_BROKEN.map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })),
        { name: 'c1', platform: 'ftd', scenario: 'healthy' },
        // Drops the connection when the change is sent: a host lost mid-change.
        { name: 'x1', platform: 'ftd', scenario: 'dns-broken', faults: { dropOnCommand: 'configure network dns' } },
      ],
    });
    ws = workspace(lab, { a1: { ha_group: 'pairA' }, a2: { ha_group: 'pairA' }, b1: { ha_group: 'pairB' }, b2: { ha_group: 'pairB' } });
    cab = makeApprover(ws.dir);
  });
  afterAll(() => lab?.stop());

  it('plan and check mode send no configuration command; the plan is complete and valid', async () => {
    const check = await fb(['run', ws.playbook, '-i', ws.inventory, '--limit', 'a1,a2,b1,b2,c1', '-e', GOOD_DNS, '--out', join(ws.dir, 'check-run'), ...conn()], ws.dir);
    expect(check.code).toBe(2);
    const r = await plan('a1,a2,b1,b2,c1', 'plan');
    expect(r.stderr).toMatch(/4 change\(s\) on 4 host\(s\)/);
    expect(r.code).toBe(0);
    for (const h of ['a1', 'a2', 'b1', 'b2', 'c1']) {
      expect(configCommands(lab, h)).toEqual([]);
    }
    const doc = readPlan(join(ws.dir, 'plan.json'));
    expect(schemaValidator('plan')(doc)).toBe(true);
    expect(doc.$schema).toMatch(/plan\.schema\.json$/);
    expect(doc.hosts.map((h) => [h.host, h.haGroup])).toEqual([['a1', 'pairA'], ['a2', 'pairA'], ['b1', 'pairB'], ['b2', 'pairB']]);
    const step = doc.hosts[0].steps[0];
    expect(step).toMatchObject({
      remediationId: 'fix-dns-servers',
      before: { before: { dns_servers: ['203.0.113.53'] } },
      apply: [{ level: 'cli', command: 'configure network dns servers 192.0.2.53,192.0.2.54' }],
      verify: ['dns-resolves-sse', 'sse-api-reachable'],
      rollback: [{ level: 'cli', command: 'configure network dns servers 203.0.113.53' }],
    });
    // Only the captured values the commands use: what drift is judged on and the board reads.
    expect(step.before).toEqual({ before: { dns_servers: ['203.0.113.53'] } });
    expect(doc.notPlanned).toEqual([{ host: 'c1', reason: 'nothing to change' }]);
    expect(doc.files.map((f) => [f.path, f.role])).toEqual([[ws.playbook, 'playbook'], [ws.inventory, 'inventory']]);
    expect(Date.parse(doc.expiresAt) - Date.parse(doc.createdAt)).toBe(24 * 3600_000);
    expect(doc.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    const md = readFileSync(join(ws.dir, 'plan.md'), 'utf8');
    expect(md).toMatch(/configure network dns servers 203\.0\.113\.53/);
    expect(existsSync(join(ws.dir, 'plan.html'))).toBe(true);
    expect(readFileSync(join(ws.dir, 'plan.json'), 'utf8')).not.toContain(lab.password);
  });

  it('applies the plan in pair-aware batches, journaled; rollback from the journal restores every device', async () => {
    const before = Object.fromEntries(['a1', 'a2', 'b1', 'b2'].map((h) => [h, lab.state(h)]));
    const out = join(ws.dir, 'apply-run');
    await approve(join(ws.dir, 'plan.json'), cab, ws.dir);
    const r = await fb(['apply', join(ws.dir, 'plan.json'), ...trust(), '--ticket', 'CHG-42', '--out', out, ...conn()], ws.dir);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    for (const h of ['a1', 'a2', 'b1', 'b2']) {
      expect(lab.state(h).dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
      expect(configCommands(lab, h)).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
    }
    const journal = readJournal(out);
    expect(journal[0]).toMatchObject({ type: 'journal-begin', kind: 'apply', approvedBy: 'cab-chair@example.com', approvers: [{ principal: 'cab-chair@example.com' }], ticket: 'CHG-42' });
    // Two members of one ha_group are never in one batch.
    const batches = journal.filter((e) => e.type === 'batch-begin').map((e) => (e as { hosts: string[] }).hosts);
    expect(batches).toEqual([['a1', 'b1'], ['a2', 'b2']]);
    // Each configuration command is journaled before it is sent and its answer after.
    const sent = journal.filter((e) => (e.type === 'command' || e.type === 'answer') && e.phase === 'apply');
    for (const h of ['a1', 'a2', 'b1', 'b2']) {
      expect(sent.filter((e) => (e as { host: string }).host === h).map((e) => e.type)).toEqual(['command', 'answer']);
    }
    expect(journal.at(-1)).toMatchObject({ type: 'journal-end', exitCode: 0, interrupted: false });
    // Batches are one run: one run-begin and one run-end in the event log.
    const events = readFileSync(join(out, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type);
    expect([events[0], events.filter((t) => t === 'run-begin').length, events.at(-1), events.filter((t) => t === 'run-end').length]).toEqual(['run-begin', 1, 'run-end', 1]);
    expect(events.filter((t) => t === 'host-end')).toHaveLength(4);
    const report = readReport(out);
    expect(report.changes?.map((c) => [c.host, c.remediation, c.status, c.approver, c.commands])).toEqual(
      ['a1', 'b1', 'a2', 'b2'].map((h) => [h, 'fix-dns-servers', 'verified', 'cab-chair@example.com (CHG-42)', ['configure network dns servers 192.0.2.53,192.0.2.54']]),
    );
    expect(r.stderr).toMatch(/apply: 4 verified · 0 rolled-back · 0 drifted · 0 failed · 0 not-started — exit 0/);
    // The report's checks are the verifications the changes ran: they say the changes worked.
    expect(report.hosts.map((h) => h.checks.map((c) => [c.checkId, c.status]))).toEqual(Array(4).fill([['dns-resolves-sse', 'pass'], ['sse-api-reachable', 'pass']]));
    // Before → after: the values the change is about, not the whole `show network`.
    expect(report.changes!.map((c) => [c.before, c.after])).toEqual(Array(4).fill(['dns_servers: 203.0.113.53', 'dns_servers: 192.0.2.53, 192.0.2.54']));
    expect(schemaValidator('report')(report)).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Changes/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/id="sec-changes"/);

    // Undo, hours later from another shell: only the journal is needed. First one host…
    const one = join(ws.dir, 'rollback-a1');
    const rb1 = await fb(['rollback', join(out, 'journal.jsonl'), '--limit', 'a1', '--out', one, ...trust(), ...conn()], ws.dir);
    expect(rb1.code).toBe(0);
    expect(lab.state('a1')).toEqual(before.a1);
    expect(lab.state('b2').dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
    expect(readReport(one).changes!.map((c) => c.host)).toEqual(['a1']);
    // …then the rest, from the newer journal (it holds the whole story).
    const back = join(ws.dir, 'rollback-run');
    const rb = await fb(['rollback', join(one, 'journal.jsonl'), '--out', back, ...trust(), ...conn()], ws.dir);
    expect([rb.code, rb.stderr]).toEqual([0, expect.stringMatching(/rollback: 3 undone · 0 rolled-back · 0 drifted · 0 failed · 0 not-started — exit 0/)]);
    for (const h of ['a1', 'a2', 'b1', 'b2']) {
      expect(lab.state(h)).toEqual(before[h]);
      expect(configCommands(lab, h)).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54', 'configure network dns servers 203.0.113.53']);
    }
    const undo = readReport(back).changes!;
    expect(undo.map((c) => [c.remediation, c.status, c.reason, c.commands])).toEqual(Array(3).fill(['undo fix-dns-servers', 'verified', 'undone', ['configure network dns servers 203.0.113.53']]));
    // Newest first: the last change applied (by the journal: the report lists plan order) is the
    // first undone.
    const appliedOrder = journal.filter((e) => e.type === 'step-end').map((e) => (e as { host: string }).host).filter((h) => h !== 'a1');
    expect(undo.map((c) => c.host)).toEqual([...appliedOrder].reverse());
    // A second rollback finds nothing left to undo.
    const again = await fb(['rollback', join(back, 'journal.jsonl'), ...trust(), ...conn()], ws.dir);
    expect([again.code, again.stderr]).toEqual([0, expect.stringMatching(/no applied change left to undo/)]);
  }, 120_000);

  it('refuses a plan whose playbook or inventory changed, outside its window, or without approval (exit 4, nothing sent)', async () => {
    const w = workspace(lab);
    const mk = await fb(['plan', w.playbook, '-i', w.inventory, '--limit', 'r1', '-e', GOOD_DNS, '-o', join(w.dir, 'plan.json'), '--out', join(w.dir, 'run'), ...conn()], w.dir);
    expect(mk.code).toBe(0);
    const sentBefore = lab.commandLog('r1').length;
    const apply = (more: string[]) => fb(['apply', join(w.dir, 'plan.json'), '--out', join(w.dir, `a${Math.random()}`), ...conn(), ...more], w.dir);
    const noApproval = await apply([]);
    expect([noApproval.code, noApproval.stderr]).toEqual([4, expect.stringMatching(/plan\.json is not signed by any approver/)]);
    const typed = await apply(['--approved-by', 'x']);
    expect([typed.code, typed.stderr]).toEqual([4, expect.stringMatching(/--approved-by is gone: the approver is now the verified signer/)]);
    const signed = await approve(join(w.dir, 'plan.json'), cab, w.dir);
    const late = await apply([...signed, '--window', '2020-01-01T01:00+09:00/PT2H']);
    expect([late.code, late.stderr]).toEqual([4, expect.stringMatching(/after the window closed/)]);
    const early = await apply([...signed, '--window', '2999-01-01T01:00Z/2999-01-01T03:00Z']);
    expect([early.code, early.stderr]).toEqual([4, expect.stringMatching(/before the window opens/)]);
    appendFileSync(w.playbook, '# edited after approval\n');
    const pb = await apply(signed);
    expect([pb.code, pb.stderr]).toEqual([4, expect.stringMatching(/securex\.yml changed since the plan was made/)]);
    writeFileSync(w.playbook, readFileSync(w.playbook, 'utf8').replace('# edited after approval\n', ''));
    appendFileSync(w.inventory, '# edited\n');
    const inv = await apply(signed);
    expect([inv.code, inv.stderr]).toEqual([4, expect.stringMatching(/inventory\.yml changed since the plan was made \(inventory\)/)]);
    expect(inv.stderr).not.toMatch(/securex/);
    expect(lab.commandLog('r1').length).toBe(sentBefore);
    // An expired plan.
    const exp = await fb(['plan', w.playbook, '-i', w.inventory, '--limit', 'r1', '-e', GOOD_DNS, '-o', join(w.dir, 'short.json'), '--valid-for', '1s', ...conn()], w.dir);
    expect(exp.code).toBe(0);
    const doc = readPlan(join(w.dir, 'short.json'));
    writeFileSync(join(w.dir, 'short.json'), JSON.stringify({ ...doc, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    const expired = await fb(['apply', join(w.dir, 'short.json'), '--allow-unsigned', ...conn()], w.dir);
    expect([expired.code, expired.stderr]).toEqual([4, expect.stringMatching(/the plan expired/)]);
    // A secret -e value is kept by name only: apply needs it again, never from the command line
    // (test/integration/secrets-lab.test.ts covers the whole flow).
    const sec = await fb(['plan', w.playbook, '-i', w.inventory, '--limit', 'r1', '-e', GOOD_DNS, '-e', 'api_token=s3cret-value', '-o', join(w.dir, 'secret.json'), ...conn()], w.dir);
    expect(sec.code).toBe(0);
    expect(readFileSync(join(w.dir, 'secret.json'), 'utf8')).not.toContain('s3cret-value');
    const missing = await fb(['apply', join(w.dir, 'secret.json'), '--allow-unsigned', ...conn()], w.dir);
    expect([missing.code, missing.stderr]).toEqual([4, expect.stringMatching(/needs the secret api_token/)]);
    const inline = await fb(['apply', join(w.dir, 'secret.json'), '--allow-unsigned', '-e', 'api_token=other', ...conn()], w.dir);
    expect([inline.code, inline.stderr]).toEqual([4, expect.stringMatching(/-e takes only @FILE here/)]);
    expect(configCommands(lab, 'r1')).toEqual([]);
  }, 60_000);

  it('leaves a host whose before values changed since planning untouched (drifted)', async () => {
    const r = await plan('d1', 'drift-plan');
    expect(r.code).toBe(0);
    // Someone changes the device by hand after the plan was approved.
    const inv = await loadInventory(ws.inventory);
    const session = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }).connect(connectionSpec(inv.hosts.get('d1')!));
    await session.run('configure network dns servers 192.0.2.54', 'cli');
    await session.close();
    const out = join(ws.dir, 'drift-run');
    const a = await fb(['apply', join(ws.dir, 'drift-plan.json'), ...(await approve(join(ws.dir, 'drift-plan.json'), cab, ws.dir)), '--out', out, ...conn()], ws.dir);
    expect(a.code).toBe(2);
    // The console line says what drifted: expected vs found.
    expect(a.stdout).toMatch(/d1 fix-dns-servers: drifted — the device changed since the plan was made: expected dns_servers: 203\.0\.113\.53, found dns_servers: 192\.0\.2\.54/);
    expect(readReport(out).changes!.map((c) => [c.host, c.status, c.commands, c.reason])).toEqual([['d1', 'drifted', [], expect.stringMatching(/changed since the plan was made: expected dns_servers: 203\.0\.113\.53, found dns_servers: 192\.0\.2\.54; nothing was sent/)]]);
    expect(configCommands(lab, 'd1')).toEqual(['configure network dns servers 192.0.2.54']);
    expect(lab.state('d1').dnsServers).toEqual(['192.0.2.54']);
  }, 60_000);

  it('rolls back a failed verification and stops the remaining batches past --max-fail-percentage', async () => {
    const r = await plan('e*', 'bad-plan', BAD_DNS);
    expect(r.code).toBe(0);
    const out = join(ws.dir, 'bad-run');
    const a = await fb(['apply', join(ws.dir, 'bad-plan.json'), ...(await approve(join(ws.dir, 'bad-plan.json'), cab, ws.dir)), '--serial', '1', '--max-fail-percentage', '0', '--out', out, ...conn()], ws.dir);
    expect(a.code).toBe(2);
    const changes = readReport(out).changes!;
    expect(changes.map((c) => [c.host, c.status])).toEqual([['e1', 'rolled-back'], ['e2', 'not-started'], ['e3', 'not-started']]);
    expect(changes[0].commands).toEqual(['configure network dns servers 198.51.100.99', 'configure network dns servers 203.0.113.53']);
    expect(changes[0].reason).toMatch(/verification failed: dns-resolves-sse fail/);
    expect(lab.state('e1').dnsServers).toEqual(['203.0.113.53']);
    expect(configCommands(lab, 'e2')).toEqual([]);
    expect(configCommands(lab, 'e3')).toEqual([]);
    const journal = readJournal(out);
    expect(journal.find((e) => e.type === 'batch-end')).toMatchObject({ batch: 1, failed: 1, total: 1, stop: expect.stringMatching(/max-fail-percentage 0/) });
    expect(journal.filter((e) => e.type === 'batch-begin')).toHaveLength(1);
  }, 60_000);

  it('stops starting new hosts when the window ends; hosts in flight finish', async () => {
    expect((await plan('e2,e3', 'win-plan')).code).toBe(0);
    const doc = readPlan(join(ws.dir, 'win-plan.json'));
    const hosts = await hostsFromPlan(doc, new Set(['e2', 'e3']), { cwd: ws.dir, vars: doc.selection.extraVars, secrets: [], connection: { connectionDefaults: {}, hostKeyPolicy: 'strict', vault: new Vault() }, planFile: 'win-plan.json' });
    // An injected clock: the window closes once the first batch has ended.
    const start = Date.parse('2026-12-01T01:00:00Z');
    let closed = false;
    const journal: JournalEntry[] = [];
    const report = await runChanges({
      plan: { hosts, checks: [] },
      kind: 'apply',
      steps: doc.hosts.flatMap((h) => h.steps.map((step) => ({ host: h.host, step, uncertain: false }))),
      connector: new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }),
      bus: new EventBus([]),
      meta: { ...META, mode: 'apply' },
      journal: (e) => {
        journal.push(e);
        if (e.type === 'batch-end') closed = true;
      },
      approvedBy: 'cab',
      serial: { count: 1 },
      haGroups: new Map(),
      window: { end: new Date(start + 3_600_000) },
      now: () => new Date(closed ? start + 7_200_000 : start),
    });
    expect(report.changes!.map((c) => [c.host, c.status, c.reason])).toEqual([['e2', 'verified', undefined], ['e3', 'not-started', 'the change window closed']]);
    expect(report.exitCode).toBe(2);
    expect(configCommands(lab, 'e3')).toEqual([]);
    expect(journal.at(-1)).toMatchObject({ type: 'journal-end', stoppedBecause: 'the change window closed' });
  }, 60_000);

  it('a host lost mid-change exits 3 and leaves its step open in the journal, for resume to re-capture', async () => {
    expect((await plan('x1', 'lost-plan')).code).toBe(0);
    const out = join(ws.dir, 'lost-run');
    const a = await fb(['apply', join(ws.dir, 'lost-plan.json'), ...(await approve(join(ws.dir, 'lost-plan.json'), cab, ws.dir)), '--out', out, ...conn()], ws.dir);
    expect(a.code).toBe(3);
    const change = readReport(out).changes![0];
    expect([change.host, change.status, change.reason]).toEqual(['x1', 'failed', expect.stringMatching(/lost mid-change.*firebook resume/)]);
    const journal = readJournal(out);
    expect(journal.filter((e) => e.type === 'command' && e.phase === 'apply')).toHaveLength(1);
    expect(journal.filter((e) => e.type === 'answer' && e.phase === 'apply')).toHaveLength(0);
    expect(journal.filter((e) => e.type === 'step-end')).toHaveLength(0);
    expect(remainingWork(readCheckedJournal(join(out, 'journal.jsonl')).entries).steps.map((s) => [s.host, s.uncertain])).toEqual([['x1', true]]);
  }, 60_000);
});
