/**
 * resume and rollback: both start from the newest journal of a change (change/history.ts), verify
 * the plan it holds again, work out what is left (change/remaining.ts) and take apply's path
 * (runChangeCommand in apply-driver.ts). docs/change-window.md.
 */
import { UserError } from '../model/errors.js';
import type { PendingStep, PlanDocument } from '../model/change.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { parseSerial } from '../plan/batches.js';
import { checkApproval, type ApprovalResult } from './approval.js';
import type { AllowedSigners } from '../sign/allowed-signers.js';
import { checkSeals, type CheckedJournal } from './journal.js';
import { readHistory, type ChangeNotes, type JournalReader } from './history.js';
import { changesToUndo, remainingWork } from './remaining.js';
import { runChangeCommand, type ChangeEnv, type ChangeOptions, type ChangeRunConfig } from './apply-driver.js';

/**
 * resume and rollback: the plan a journal holds is verified again, as apply verified it — its
 * approvers' signatures over its exact text, against today's allowed_signers — and every seal
 * of the journal's ends. Refuses (UserError) otherwise.
 */
function journalApproval(journal: CheckedJournal, s: { signers?: AllowedSigners; allowUnsigned: boolean }, io: ChangeNotes, command: string): { approval: ApprovalResult; signatures: string[]; planText: string } {
  const begin = journal.begin;
  const signatures = begin.signatures ?? [];
  const now = new Date();
  const { result, issues } = checkApproval({ planBytes: Buffer.from(begin.planText, 'utf8'), signatures: signatures.map((text, i) => ({ source: `${journal.file}:1: signature ${i + 1}`, text })), signers: s.signers, allowUnsigned: s.allowUnsigned, now, planName: `the plan in ${journal.file}` });
  const seals = checkSeals(journal, s.signers, now);
  issues.push(...seals.issues);
  if (!result || issues.length) throw new UserError(issues);
  if (seals.unverified) io.stderr.write(`firebook: ${command}: warning: ${seals.unverified} seal(s) of ${journal.file} not checked against allowed_signers (none given)\n`);
  return { approval: result, signatures, planText: begin.planText };
}

/** `firebook resume JOURNAL`: finishes what the newest journal of the change left. */
export async function resumeChange(journalArg: string, o: ChangeOptions & { argv: string[] }, env: ChangeEnv, read?: JournalReader): Promise<number> {
  const { io } = env;
  const { journal, path, checked } = readHistory(journalArg, io.cwd, io, 'resume', read);
  const work = remainingWork(checked.entries, journal);
  const verified = journalApproval(checked, o, io, 'resume');
  if (work.steps.length === 0) {
    io.stderr.write(`firebook: resume: ${journal} has nothing left to ${work.kind === 'apply' ? 'apply' : 'undo'}\n`);
    return 0;
  }
  const h = work.header;
  // The approved window binds a resume of an apply; only a new --window (journaled) widens it.
  const approved = work.kind === 'apply' && h.window ? { start: new Date(h.window.start), end: new Date(h.window.end), text: h.window.text, from: `the window approved in ${journal}` } : undefined;
  // Judging the changes a rollback refused sends nothing new: recovery is never blocked by the
  // plan's expiry or a closed window (docs/change-window.md "After a crash").
  const recoveryOnly = work.steps.every((s) => s.judgeOnly);
  const { exitCode } = await runChangeCommand(
    {
      ...o,
      command: 'resume',
      kind: work.kind,
      resumed: true,
      ...fromJournal(journal, path, checked, work, verified),
      ticket: h.ticket,
      checkExpiry: work.kind === 'apply' && !recoveryOnly,
      serial: h.serial ? parseSerial(h.serial) : undefined,
      serialText: h.serial,
      maxFailPercentage: h.maxFailPercentage,
      limitHosts: h.limit,
      window: o.window ?? (recoveryOnly ? undefined : approved),
    },
    env,
  );
  return exitCode;
}

/** `firebook rollback JOURNAL`: undoes what the history of the change applied (`limit`: an
 * Ansible pattern over the plan's inventory). */
export async function rollbackChange(journalArg: string, o: ChangeOptions & { argv: string[]; limit?: string; ticket?: string }, env: ChangeEnv, read?: JournalReader): Promise<number> {
  const { io } = env;
  const { journal, path, checked } = readHistory(journalArg, io.cwd, io, 'rollback', read);
  const entries = checked.entries;
  const verified = journalApproval(checked, o, io, 'rollback');
  let hosts: Set<string> | undefined;
  if (o.limit) {
    const first = changesToUndo(entries, { file: journal });
    hosts = new Set(selectHosts(await loadInventory(first.plan.selection.inventory, { vault: o.connection.vault }), o.limit));
    if (!first.steps.some((s) => hosts!.has(s.host))) throw new UserError({ code: 'cli-usage', message: `firebook rollback: --limit '${o.limit}' matches no host with a change to undo`, hint: `hosts with changes: ${[...new Set(first.steps.map((s) => s.host))].join(', ') || 'none'}` });
  }
  const work = changesToUndo(entries, { hosts, file: journal });
  if (work.steps.length === 0) {
    io.stderr.write(`firebook: rollback: ${journal} records no applied change left to undo\n`);
    return 0;
  }
  const { exitCode } = await runChangeCommand(
    {
      ...o,
      command: 'rollback',
      kind: 'rollback',
      resumed: false,
      ...fromJournal(journal, path, checked, work, verified),
      // The rollback's own ticket: its records name who ran it, never the apply's approval.
      ticket: o.ticket,
      checkExpiry: false,
      limitHosts: hosts ? [...hosts] : undefined,
    },
    env,
  );
  return exitCode;
}

/** What a run from a journal takes from it: the plan it holds, its approval, what is left to do
 * and the journal it continues. */
function fromJournal(journal: string, path: string, checked: CheckedJournal, work: { plan: PlanDocument; steps: PendingStep[] }, verified: ReturnType<typeof journalApproval>): Pick<ChangeRunConfig, 'doc' | 'planFile' | 'planSha256' | 'approval' | 'signatures' | 'planText' | 'steps' | 'prior'> {
  return { doc: work.plan, planFile: journal, planSha256: checked.planSha256, ...verified, steps: work.steps, prior: { path, lines: checked.lines } };
}
