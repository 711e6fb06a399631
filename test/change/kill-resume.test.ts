/** An apply killed with SIGKILL mid-batch, then resumed to completion from its journal. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { JournalEntry } from '../../src/model/change.js';
import { approve, configCommands, fb, fbChild, GOOD_DNS, makeApprover, readJournal, readReport, waitForJournal, workspace, type Approver } from './helpers.js';

const HOSTS = ['k1', 'k2', 'k3', 'k4'];
const FIX = 'configure network dns servers 192.0.2.53,192.0.2.54';

describe('apply killed mid-batch', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  beforeAll(async () => {
    // Slow commands, so the kill lands while a batch is changing devices.
    lab = await startLab({ hosts: HOSTS.map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })), latencyMs: 150 });
    ws = workspace(lab);
    cab = makeApprover(ws.dir, 'cab@example.com');
  });
  afterAll(() => lab?.stop());

  it('resumes to completion from the journal, sending no change twice; the whole story rolls back', async () => {
    const conn = ['--known-hosts', lab.knownHostsPath, '--allowed-signers', cab.allowedSigners];
    const p = await fb(['plan', ws.playbook, '-i', ws.inventory, '-e', GOOD_DNS, '-o', join(ws.dir, 'plan.json'), '--out', join(ws.dir, 'plan-run'), '--known-hosts', lab.knownHostsPath], ws.dir);
    expect(p.code).toBe(0);
    await approve(join(ws.dir, 'plan.json'), cab, ws.dir);
    const out = join(ws.dir, 'killed');
    const run = fbChild(['apply', join(ws.dir, 'plan.json'), '--ticket', 'CHG-7', '--serial', '2', '--out', out, ...conn], ws.dir);
    // Killed right after the device answered the first configuration command, before the step
    // was verified: the journal cannot say whether the change held.
    await waitForJournal(join(out, 'journal.jsonl'), (e) => e.type === 'answer' && e.phase === 'apply');
    run.child.kill('SIGKILL');
    expect(await run.exited).toBe(null);
    const killed = readJournal(out);
    expect(killed.some((e) => e.type === 'journal-end')).toBe(false);
    const ended = new Set(killed.filter((e) => e.type === 'step-end').map((e) => (e as { host: string }).host));
    expect(ended.size).toBeLessThan(HOSTS.length);

    const resumed = join(ws.dir, 'resumed');
    const r = await fb(['resume', join(out, 'journal.jsonl'), '--out', resumed, ...conn], ws.dir);
    expect(r.stderr).not.toMatch(/error\[/);
    expect(r.code).toBe(0);
    const journal = readJournal(resumed);
    const segment = journal.slice(killed.length);
    const of = (h: string) => (e: JournalEntry) => 'host' in e && e.host === h;
    for (const h of HOSTS) {
      expect(lab.state(h).dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
      const answered = killed.some((e) => of(h)(e) && e.type === 'answer' && e.phase === 'apply');
      const cutOff = !answered && killed.some((e) => of(h)(e) && e.type === 'command' && e.phase === 'apply');
      const resent = segment.some((e) => of(h)(e) && e.type === 'command' && e.phase === 'apply');
      if (answered) {
        // The device took it: re-captured, verified, never sent twice.
        expect(resent).toBe(false);
        expect(configCommands(lab, h)).toEqual([FIX]);
      } else if (cutOff) {
        // Killed while the command was in flight: sent again only if the re-capture still
        // shows the plan's before values (the device never applied it).
        const recaptured = segment.find((e) => of(h)(e) && e.type === 'captured' && e.when === 'before') as { matches?: boolean };
        expect(resent).toBe(recaptured.matches === true);
        expect(configCommands(lab, h)).toEqual(resent ? [FIX, FIX] : [FIX]);
      } else {
        expect(configCommands(lab, h)).toEqual([FIX]);
      }
    }
    // The new journal is the whole story: the killed one, then the resumed segment.
    expect(journal.slice(0, killed.length)).toEqual(killed);
    expect(journal[killed.length]).toMatchObject({ type: 'journal-begin', kind: 'apply', resumed: true, approvedBy: 'cab@example.com', ticket: 'CHG-7', serial: '2' });
    expect(journal.at(-1)).toMatchObject({ type: 'journal-end', exitCode: 0 });
    // The step cut off after the device answered is re-captured first, and found applied.
    expect(segment.some((e) => e.type === 'step-begin' && e.recapture === true)).toBe(true);
    expect(readReport(resumed).changes!.some((c) => c.reason === 'found applied by the interrupted run, then verified')).toBe(true);
    const changes = readReport(resumed).changes!;
    expect(changes.map((c) => c.status).every((s) => s === 'verified')).toBe(true);
    expect(changes.map((c) => c.host).sort()).toEqual(HOSTS.filter((h) => !ended.has(h)));
    // Nothing left: a second resume has nothing to do.
    const again = await fb(['resume', join(resumed, 'journal.jsonl'), ...conn], ws.dir);
    expect([again.code, again.stderr]).toEqual([0, expect.stringMatching(/nothing left to apply/)]);
    // Rollback of the resumed journal undoes every change, including those made before the kill.
    const back = join(ws.dir, 'back');
    const rb = await fb(['rollback', join(resumed, 'journal.jsonl'), '--out', back, ...conn], ws.dir);
    expect(rb.code).toBe(0);
    for (const h of HOSTS) expect(lab.state(h).dnsServers).toEqual(['203.0.113.53']);
  }, 180_000);

  it('Ctrl-C lets the changes in flight finish, journals up to the last step, exits 130; resume completes', async () => {
    const conn = ['--known-hosts', lab.knownHostsPath, '--allowed-signers', cab.allowedSigners];
    const p = await fb(['plan', ws.playbook, '-i', ws.inventory, '-e', GOOD_DNS, '-o', join(ws.dir, 'plan2.json'), '--out', join(ws.dir, 'plan2-run'), '--known-hosts', lab.knownHostsPath], ws.dir);
    expect(p.code).toBe(0);
    await approve(join(ws.dir, 'plan2.json'), cab, ws.dir);
    const out = join(ws.dir, 'interrupted');
    const run = fbChild(['apply', join(ws.dir, 'plan2.json'), '--serial', '2', '--out', out, ...conn], ws.dir);
    await waitForJournal(join(out, 'journal.jsonl'), (e) => e.type === 'answer' && e.phase === 'apply');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    // The next step is resume (never "re-run with --limit").
    expect(run.stderr()).toMatch(/next: firebook resume interrupted\/journal\.jsonl finishes what this run left; firebook rollback interrupted\/journal\.jsonl undoes it/);
    const journal = readJournal(out);
    expect(journal.at(-1)).toMatchObject({ type: 'journal-end', exitCode: 130, interrupted: true });
    const ends = journal.filter((e) => e.type === 'step-end') as Array<{ host: string; status: string }>;
    // The first batch finished its changes (verified); the second never started.
    expect(ends.map((e) => [e.host, e.status]).sort()).toEqual([['k1', 'verified'], ['k2', 'verified'], ['k3', 'not-started'], ['k4', 'not-started']]);
    expect(configCommands(lab, 'k3').filter((l) => l === FIX)).toHaveLength(1);
    const r = await fb(['resume', join(out, 'journal.jsonl'), '--out', join(ws.dir, 'interrupted-resumed'), ...conn], ws.dir);
    expect(r.code).toBe(0);
    for (const h of HOSTS) expect(lab.state(h).dnsServers).toEqual(['192.0.2.53', '192.0.2.54']);
  }, 180_000);
});
