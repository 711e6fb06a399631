/**
 * Issue 17 §2 on the device lab (real SSH, real files, the real ssh-keygen): an edited plan, a
 * forged journal, a journal of another plan and a reused run folder are refused before anything
 * is sent; approvers come from verified keys, never from what a file or flag claims.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/index.js';
import { connectionSpec, loadInventory } from '../../src/inventory/index.js';
import { SshConnector } from '../../src/transport/index.js';
import { digestOf } from '../../src/change/journal.js';
import { parseAllowedSigners, trustedSigners } from '../../src/sign/allowed-signers.js';
import { parsePublicKey } from '../../src/sign/sshsig.js';
import type { PlanDocument } from '../../src/model/change.js';
import { approve, configCommands, fb, fbChild, GOOD_DNS, makeApprover, readJournal, readReport, workspace, type Approver } from './helpers.js';

const HOSTS = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'];
const ATTACKER_DNS = 'configure network dns servers 198.51.100.66';

/** What a forger can do without a key: recompute every digest of the chain. */
function rechain(lines: string[]): string[] {
  const out: string[] = [];
  let prev: string | null = null;
  for (const l of lines) {
    const line = JSON.stringify({ ...(JSON.parse(l) as object), prev });
    out.push(line);
    prev = digestOf(line);
  }
  return out;
}
const rawLines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);
const writeLines = (file: string, lines: string[]) => writeFileSync(file, lines.join('\n') + '\n');

describe('plans and journals a change board can trust', () => {
  let lab: Lab;
  let ws: ReturnType<typeof workspace>;
  let cab: Approver;
  let n = 0;
  const conn = () => ['--known-hosts', lab.knownHostsPath];
  const trust = () => ['--allowed-signers', cab.allowedSigners];
  const dir = (name: string) => join(ws.dir, `${name}-${++n}`);
  const plan = async (host: string, name: string, more: string[] = []) => {
    const r = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', host, '-e', GOOD_DNS, '-o', join(ws.dir, `${name}.json`), '--out', dir(`${name}-plan`), ...conn(), ...more], ws.dir);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/sha256 [0-9a-f]{64}/)]);
    return join(ws.dir, `${name}.json`);
  };
  /** An approved plan applied on `host`; returns the run folder. */
  const applied = async (host: string, name: string, more: string[] = []) => {
    const p = await plan(host, name);
    await approve(p, cab, ws.dir);
    const out = dir(`${name}-apply`);
    const r = await fb(['apply', p, ...trust(), '--out', out, ...conn(), ...more], ws.dir);
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    return { plan: p, out, journal: join(out, 'journal.jsonl') };
  };

  beforeAll(async () => {
    lab = await startLab({ hosts: HOSTS.map((name) => ({ name, platform: 'ftd' as const, scenario: 'dns-broken' as const })) });
    ws = workspace(lab);
    cab = makeApprover(ws.dir);
  });
  afterAll(() => lab?.stop());

  it('an edited plan (new command, expiresAt 2099, files: []) is refused at apply; so is another sha256', async () => {
    const p = await plan('t1', 'edited');
    await approve(p, cab, ws.dir);
    const sha = /sha256 ([0-9a-f]{64})/.exec(readFileSync(join(ws.dir, 'edited.md'), 'utf8'))![1]!;
    expect(readFileSync(join(ws.dir, 'edited.html'), 'utf8')).toContain(sha);
    const doc = JSON.parse(readFileSync(p, 'utf8')) as PlanDocument;
    const original = readFileSync(p);
    doc.hosts[0]!.steps[0]!.apply.push({ level: 'cli', command: ATTACKER_DNS });
    writeFileSync(p, JSON.stringify({ ...doc, expiresAt: '2099-01-01T00:00:00.000Z', files: [] }, null, 2) + '\n');
    const r = await fb(['apply', p, ...trust(), '--out', dir('edited'), ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(/edited\.json\.sig: the signature does not match .*edited\.json \(the plan was changed after it was signed/)]);
    // --allow-unsigned never overrides a signature that fails.
    const forced = await fb(['apply', p, ...trust(), '--allow-unsigned', '--out', dir('edited'), ...conn()], ws.dir);
    expect(forced.code).toBe(4);
    writeFileSync(p, original);
    const other = await fb(['apply', p, ...trust(), '--expect-sha256', 'f'.repeat(64), '--out', dir('edited'), ...conn()], ws.dir);
    expect([other.code, other.stderr]).toEqual([4, expect.stringMatching(/not the --expect-sha256 f{64}: this is not the plan the ticket approved/)]);
    expect(configCommands(lab, 't1')).toEqual([]);
    const ok = await fb(['apply', p, ...trust(), '--expect-sha256', sha, '--out', dir('edited'), ...conn()], ws.dir);
    expect(ok.code).toBe(0);
    expect(configCommands(lab, 't1')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
    expect(existsSync(`${p}.lock`)).toBe(false);
  }, 60_000);

  it('approval: a key allowed_signers does not trust for firebook-plan, or out of its validity, approves nothing; several approvers', async () => {
    const p = await plan('t2', 'who');
    const journalOnly = makeApprover(join(ws.dir), 'ops@example.com', 'namespaces="firebook-journal"');
    await fb(['approve', p, '--key', journalOnly.key], ws.dir);
    const r = await fb(['apply', p, ...trust(), '--out', dir('who'), ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(/does not trust to approve plans now/)]);
    rmSync(`${p}.sig`);
    const expired = makeApprover(join(ws.dir), 'old@example.com', 'valid-before="20200101Z"');
    await fb(['approve', p, '--key', expired.key], ws.dir);
    expect((await fb(['apply', p, ...trust(), '--out', dir('who'), ...conn()], ws.dir)).code).toBe(4);
    rmSync(`${p}.sig`);
    // Two approvers; the second signs with the real ssh-keygen (its file renamed plan.json.2.sig).
    const second = makeApprover(ws.dir, 'security@example.com');
    await approve(p, cab, ws.dir);
    const copy = join(ws.dir, 'who-copy.json');
    writeFileSync(copy, readFileSync(p));
    execFileSync('ssh-keygen', ['-Y', 'sign', '-q', '-f', second.key, '-n', 'firebook-plan', copy]);
    writeFileSync(`${p}.2.sig`, readFileSync(`${copy}.sig`));
    const three = await fb(['apply', p, ...trust(), '--min-approvals', '3', '--out', dir('who'), ...conn()], ws.dir);
    expect([three.code, three.stderr]).toEqual([4, expect.stringMatching(/has 2 approver\(s\) \(cab-chair@example\.com, security@example\.com\); --min-approvals is 3/)]);
    expect(configCommands(lab, 't2')).toEqual([]);
    const out = dir('who');
    const ok = await fb(['apply', p, ...trust(), '--min-approvals', '2', '--ticket', 'CHG-9', '--out', out, ...conn()], ws.dir);
    expect(ok.code).toBe(0);
    expect(readReport(out).changes!.map((c) => c.approver)).toEqual(['cab-chair@example.com, security@example.com (CHG-9)']);
    // And ssh-keygen verifies the signature firebook approve wrote.
    const v = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', cab.allowedSigners, '-I', cab.principal, '-n', 'firebook-plan', '-s', `${p}.sig`], { input: readFileSync(p) });
    expect([v.status, String(v.stdout)]).toEqual([0, expect.stringMatching(/Good "firebook-plan" signature for cab-chair@example\.com/)]);
  }, 60_000);

  it('a forged journal cannot drive rollback to an attacker\'s DNS server, nor credit its own approver', async () => {
    const a = await applied('t3', 'forge');
    const lines = rawLines(a.journal);
    const begin = JSON.parse(lines[0]!) as { planText: string; approvedBy: string };
    const doc = JSON.parse(begin.planText) as PlanDocument;
    doc.hosts[0]!.steps[0]!.rollback = [{ level: 'cli', command: ATTACKER_DNS }];
    const planText = JSON.stringify(doc, null, 2) + '\n';
    const planSha256 = digestOf(planText);
    // The forger rewrites the plan, its digest on every line and the whole chain.
    const forged = rechain(lines.map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), planSha256, ...(i === 0 ? { planText, approvedBy: 'mallory' } : {}) })));
    const f = dir('forged');
    mkdirSync(f);
    writeLines(join(f, 'journal.jsonl'), forged);
    const rb = await fb(['rollback', join(f, 'journal.jsonl'), ...trust(), '--out', dir('forged-rb'), ...conn()], ws.dir);
    expect([rb.code, rb.stderr]).toEqual([4, expect.stringMatching(/signature 1: the signature does not match the plan in/)]);
    // Without the signatures, the forged plan is unsigned: refused unless --allow-unsigned.
    const unsigned = rechain(forged.map((l, i) => (i === 0 ? JSON.stringify({ ...(JSON.parse(l) as object), signatures: undefined, approval: 'not verified' }) : l)));
    writeLines(join(f, 'journal.jsonl'), unsigned);
    const rb2 = await fb(['rollback', join(f, 'journal.jsonl'), ...trust(), '--out', dir('forged-rb'), ...conn()], ws.dir);
    expect([rb2.code, rb2.stderr]).toEqual([4, expect.stringMatching(/is not signed by any approver/)]);
    // An edit without re-chaining: refused where the chain breaks, at file:line.
    const edited = [...lines];
    edited[2] = edited[2]!.replace('"t3"', '"t9"');
    writeLines(join(f, 'journal.jsonl'), edited);
    const rb3 = await fb(['rollback', join(f, 'journal.jsonl'), ...trust(), '--out', dir('forged-rb'), ...conn()], ws.dir);
    expect([rb3.code, rb3.stderr]).toEqual([4, expect.stringMatching(/journal\.jsonl:4:1: error\[report-input\]: the hash chain is broken here/)]);
    expect(configCommands(lab, 't3')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
    // The genuine plan with a journal-begin naming 'mallory': the approver is still the key's principal.
    const credited = rechain(lines.map((l, i) => (i === 0 ? JSON.stringify({ ...(JSON.parse(l) as object), approvedBy: 'mallory' }) : l)));
    writeLines(join(f, 'journal.jsonl'), credited);
    const out = dir('credit-rb');
    const rb4 = await fb(['rollback', join(f, 'journal.jsonl'), ...trust(), '--out', out, ...conn()], ws.dir);
    expect(rb4.code).toBe(0);
    // A rollback's records name who ran it, never an approver the journal names (nor the apply's).
    expect(readReport(out).changes!.map((c) => c.approver)).toEqual(['rolled back by tester']);
    const begins = readJournal(out).filter((e) => e.type === 'journal-begin');
    expect(begins.map((b) => b.approvedBy)).toEqual(['mallory', 'cab-chair@example.com']);
    expect(configCommands(lab, 't3')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54', 'configure network dns servers 203.0.113.53']);
  }, 60_000);

  it('resume refuses a one-line journal built from another plan, a journal of two plans, and a second resume', async () => {
    const a = await applied('t4', 'mine');
    const other = await plan('t5', 'other');
    const otherText = readFileSync(other, 'utf8');
    const mine = JSON.parse(rawLines(a.journal)[0]!) as Record<string, unknown>;
    const f = dir('one-line');
    mkdirSync(f);
    // Another plan's text under this plan's digest and signatures.
    writeLines(join(f, 'journal.jsonl'), [JSON.stringify({ ...mine, planText: otherText, prev: null })]);
    const r1 = await fb(['resume', join(f, 'journal.jsonl'), ...trust(), '--out', dir('one-line-r'), ...conn()], ws.dir);
    expect([r1.code, r1.stderr]).toEqual([4, expect.stringMatching(/journal\.jsonl:1:1: error\[report-input\]: the plan text in this line is not the plan its sha256 names/)]);
    // Another plan with its own digest: its signatures (this plan's) do not match.
    writeLines(join(f, 'journal.jsonl'), [JSON.stringify({ ...mine, planText: otherText, planSha256: digestOf(otherText), prev: null })]);
    const r2 = await fb(['resume', join(f, 'journal.jsonl'), ...trust(), '--out', dir('one-line-r'), ...conn()], ws.dir);
    expect([r2.code, r2.stderr]).toEqual([4, expect.stringMatching(/the signature does not match the plan in/)]);
    expect(configCommands(lab, 't5')).toEqual([]);
    // Lines of another plan's journal appended (chain recomputed): refused at the first of them.
    await approve(other, cab, ws.dir);
    const o = dir('other-apply');
    expect((await fb(['apply', other, ...trust(), '--out', o, ...conn()], ws.dir)).code).toBe(0);
    const mixed = rechain([...rawLines(a.journal), ...rawLines(join(o, 'journal.jsonl'))]);
    writeLines(join(f, 'journal.jsonl'), mixed);
    const r3 = await fb(['rollback', join(f, 'journal.jsonl'), ...trust(), '--out', dir('mixed-rb'), ...conn()], ws.dir);
    expect([r3.code, r3.stderr]).toEqual([4, expect.stringMatching(new RegExp(`journal\\.jsonl:${rawLines(a.journal).length + 1}:1: .*belongs to another plan`))]);
  }, 90_000);

  it('a reused --out is refused; a journal holding two applies is refused; a lock refuses a second apply', async () => {
    const a = await applied('t6', 'twice');
    // Regression: a second apply into the same folder appended to journal.jsonl.
    const again = await fb(['apply', a.plan, ...trust(), '--out', a.out, ...conn()], ws.dir);
    expect([again.code, again.stderr]).toEqual([4, expect.stringMatching(/--out .* is not empty: a run folder is never reused/)]);
    expect(readJournal(a.out).filter((e) => e.type === 'journal-begin')).toHaveLength(1);
    // What the old code produced (two applies in one journal): rollback refuses it.
    const two = dir('two');
    mkdirSync(two);
    writeLines(join(two, 'journal.jsonl'), rechain([...rawLines(a.journal), ...rawLines(a.journal)]));
    const rb = await fb(['rollback', join(two, 'journal.jsonl'), ...trust(), '--out', dir('two-rb'), ...conn()], ws.dir);
    expect([rb.code, rb.stderr]).toEqual([4, expect.stringMatching(/the journal holds more than one apply/)]);
    // A symlink as --out is refused.
    const link = join(ws.dir, `link-${++n}`);
    symlinkSync(dir('target'), link);
    const viaLink = await fb(['apply', a.plan, ...trust(), '--out', link, ...conn()], ws.dir);
    expect([viaLink.code, viaLink.stderr]).toEqual([4, expect.stringMatching(/is a symlink/)]);
    // A lock held by another apply (or left by a crash) refuses, and says how to clear it.
    writeFileSync(`${a.plan}.lock`, JSON.stringify({ pid: 4242, host: 'jump', since: '2026-12-01T00:00:00Z' }));
    const locked = await fb(['apply', a.plan, ...trust(), '--out', dir('locked'), ...conn()], ws.dir);
    expect([locked.code, locked.stderr]).toEqual([4, expect.stringMatching(/twice\.json\.lock exists: another apply of this plan is running \(pid 4242 on jump[\s\S]*rm .*twice\.json\.lock/)]);
    rmSync(`${a.plan}.lock`);
    expect(configCommands(lab, 't6')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
  }, 60_000);

  it('--allow-unsigned runs, and every journal line and the report say "approval not verified"; a sealed journal verifies', async () => {
    const p = await plan('t7', 'unsigned');
    const out = dir('unsigned');
    const r = await fb(['apply', p, '--allow-unsigned', '--key', cab.key, '--out', out, ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(/warning: approval not verified/)]);
    const lines = rawLines(join(out, 'journal.jsonl')).map((l) => JSON.parse(l) as { approval: string; type: string; prev: string; signature?: string });
    expect(lines.every((l) => l.approval === 'not verified')).toBe(true);
    expect(readReport(out).changes!.map((c) => c.approver)).toEqual(['approval not verified']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('approval not verified');
    // The end is sealed: ssh-keygen verifies the seal over the digest before it.
    const seal = lines.at(-1)!;
    expect(seal.type).toBe('journal-seal');
    writeFileSync(join(out, 'seal.sig'), seal.signature!);
    const v = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', cab.allowedSigners, '-I', cab.principal, '-n', 'firebook-journal', '-s', join(out, 'seal.sig')], { input: seal.prev });
    expect(v.status).toBe(0);
    // Rollback needs --allow-unsigned too; with it, the seal is checked against allowed_signers.
    const no = await fb(['rollback', join(out, 'journal.jsonl'), ...trust(), '--out', dir('unsigned-rb'), ...conn()], ws.dir);
    expect([no.code, no.stderr]).toEqual([4, expect.stringMatching(/is not signed by any approver/)]);
    const yes = await fb(['rollback', join(out, 'journal.jsonl'), ...trust(), '--allow-unsigned', '--out', dir('unsigned-rb'), ...conn()], ws.dir);
    expect(yes.code).toBe(0);
  }, 60_000);

  it('a malformed journal is exit 4 at file:line; a second resume of a journal continues the newest', async () => {
    const p = await plan('t8', 'lost');
    await approve(p, cab, ws.dir);
    const out = dir('lost');
    expect((await fb(['apply', p, ...trust(), '--out', out, ...conn()], ws.dir)).code).toBe(0);
    const lines = rawLines(join(out, 'journal.jsonl'));
    const cut = dir('cut');
    mkdirSync(cut);
    // The journal as a kill after its batch-begin would leave it (a prefix of the chain).
    writeLines(join(cut, 'journal.jsonl'), lines.slice(0, 2));
    const bad = dir('bad');
    mkdirSync(bad);
    writeLines(join(bad, 'journal.jsonl'), [lines[0]!, JSON.stringify({ type: 'step-end', prev: digestOf(lines[0]!) })]);
    const m = await fb(['resume', join(bad, 'journal.jsonl'), ...trust(), ...conn()], ws.dir);
    expect([m.code, m.stderr]).toEqual([4, expect.stringMatching(/journal\.jsonl:2:1: error\[report-input\]: not a firebook journal line/)]);
    const resume1 = dir('resume1');
    const first = await fb(['resume', join(cut, 'journal.jsonl'), ...trust(), '--out', resume1, ...conn()], ws.dir);
    // The step starts over; the device holds the change already, so it is drifted (exit 2).
    expect(first.code).toBe(2);
    expect(readReport(resume1).changes!.map((c) => c.reason)).toEqual([expect.stringMatching(/changed since the plan was made: expected dns_servers: 203\.0\.113\.53, found dns_servers: 192\.0\.2\.53, 192\.0\.2\.54; nothing was sent/)]);
    // A second resume of the same journal continues the one history (the newest journal), never a fork.
    const second = await fb(['resume', join(cut, 'journal.jsonl'), ...trust(), '--out', dir('resume2'), ...conn()], ws.dir);
    expect([second.code, second.stderr]).toEqual([0, expect.stringMatching(/was continued; the history goes on in .*resume1.*journal\.jsonl: using that journal[^]*nothing left to apply/)]);
  }, 60_000);

  it('a forged record of an earlier apply cannot make a re-apply call a drifted device already-applied', async () => {
    const a = await applied('t9', 'reapply');
    // Someone sets another DNS server by hand, and forges the earlier journal to say the apply left exactly that.
    const inv = await loadInventory(ws.inventory);
    const session = await new SshConnector({ knownHostsFile: lab.knownHostsPath, hostKeyPolicy: 'strict' }).connect(connectionSpec(inv.hosts.get('t9')!));
    await session.run(ATTACKER_DNS, 'cli');
    await session.close();
    const forged = rawLines(a.journal).map((l) => {
      const e = JSON.parse(l) as { type: string; after?: unknown };
      return JSON.stringify(e.type === 'step-end' ? { ...e, after: { before: { dns_servers: ['198.51.100.66'] } } } : e);
    });
    const f = dir('forged-after');
    mkdirSync(f);
    writeLines(join(f, 'journal.jsonl'), rechain(forged));
    appendFileSync(`${a.plan}.applied`, JSON.stringify({ journal: join(f, 'journal.jsonl') }) + '\n');
    const out = dir('reapply-2');
    const r = await fb(['apply', a.plan, ...trust(), '--out', out, ...conn()], ws.dir);
    expect(r.code).toBe(2);
    const change = readReport(out).changes![0]!;
    expect([change.status, change.commands]).toEqual(['drifted', []]);
    expect(change.reason).toMatch(/expected dns_servers: 203\.0\.113\.53, found dns_servers: 198\.51\.100\.66; nothing was sent/);
    expect(configCommands(lab, 't9')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54', ATTACKER_DNS]);
  }, 60_000);

  it('--valid-for has a maximum (default 7 days; --max-valid-for raises it): exit 4 past it, nothing runs', async () => {
    const before = lab.commandLog('t1').length;
    const long = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', 't1', '-e', GOOD_DNS, '--valid-for', '8d', '-o', join(ws.dir, 'long.json'), ...conn()], ws.dir);
    expect([long.code, long.stderr]).toEqual([4, expect.stringMatching(/--valid-for 8d is longer than the 7d a plan may stay valid/)]);
    const iso = await fb(['plan', ws.playbook, '-i', ws.inventory, '--limit', 't1', '-e', GOOD_DNS, '--valid-for', 'P1W1D', '-o', join(ws.dir, 'long.json'), ...conn()], ws.dir);
    expect(iso.code).toBe(4);
    expect(lab.commandLog('t1').length).toBe(before);
    expect(existsSync(join(ws.dir, 'long.json'))).toBe(false);
    await plan('t1', 'long', ['--valid-for', '8d', '--max-valid-for', '14d']);
    const doc = JSON.parse(readFileSync(join(ws.dir, 'long.json'), 'utf8')) as PlanDocument;
    expect(Date.parse(doc.expiresAt) - Date.parse(doc.createdAt)).toBe(8 * 86_400_000);
  }, 60_000);

  it('approve refuses a second signature by the same key and another sha256; a pre-chain journal is exit 4 at file:line', async () => {
    const p = await plan('t1', 'again');
    await approve(p, cab, ws.dir);
    const twice = await fb(['approve', p, '--key', cab.key], ws.dir);
    expect([twice.code, twice.stderr]).toEqual([4, expect.stringMatching(/again\.json\.sig already holds a signature by SHA256:/)]);
    const other = await fb(['approve', p, '--key', cab.key, '--expect-sha256', '0'.repeat(64)], ws.dir);
    expect([other.code, other.stderr]).toEqual([4, expect.stringMatching(/not 0{64}: not the plan the ticket names/)]);
    expect(existsSync(`${p}.2.sig`)).toBe(false);
    const old = join(import.meta.dirname, '../fixtures/journals/killed.jsonl');
    const r = await fb(['resume', old, ...trust(), ...conn()], ws.dir);
    expect([r.code, r.stderr]).toEqual([4, expect.stringMatching(/killed\.jsonl:1:1: error\[report-input\]: not a firebook journal line/)]);
  }, 60_000);

  it('allowed_signers: options, cert-authority never trusted, bad lines at file:line', () => {
    const pub = readFileSync(`${cab.key}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    const s = parseAllowedSigners(`# comment\na@x,b@x namespaces="firebook-plan,!firebook-journal" ${pub}\nca@x cert-authority ${pub}\n`, 'as');
    expect(s.signers.map((x) => x.principals)).toEqual(['a@x,b@x']);
    expect(s.ignored).toEqual([expect.stringMatching(/as:3: cert-authority lines are not supported/)]);
    const key = parsePublicKey(Buffer.from(pub.split(' ')[1]!, 'base64'));
    expect(trustedSigners(s, key, 'firebook-plan', new Date())).toHaveLength(1);
    expect(trustedSigners(s, key, 'firebook-journal', new Date())).toHaveLength(0);
    expect(() => parseAllowedSigners(`a@x valid-after="tomorrow" ${pub}\n`, 'as')).toThrow(/as:1:1: error\[schema\]: allowed signers: valid-after="tomorrow" is not/);
    expect(() => parseAllowedSigners('a@x ssh-ed25519\n', 'as')).toThrow(/as:1:1/);
  });
});

describe('a second concurrent apply of the same plan', () => {
  let lab: Lab;
  afterAll(() => lab?.stop());

  it('is refused by the lock the first one holds (a real second process); the lock goes when the first ends', async () => {
    // Slow commands: the first apply is still changing the device when the second starts.
    lab = await startLab({ hosts: [{ name: 'l1', platform: 'ftd', scenario: 'dns-broken' }], latencyMs: 150 });
    const ws = workspace(lab);
    const cab = makeApprover(ws.dir);
    const conn = ['--known-hosts', lab.knownHostsPath];
    const p = join(ws.dir, 'plan.json');
    expect((await fb(['plan', ws.playbook, '-i', ws.inventory, '-e', GOOD_DNS, '-o', p, ...conn], ws.dir)).code).toBe(0);
    const trust = await approve(p, cab, ws.dir);
    const first = fbChild(['apply', p, ...trust, '--out', join(ws.dir, 'first'), ...conn], ws.dir);
    const journal = join(ws.dir, 'first', 'journal.jsonl');
    // Wait until the first apply has sent its change (it holds the lock until it ends).
    for (let i = 0; i < 6000 && !(existsSync(journal) && /"type":"command"[^\n]*"phase":"apply"/.test(readFileSync(journal, 'utf8'))); i++) await new Promise((r) => setTimeout(r, 10));
    const second = await fb(['apply', p, ...trust, '--out', join(ws.dir, 'second'), ...conn], ws.dir);
    expect([second.code, second.stderr]).toEqual([4, expect.stringMatching(/plan\.json\.lock exists: another apply of this plan is running \(pid \d+ on /)]);
    expect(await first.exited).toBe(0);
    expect(existsSync(`${p}.lock`)).toBe(false);
    expect(configCommands(lab, 'l1')).toEqual(['configure network dns servers 192.0.2.53,192.0.2.54']);
  }, 120_000);
});
