/** The journal's hash chain and seal on real files: what the writer produces, what the reader
 * accepts (a cut-off last line) and refuses (at file:line), and the exclusive create. */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSeals, createJournal, digestOf, readCheckedJournal } from '../../src/change/journal.js';
import { parseAllowedSigners } from '../../src/sign/allowed-signers.js';
import { loadSigningKey } from '../../src/sign/sshsig.js';
import type { JournalEntry, PlanDocument } from '../../src/model/change.js';
import { parseEventLog } from '../../src/store/event-log.js';

const fixture = parseEventLog<JournalEntry>(readFileSync(join(import.meta.dirname, '../fixtures/journals/killed.jsonl'), 'utf8'));
const plan = (fixture[0] as { plan: PlanDocument }).plan;
const planText = JSON.stringify(plan, null, 2) + '\n';
const planSha256 = digestOf(planText);
const now = () => new Date('2026-12-01T01:00:00Z');
const begin: JournalEntry = { type: 'journal-begin', time: '2026-12-01T01:00:00Z', kind: 'apply', runId: 'r', tool: { name: 'firebook', version: '0' }, approvedBy: 'approval not verified', operator: 'op', planSha256, planText, plan };
const rest = fixture.slice(1, 6);
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

function write(dir: string, opts: Partial<Parameters<typeof createJournal>[1]> = {}): string {
  const file = join(dir, 'journal.jsonl');
  const j = createJournal(file, { planSha256, verified: false, now, ...opts });
  for (const e of [begin, ...rest]) j.append(e);
  j.close();
  return file;
}

describe('journal chain', () => {
  it('every line carries prev (sha256 of the line before), the plan digest and "not verified"; the reader restores the plan', () => {
    const file = write(mkdtempSync(join(tmpdir(), 'fb-j-')));
    const raw = lines(file).map((l) => JSON.parse(l) as { prev: string | null; planSha256: string; approval: string; plan?: unknown });
    expect(raw[0]!.prev).toBeNull();
    raw.slice(1).forEach((l, i) => expect(l.prev).toBe(digestOf(lines(file)[i]!)));
    expect(raw.every((l) => l.planSha256 === planSha256 && l.approval === 'not verified' && l.plan === undefined)).toBe(true);
    const j = readCheckedJournal(file);
    expect(j.entries).toHaveLength(6);
    expect((j.entries[0] as { plan: PlanDocument }).plan).toEqual(plan);
  });

  it('a cut-off last line is left out; a removed, inserted or edited line breaks the chain at file:line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-j-'));
    const file = write(dir);
    const all = lines(file);
    appendFileSync(file, '{"type":"step-beg');
    expect(readCheckedJournal(file).entries).toHaveLength(6);
    const refuse = (text: string[], line: number, what: RegExp) => {
      writeFileSync(file, text.join('\n') + '\n');
      expect(() => readCheckedJournal(file, 'j.jsonl')).toThrow(new RegExp(`j\\.jsonl:${line}:1: error\\[report-input\\]: ${what.source}`));
    };
    refuse([...all.slice(0, 2), ...all.slice(3)], 3, /the hash chain is broken here/);
    refuse([...all.slice(0, 2), all[1]!, ...all.slice(2)], 3, /the hash chain is broken here/);
    refuse([all[0]!, all[1]!.replace('"k1"', '"k9"'), ...all.slice(2)], 3, /the hash chain is broken here/);
    refuse([all[0]!, '', ...all.slice(1)], 2, /empty line inside the journal/);
    refuse([all[0]!, '[1,2]', ...all.slice(1)], 2, /not a firebook journal line/);
    refuse([all[0]!, 'not json', ...all.slice(1)], 2, /not valid JSON/);
    // Another field than the schema allows (e.g. a `plan` object beside the signed planText).
    refuse([JSON.stringify({ ...(JSON.parse(all[0]!) as object), plan: {} })], 1, /not a firebook journal line/);
    refuse([all[1]!], 1, /a journal starts with the journal-begin line of an apply/);
  });

  it('the journal is created exclusively: never over an old one, never through a symlink', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-j-'));
    write(dir);
    expect(() => write(dir)).toThrow(/EEXIST/);
    const other = mkdtempSync(join(tmpdir(), 'fb-j-'));
    const target = join(other, 'elsewhere');
    symlinkSync(target, join(other, 'journal.jsonl'));
    expect(() => write(other)).toThrow(/EEXIST|ELOOP/);
  });

  it('a continued journal copies the lines verbatim and its chain goes on; a seal signs the end', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fb-j-'));
    const first = write(dir);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'op', '-f', join(dir, 'key')]);
    const key = loadSigningKey(join(dir, 'key'), undefined);
    const next = mkdtempSync(join(tmpdir(), 'fb-j-'));
    const file = join(next, 'journal.jsonl');
    const j = createJournal(file, { planSha256, verified: false, now, prior: lines(first), key });
    j.append({ ...begin, resumed: true } as JournalEntry);
    j.close();
    const checked = readCheckedJournal(file);
    expect(checked.lines.slice(0, 6)).toEqual(lines(first));
    expect(checked.entries.at(-1)).toMatchObject({ type: 'journal-seal', key: key.publicKey.fingerprint, prev: digestOf(checked.lines[6]!) });
    const pub = readFileSync(join(dir, 'key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    expect(checkSeals(checked, parseAllowedSigners(`op@x ${pub}\n`, 'as'), now())).toEqual({ issues: [], signedBy: ['op@x'], unverified: 0 });
    expect(checkSeals(checked, parseAllowedSigners(`op@x namespaces="firebook-plan" ${pub}\n`, 'as'), now()).issues[0]!.message).toMatch(/does not trust for firebook-journal/);
    // A seal moved onto other lines does not match them.
    const moved = [...checked.lines.slice(0, 6), JSON.stringify({ ...(JSON.parse(checked.lines[7]!) as object), prev: digestOf(checked.lines[5]!) })];
    writeFileSync(file, moved.join('\n') + '\n');
    const forged = readCheckedJournal(file);
    // The chain holds (the forger re-pointed prev), but the signature is over another digest.
    expect(checkSeals(forged, undefined, now()).issues[0]!.message).toMatch(/the journal's seal does not match the lines before it/);
  });
});
