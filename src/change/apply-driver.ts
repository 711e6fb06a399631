/**
 * What `apply`, `resume` and `rollback` share: refuse a plan before anything is sent (exit 4),
 * rebuild the hosts from the plan's selection, open the journal beside the reports and drive
 * the plan's steps through executeRun (same connector, reporters, run folder, Ctrl-C).
 */
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError, type UserIssue } from '../model/errors.js';
import { resumeCommand, SENT_NOT_VERIFIED, type ExtraVarRef, type JournalKind, type PendingStep, type PlanDocument } from '../model/change.js';
import { secretValuesOf } from '../model/redact.js';
import type { Vault } from '../inventory/vault.js';
import { parseExtraVars } from '../cli/options.js';
import type { RunReport } from '../model/result.js';
import { planRefusals } from './plan-document.js';
import type { ChangeWindow } from './window.js';
import type { Serial } from '../plan/batches.js';
import type { ReportFormat } from '../report/index.js';
import { approverText, checkApproval, type ApprovalResult } from './approval.js';
import { checkSeals, createJournal, type CheckedJournal } from './journal.js';
import type { AllowedSigners } from './allowed-signers.js';
import { createExclusive, lockPlan, runFolderIssue } from './exclusive.js';
import type { SigningKey } from './sshsig.js';
import { continuedMarker, recordApply } from '../cli/change-options.js';
import { runChanges } from './apply-runner.js';
import { toolVersion } from '../io/package-files.js';
import type { CliIO } from '../cli/command.js';
import { warnInsecure, type ConnectionSettings } from '../cli/connection-options.js';
import { executeRun } from '../cli/execute.js';
import { loadInputs, playbookMeta } from '../cli/load-inputs.js';

/** `-e` values split into what the plan may store (given inline, no secret inside at any depth,
 * not a secret input, no known secret value) and what it names only (docs/secrets.md "What a
 * plan and a journal store"): a variable read from `-e @file` refers to its file, a secret
 * given inline is given again to apply by the operator. No secret and no digest of one is kept. */
export function splitExtraVars(extra: Record<string, unknown>, opts: { origins: Record<string, string>; secretInputs: ReadonlySet<string>; secretValues: readonly string[]; cwd: string }): Pick<PlanDocument['selection'], 'extraVars' | 'extraVarRefs'> {
  const extraVars: Record<string, unknown> = {};
  const refs: Record<string, ExtraVarRef> = {};
  const known = new Set(opts.secretValues);
  for (const [k, v] of Object.entries(extra)) {
    const origin = opts.origins[k];
    if (origin?.startsWith('@')) refs[k] = { from: 'file', file: resolve(opts.cwd, origin.slice(1)) };
    else if (opts.secretInputs.has(k) || secretValuesOf({ [k]: v }).length > 0 || secretValuesOf({ secret: v }).some((x) => known.has(x))) refs[k] = { from: 'operator' };
    else extraVars[k] = v;
  }
  return Object.keys(refs).length ? { extraVars, extraVarRefs: refs } : { extraVars };
}

/** The environment variable that gives apply the secret `-e NAME` of a plan. */
export const secretEnvName = (name: string) => `FIREBOOK_VAR_${name}`;

/** The plan's `-e` variables again: stored ones as they are, `file` ones read again from their
 * file (vault-decrypted with the vault flags), `operator` ones from apply's `-e @file` or the
 * environment. Returns the values that are secret (for redaction). */
function restoreExtraVars(doc: PlanDocument, given: Record<string, unknown>, cfg: { command: string; env: NodeJS.ProcessEnv; vault: Vault }): { vars: Record<string, unknown>; secrets: string[]; issues: UserIssue[] } {
  const vars = { ...doc.selection.extraVars };
  const refs = doc.selection.extraVarRefs ?? {};
  const issues: UserIssue[] = [];
  const secrets: string[] = [];
  const files = new Map<string, Record<string, unknown>>();
  for (const [name, ref] of Object.entries(refs)) {
    if (ref.from === 'file') {
      if (!files.has(ref.file)) files.set(ref.file, parseExtraVars(cfg.command, [`@${ref.file}`], cfg.vault));
      const values = files.get(ref.file)!;
      if (name in values) vars[name] = values[name];
      else issues.push({ code: 'cli-usage', message: `-e @${ref.file} no longer defines ${name}`, hint: 'restore the file, or make a new plan' });
      continue;
    }
    const env = cfg.env[secretEnvName(name)];
    if (name in given) vars[name] = given[name];
    else if (env !== undefined) vars[name] = env;
    else {
      issues.push({ code: 'cli-usage', message: `the plan needs the secret ${name} (it keeps only its name)`, hint: `give it to firebook ${cfg.command} in a file (-e @secrets.yml, may be vault-encrypted) or the environment (${secretEnvName(name)}=...), never on the command line` });
      continue;
    }
    secrets.push(...secretValuesOf({ secret: vars[name] }));
  }
  for (const name of Object.keys(given)) {
    if (refs[name]?.from !== 'operator') issues.push({ code: 'cli-usage', message: `-e ${name}: the plan fixes every variable; only the secrets it names may be given again`, hint: 'make a new plan to change a variable' });
  }
  return { vars, secrets, issues };
}

/**
 * resume and rollback: the plan a journal holds is verified again, as apply verified it — its
 * approvers' signatures over its exact text, against today's allowed_signers — and every seal
 * of the journal's ends. Refuses (UserError) otherwise.
 */
export function journalApproval(journal: CheckedJournal, s: { signers?: AllowedSigners; allowUnsigned: boolean }, io: CliIO, command: string): { approval: ApprovalResult; signatures: string[]; planText: string } {
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

/** Who a rollback's change records name: the operator who ran it and the key that sealed its
 * journal (--key), never the apply's approvers (they approved the plan, not this undo). */
function rollbackBy(operator: string, cfg: ChangeRunConfig): string {
  return `rolled back by ${operator}${cfg.signingKey ? ` (journal sealed by ${cfg.signingKey.publicKey.fingerprint})` : ''}`;
}

export interface ChangeRunConfig {
  command: 'apply' | 'resume' | 'rollback';
  kind: JournalKind;
  resumed: boolean;
  doc: PlanDocument;
  planFile: string;
  planSha256: string;
  /** plan.json's exact text (what the approvers signed). */
  planText: string;
  /** The approvers' armored signatures, kept in the journal for resume and rollback. */
  signatures: string[];
  approval: ApprovalResult;
  /** apply: plan.json's path; a lock beside it refuses a second concurrent apply. */
  lockPlan?: string;
  steps: readonly PendingStep[];
  /** The journal this run continues (resume, rollback): its exact lines are copied first, so
   * the new one is whole and its hash chain goes on; a marker beside it names the new one. */
  prior?: { path: string; lines: readonly string[] };
  signingKey?: SigningKey;
  ticket?: string;
  checkExpiry: boolean;
  window?: ChangeWindow;
  windowText?: string;
  serial?: Serial;
  serialText?: string;
  maxFailPercentage?: number;
  limitHosts?: string[];
  extraVars: Record<string, unknown>;
  connection: ConnectionSettings;
  argv: string[];
  outDir?: string;
  formats: ReportFormat[];
  lang: 'en' | 'ja';
  console: 'tty' | 'plain' | 'json';
  now?: () => Date;
}

/** Refuses (UserError, exit 4, nothing sent) or runs the steps; returns the exit code. */
export async function runChangeCommand(cfg: ChangeRunConfig, io: CliIO): Promise<{ report?: RunReport; exitCode: number; outDir?: string }> {
  const now = cfg.now ?? (() => new Date());
  /** A path as the operator can paste it (relative to where they are, when shorter). */
  const shown = (p: string) => {
    const r = relative(io.cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
  const { vars, secrets, issues } = restoreExtraVars(cfg.doc, cfg.extraVars, { command: cfg.command, env: io.env, vault: cfg.connection.vault });
  issues.push(...planRefusals(cfg.doc, cfg.planFile, { now: now(), window: cfg.window, checkFiles: true, checkExpiry: cfg.checkExpiry }));
  const folder = cfg.outDir === undefined ? undefined : runFolderIssue(cfg.outDir);
  if (folder) issues.push(folder);
  if (issues.length > 0) throw new UserError(issues);
  const sel = cfg.doc.selection;
  const { playbooks, plan, inventory } = await loadInputs(io.cwd, sel.playbooks, sel.inventory, { limit: sel.limit, tags: sel.tags, skipTags: sel.skipTags, extraVars: vars, secretValues: secrets, connectionDefaults: cfg.connection.connectionDefaults }, cfg.connection.vault);
  const wanted = new Set(cfg.steps.map((s) => s.host));
  const missing = [...wanted].filter((h) => !plan!.hosts.some((x) => x.name === h));
  if (missing.length) throw new UserError({ code: 'cli-usage', message: `${cfg.planFile}: host(s) ${missing.join(', ')} are no longer selected by the plan's inventory and playbooks`, hint: 'make a new plan' });
  const hosts = plan!.hosts.filter((h) => wanted.has(h.name));
  warnInsecure(io, cfg.connection, { hosts, checks: [] });
  const haGroups = new Map(cfg.doc.hosts.filter((h) => h.haGroup).map((h) => [h.host, h.haGroup!]));
  const approvedBy = approverText(cfg.approval);
  if (!cfg.approval.verified) io.stderr.write(`firebook: ${cfg.command}: warning: ${approvedBy} (--allow-unsigned): the reports and every journal line say so\n`);
  const unlock = cfg.lockPlan ? lockPlan(cfg.lockPlan, cfg.outDir, now()) : undefined;
  let ran: Awaited<ReturnType<typeof executeRun>>;
  try {
    ran = await executeRun(
      {
        plan: { hosts, checks: [] },
        playbooks: playbooks.map(playbookMeta),
        inventorySource: inventory!.source,
        argv: cfg.argv,
        mode: 'apply',
        changeRun: cfg.command,
        forks: cfg.connection.forks,
        connectRate: cfg.connection.connectRate,
        lang: cfg.lang,
        knownHostsFile: cfg.connection.knownHostsFile,
        hostKeyPolicy: cfg.connection.hostKeyPolicy,
        outDir: cfg.outDir,
        // One history: a run continuing a journal puts its folder beside that journal's folder.
        ...(cfg.prior ? { outBase: dirname(dirname(cfg.prior.path)) } : {}),
        formats: cfg.formats,
        console: cfg.console,
        drive: async (options, dir) => {
          const path = join(dir, 'journal.jsonl');
          // One history: the continued journal names this one, and only one run may continue it.
          if (cfg.prior && !createExclusive(continuedMarker(cfg.prior.path), JSON.stringify({ journal: path, runId: options.meta.runId, pid: process.pid, host: hostname(), since: now().toISOString() }) + '\n')) {
            throw new UserError({ code: 'cli-usage', message: `firebook ${cfg.command}: another run continued ${cfg.planFile} meanwhile`, hint: `see ${continuedMarker(cfg.prior.path)}` });
          }
          let journal;
          try {
            journal = createJournal(path, { planSha256: cfg.planSha256, verified: cfg.approval.verified, prior: cfg.prior?.lines, key: cfg.signingKey, now });
          } catch (err) {
            throw new UserError({ code: 'cli-usage', message: `cannot create ${path}: ${(err as Error).message}`, hint: 'a journal is always a new file in a new run folder' });
          }
          // Beside the plan, which journal applied it: a later apply of it can say so.
          if (cfg.lockPlan) recordApply(cfg.lockPlan, path, options.meta.runId);
          try {
            journal.append({
              type: 'journal-begin',
              time: now().toISOString(),
              kind: cfg.kind,
              ...(cfg.resumed ? { resumed: true } : {}),
              runId: options.meta.runId,
              tool: { name: 'firebook', version: toolVersion() },
              approvedBy,
              ...(cfg.approval.verified ? { approvers: cfg.approval.approvers } : {}),
              ...(cfg.ticket ? { ticket: cfg.ticket } : {}),
              operator: options.meta.operator,
              planSha256: cfg.planSha256,
              planText: cfg.planText,
              ...(cfg.signatures.length ? { signatures: cfg.signatures } : {}),
              plan: cfg.doc,
              ...(cfg.window ? { window: { start: cfg.window.start.toISOString(), end: cfg.window.end.toISOString(), ...(cfg.window.text ? { text: cfg.window.text } : {}) } } : {}),
              ...(cfg.serialText ? { serial: cfg.serialText } : {}),
              ...(cfg.maxFailPercentage !== undefined ? { maxFailPercentage: cfg.maxFailPercentage } : {}),
              ...(cfg.limitHosts ? { limit: cfg.limitHosts } : {}),
            });
            return await runChanges({
              plan: { hosts, checks: [] },
              kind: cfg.kind,
              steps: cfg.steps,
              connector: options.connector,
              bus: options.bus,
              meta: options.meta,
              onEvent: options.onEvent,
              onEventError: options.onEventError,
              store: options.store,
              signal: options.signal,
              journal: (e) => journal.append(e),
              journalPath: shown(path),
              approvedBy: cfg.kind === 'rollback' ? rollbackBy(options.meta.operator, cfg) : approvedBy,
              ticket: cfg.ticket,
              forks: options.forks,
              connectRate: options.connectRate,
              serial: cfg.serial,
              maxFailPercentage: cfg.maxFailPercentage,
              haGroups,
              window: cfg.window,
              lang: cfg.lang,
              now,
            });
          } finally {
            journal.close();
          }
        },
      },
      io,
    );
  } finally {
    unlock?.();
  }
  const { report, outDir } = ran;
  const journalPath = shown(join(outDir, 'journal.jsonl'));
  const count = (status: string) => (report.changes ?? []).filter((c) => c.status === status).length;
  // An undo that held is `verified` in the report (its row says "undo …"): here it is said plainly.
  const word = (s: string) => (cfg.kind === 'rollback' && s === 'verified' ? 'undone' : s);
  const statuses = ['verified', ...(count('already-applied') ? ['already-applied'] : []), 'rolled-back', 'drifted', 'failed', 'not-started'];
  const summary = statuses.map((s) => `${count(s)} ${word(s)}`).join(' · ');
  io.stderr.write(`firebook: ${cfg.command}: ${summary} — exit ${report.exitCode}; journal ${journalPath}\n`);
  const changes = report.changes ?? [];
  if (cfg.kind === 'apply' && changes.length > 0 && changes.every((c) => c.status === 'already-applied')) {
    io.stderr.write(`firebook: ${cfg.command}: every change of this plan was already applied: nothing was sent\n`);
  }
  const unsure = changes.filter((c) => c.reason?.includes(SENT_NOT_VERIFIED)).length;
  if (unsure > 0) io.stderr.write(`firebook: ${cfg.command}: ${unsure} change(s) were sent but not verified: run ${resumeCommand(cfg.prior ? shown(cfg.prior.path) : journalPath)} first, then roll back its journal\n`);
  else if (report.exitCode === 130 || report.exitCode === 3 || changes.some((c) => c.status === 'not-started')) {
    io.stderr.write(`firebook: ${cfg.command}: next: ${resumeCommand(journalPath)} finishes what this run left${cfg.kind === 'apply' ? `; firebook rollback ${journalPath} undoes it` : ''}\n`);
  }
  return { report, exitCode: report.exitCode, outDir };
}
