/**
 * The journal's hash chain (docs/change-window.md "Journal chain"). Every line carries `prev`,
 * the sha256 of the previous line's exact text (null on the first line), and `planSha256`, the
 * plan's digest; a line edited, removed or inserted breaks the chain at the next line. A
 * segment's end may be sealed: an SSHSIG (namespace firebook-journal) over the last digest.
 * A journal continuing another (resume, rollback) starts where the other ends: today it copies
 * the other's lines verbatim, so the chain simply goes on.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JournalChain, JournalEntry, PlanDocument } from '../model/change.js';
import { UserError, type UserIssue } from '../model/errors.js';
import { openEventLog } from '../store/event-log.js';
import { humanPath, schemaValidator } from '../validate/schema.js';
import { JOURNAL_NAMESPACE, parseSignature, verifySignature, type SigningKey } from '../sign/sshsig.js';
import type { AllowedSigners } from '../sign/allowed-signers.js';
import { trustedSigners } from '../sign/allowed-signers.js';

export const digestOf = (line: string): string => createHash('sha256').update(line, 'utf8').digest('hex');

export interface JournalWriter {
  append(entry: JournalEntry): void;
  /** Seals the end (with `key`), fsyncs and closes. */
  close(): void;
}

export interface JournalWriterOptions {
  planSha256: string;
  verified: boolean;
  /** Lines of the journal this one continues, copied verbatim (their chain goes on). */
  prior?: readonly string[];
  /** Signs the end of what this writer appended. */
  key?: SigningKey;
  now: () => Date;
  mode?: number;
}

/** Creates the journal (exclusively, never through a symlink) and appends chained lines. */
export function createJournal(path: string, opts: JournalWriterOptions): JournalWriter {
  const log = openEventLog<{ type: string; text: string }>(path, { fsync: true, exclusive: true, mode: opts.mode, serialize: (r) => r.text });
  let prev: string | null = null;
  const raw = (text: string) => {
    log.append({ type: 'line', text });
    prev = digestOf(text);
  };
  // The history is copied in one write and one fsync (a long journal is not synced line by line).
  if (opts.prior?.length) {
    log.append({ type: 'lines', text: opts.prior.join('\n') });
    prev = digestOf(opts.prior.at(-1)!);
  }
  const approval: JournalChain['approval'] = opts.verified ? 'verified' : 'not verified';
  const append = (entry: JournalEntry) => {
    // `plan` is derived from planText by the reader: the exact text is what was signed.
    const { plan: _plan, type, ...fields } = entry as JournalEntry & { plan?: PlanDocument };
    raw(JSON.stringify({ type, prev, planSha256: opts.planSha256, approval, ...fields }));
  };
  let appended = false;
  return {
    append(entry) {
      appended = true;
      append(entry);
    },
    close() {
      try {
        if (opts.key && appended && prev) append({ type: 'journal-seal', time: opts.now().toISOString(), key: opts.key.publicKey.fingerprint, signature: opts.key.sign(JOURNAL_NAMESPACE, Buffer.from(prev)) });
      } finally {
        log.close();
      }
    },
  };
}

/** A journal read and checked: entries (journal-begin with `plan` set), and its exact lines. */
export interface CheckedJournal {
  file: string;
  entries: JournalEntry[];
  lines: string[];
  planSha256: string;
  /** The first journal-begin: the apply. */
  begin: Extract<JournalEntry, { type: 'journal-begin' }>;
  seals: Array<{ line: number; key: string; signature: string; digest: string }>;
}

/**
 * Reads a journal and refuses (UserError, exit 4, at file:line) one that is not JSON lines,
 * does not match schemas/journal.schema.json, has a broken chain, mixes plans, holds a plan
 * whose text is not the one its digest names, or holds more than one apply. A cut-off last
 * line (a killed run) is left out.
 */
export function readCheckedJournal(file: string, shownAs = file): CheckedJournal {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError({ code: 'file-not-found', message: `cannot read journal ${shownAs}: ${(err as Error).message}`, hint: 'name the journal.jsonl in the run folder of firebook apply' });
  }
  const all = text.split('\n');
  let last = all.length - 1;
  while (last >= 0 && all[last]!.trim() === '') last--;
  const at = (i: number) => ({ file: shownAs, line: i + 1, col: 1 });
  const fail = (i: number, message: string, hint?: string): never => {
    throw new UserError({ code: 'report-input', message, location: at(i), ...(hint ? { hint } : {}) });
  };
  const validate = schemaValidator('journal');
  const planValidate = schemaValidator('plan');
  const entries: JournalEntry[] = [];
  const lines: string[] = [];
  const seals: CheckedJournal['seals'] = [];
  let prev: string | null = null;
  let planSha256 = '';
  let applies = 0;
  let planText = '';
  let plan: PlanDocument | undefined;
  for (let i = 0; i <= last; i++) {
    const line = all[i]!;
    if (line === '') fail(i, 'empty line inside the journal', 'a journal is written by firebook only; an edited journal is refused');
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      if (i === last) break; // the run was killed while writing this line
      fail(i, `not valid JSON: ${(err as Error).message}`, 'only the last line of a journal may be cut off');
    }
    if (!validate(value)) {
      const e = (validate.errors ?? []).find((x) => x.keyword !== 'if') ?? validate.errors?.[0];
      fail(i, `not a firebook journal line: ${humanPath(e?.instancePath ?? '') || 'line'} ${e?.message ?? 'is invalid'}`, 'the format is schemas/journal.schema.json; journals from before the hash chain cannot be resumed or rolled back');
    }
    const entry = value as JournalEntry & JournalChain;
    if (i === 0) {
      if (entry.type !== 'journal-begin' || entry.kind !== 'apply' || entry.resumed) fail(i, 'a journal starts with the journal-begin line of an apply', 'name the journal.jsonl in the run folder of firebook apply');
      planSha256 = entry.planSha256;
    }
    if (entry.prev !== prev) fail(i, 'the hash chain is broken here: a line before this one was edited, removed or inserted', 'a journal is written by firebook only; use the journal as apply, resume or rollback wrote it');
    if (entry.planSha256 !== planSha256) fail(i, `this line belongs to another plan (sha256 ${entry.planSha256}, the journal's plan is ${planSha256})`, 'one journal is the history of one plan');
    if (entry.type === 'journal-begin') {
      if (digestOf(entry.planText) !== entry.planSha256) fail(i, 'the plan text in this line is not the plan its sha256 names', 'a journal is written by firebook only');
      if (entry.kind === 'apply' && !entry.resumed && ++applies > 1) fail(i, 'the journal holds more than one apply', 'each apply has its own run folder and journal; name that journal');
      if (plan === undefined || entry.planText !== planText) {
        try {
          plan = JSON.parse(entry.planText) as PlanDocument;
        } catch {
          fail(i, 'the plan text in this line is not JSON');
        }
        if (!planValidate(plan)) fail(i, `the plan in this line does not match schemas/plan.schema.json (${planValidate.errors?.[0]?.message ?? 'invalid'})`);
        planText = entry.planText;
      }
      entry.plan = plan!;
    }
    if (entry.type === 'journal-seal') seals.push({ line: i + 1, key: entry.key, signature: entry.signature, digest: entry.prev! });
    entries.push(entry);
    lines.push(line);
    prev = digestOf(line);
  }
  if (entries.length === 0) fail(0, 'the journal is empty', 'name the journal.jsonl in the run folder of firebook apply');
  return { file: shownAs, entries, lines, planSha256, begin: entries[0] as CheckedJournal['begin'], seals };
}

/** Checks each seal: a firebook-journal signature over the digest before it, by a trusted key. */
export function checkSeals(journal: CheckedJournal, signers: AllowedSigners | undefined, now: Date): { issues: UserIssue[]; signedBy: string[]; unverified: number } {
  const issues: UserIssue[] = [];
  const signedBy: string[] = [];
  let unverified = 0;
  for (const s of journal.seals) {
    const where = { file: journal.file, line: s.line, col: 1 };
    let sig;
    try {
      sig = parseSignature(s.signature);
    } catch (err) {
      issues.push({ code: 'report-input', message: `the journal's seal cannot be read: ${(err as Error).message}`, location: where });
      continue;
    }
    if (sig.publicKey.fingerprint !== s.key || !verifySignature(sig, JOURNAL_NAMESPACE, Buffer.from(s.digest))) {
      issues.push({ code: 'report-input', message: "the journal's seal does not match the lines before it", location: where, hint: 'a journal is written by firebook only' });
      continue;
    }
    if (!signers) {
      unverified++;
      continue;
    }
    const lines = trustedSigners(signers, sig.publicKey, JOURNAL_NAMESPACE, now);
    if (lines.length === 0) issues.push({ code: 'report-input', message: `the journal was sealed by key ${s.key}, which ${signers.file} does not trust for ${JOURNAL_NAMESPACE}`, location: where, hint: 'add the operator\'s key to allowed_signers (namespaces="firebook-plan,firebook-journal" or none)' });
    else signedBy.push(lines.map((l) => l.principals).join(' '));
  }
  return { issues, signedBy, unverified };
}
