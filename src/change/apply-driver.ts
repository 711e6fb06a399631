/**
 * apply, and the path resume and rollback take too (journal-commands.ts): refuse a plan before
 * anything is sent (exit 4), build the hosts from plan.json and the inventory (plan-hosts.ts: the
 * playbooks are never read again), open the journal beside the reports and drive the plan's steps
 * through the run the CLI sets up (same connector, reporters, run folder, Ctrl-C).
 * docs/change-window.md.
 */
import { hostname } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { PLAN_VERSION, resumeCommand, SENT_NOT_VERIFIED, type JournalKind, type PendingStep, type PlanDocument } from '../model/change.js';
import type { ConnectionSpec } from '../model/inventory.js';
import type { RunMeta, RunReport } from '../model/result.js';
import type { Vault } from '../inventory/vault.js';
import type { HostPlan, RunPlan } from '../plan/plan.js';
import type { Serial } from '../plan/batches.js';
import { playbookMetaOf, type RunOptions } from '../run/runner.js';
import type { ReportFormat } from '../report/index.js';
import { toolVersion } from '../io/package-files.js';
import { oldPlan, planRefusals } from './plan-document.js';
import { restoreExtraVars } from './extra-vars.js';
import type { ChangeWindow } from './window.js';
import { approverText, checkApproval, type ApprovalResult } from './approval.js';
import { createJournal } from './journal.js';
import type { AllowedSigners } from '../sign/allowed-signers.js';
import { createExclusive, lockPlan, runFolderIssue } from './exclusive.js';
import type { SigningKey } from '../sign/sshsig.js';
import { continuedMarker, earlierApplies, recordApply, type ChangeNotes } from './history.js';
import { readSignatureFiles } from './approval.js';
import { stepKey } from './remaining.js';
import { runChanges } from './apply-runner.js';
import { hostsFromPlan } from './plan-hosts.js';

/** What a change command needs of the shell it runs in. */
export interface ChangeIO extends ChangeNotes {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Connection settings of the command line (cli/connection-options.ts). */
export interface ChangeConnection {
  forks?: number;
  connectRate?: number;
  connectionDefaults: Partial<ConnectionSpec>;
  knownHostsFile?: string;
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  vault: Vault;
}

/** A run as the CLI sets it up (cli/execute.ts): run folder, connector, reporters, event log,
 * Ctrl-C; `drive` does the work with the options it prepared. */
export interface ChangeExecution {
  plan: RunPlan;
  playbooks: RunMeta['playbooks'];
  inventorySource: string;
  argv: string[];
  mode: 'apply';
  changeRun: NonNullable<RunMeta['changeRun']>;
  forks?: number;
  connectRate?: number;
  lang: 'en' | 'ja';
  knownHostsFile?: string;
  hostKeyPolicy: 'strict' | 'accept-new' | 'off';
  outDir?: string;
  outBase?: string;
  formats: ReportFormat[];
  console: 'tty' | 'plain' | 'json';
  drive: (options: RunOptions, outDir: string) => Promise<RunReport>;
  /** `--sign-key`: the run folder's SHA256SUMS is signed once the reports are written. */
  signKey?: SigningKey;
}

/** What the CLI hands a change command besides its parsed options. */
export interface ChangeEnv {
  io: ChangeIO;
  execute: (run: ChangeExecution) => Promise<{ report: RunReport; outDir: string }>;
  /** Reads `-e @FILE` (vault-decrypted) as the command line does. */
  readVarsFile: (file: string) => Record<string, unknown>;
  /** Told the hosts before any is contacted (the CLI warns about weak host-key checking). */
  onHosts?: (hosts: readonly HostPlan[]) => void;
}

/** The options apply, resume and rollback share (cli/change-options.ts parses them). */
export interface ChangeOptions {
  signers?: AllowedSigners;
  allowUnsigned: boolean;
  signingKey?: SigningKey;
  /** `--sign-key`: signs the run folder (docs/history.md "Signed evidence"). */
  signKey?: SigningKey;
  window?: ChangeWindow;
  windowText?: string;
  extraVars: Record<string, unknown>;
  connection: ChangeConnection;
  outDir?: string;
  formats: ReportFormat[];
  lang: 'en' | 'ja';
  console: 'tty' | 'plain' | 'json';
}

/** Who a rollback's change records name: the operator who ran it and the key that sealed its
 * journal (--key), never the apply's approvers (they approved the plan, not this undo). */
function rollbackBy(operator: string, cfg: ChangeRunConfig): string {
  return `rolled back by ${operator}${cfg.signingKey ? ` (journal sealed by ${cfg.signingKey.publicKey.fingerprint})` : ''}`;
}

export interface ChangeRunConfig extends ChangeOptions {
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
  ticket?: string;
  checkExpiry: boolean;
  serial?: Serial;
  serialText?: string;
  maxFailPercentage?: number;
  limitHosts?: string[];
  argv: string[];
  now?: () => Date;
}

/** Refuses (UserError, exit 4, nothing sent) or runs the steps; returns the exit code. */
export async function runChangeCommand(cfg: ChangeRunConfig, env: ChangeEnv): Promise<{ report?: RunReport; exitCode: number; outDir?: string }> {
  const { io } = env;
  const now = cfg.now ?? (() => new Date());
  /** A path as the operator can paste it (relative to where they are, when shorter). */
  const shown = (p: string) => {
    const r = relative(io.cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
  // A plan of another version does not carry what this apply acts on (a journal may hold one).
  if (cfg.doc.planVersion !== PLAN_VERSION) throw new UserError(oldPlan(cfg.planFile, cfg.doc.planVersion));
  const { vars, secrets, issues } = restoreExtraVars(cfg.doc, cfg.extraVars, { command: cfg.command, env: io.env, readVarsFile: env.readVarsFile });
  issues.push(...planRefusals(cfg.doc, cfg.planFile, { now: now(), window: cfg.window, checkFiles: true, checkExpiry: cfg.checkExpiry }));
  const folder = cfg.outDir === undefined ? undefined : runFolderIssue(cfg.outDir);
  if (folder) issues.push(folder);
  if (issues.length > 0) throw new UserError(issues);
  const hosts = await hostsFromPlan(cfg.doc, new Set(cfg.steps.map((s) => s.host)), { cwd: io.cwd, vars, secrets, connection: cfg.connection, planFile: cfg.planFile });
  env.onHosts?.(hosts);
  const haGroups = new Map(cfg.doc.hosts.filter((h) => h.haGroup).map((h) => [h.host, h.haGroup!]));
  const approvedBy = approverText(cfg.approval);
  if (!cfg.approval.verified) io.stderr.write(`firebook: ${cfg.command}: warning: ${approvedBy} (--allow-unsigned): the reports and every journal line say so\n`);
  const unlock = cfg.lockPlan ? lockPlan(cfg.lockPlan, cfg.outDir, now()) : undefined;
  let ran: { report: RunReport; outDir: string };
  try {
    ran = await env.execute({
        plan: { hosts, checks: [] },
        playbooks: cfg.doc.playbooks.map((p) => playbookMetaOf(p)),
        inventorySource: cfg.doc.selection.inventory,
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
        ...(cfg.signKey ? { signKey: cfg.signKey } : {}),
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
    });
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

/** Flags of apply beside the shared change options (cli/commands/apply.ts parses them). */
export interface ApplyOptions extends ChangeOptions {
  /** plan.json as named on the command line. */
  planArg: string;
  expectSha256?: string;
  minApprovals?: number;
  ticket?: string;
  serial?: Serial;
  serialText?: string;
  maxFailPercentage?: number;
  argv: string[];
}

/** `firebook apply plan.json`: refuses (exit 4) a plan that is not the ticket's, not approved,
 * changed, expired, outside the window; otherwise runs exactly its steps. Returns the exit code. */
export async function applyPlan(o: ApplyOptions, env: ChangeEnv, readPlan: (path: string) => { doc: PlanDocument; sha256: string; bytes: Buffer }): Promise<number> {
  const { io } = env;
  const usage = (message: string, hint = "run 'firebook apply --help' for the options") => new UserError({ code: 'cli-usage', message: `firebook apply: ${message}`, hint });
  const planFile = resolve(io.cwd, o.planArg);
  const { doc, sha256, bytes } = readPlan(planFile);
  // The journal keeps the plan as text: bytes that are not UTF-8 could not be kept exactly.
  if (!Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) throw usage(`${o.planArg} is not UTF-8 text`, 'apply the plan file firebook plan wrote, unchanged');
  if (o.expectSha256 !== undefined && o.expectSha256 !== sha256) throw usage(`${o.planArg} has sha256 ${sha256}, not the --expect-sha256 ${o.expectSha256}: this is not the plan the ticket approved`, 'apply the plan file the ticket names, unchanged');
  const signatures = readSignatureFiles(planFile);
  const { result: approval, issues } = checkApproval({ planBytes: bytes, signatures, signers: o.signers, allowUnsigned: o.allowUnsigned, now: new Date(), planName: o.planArg });
  if (!approval) throw new UserError(issues);
  const minApprovals = o.minApprovals ?? 1;
  if (o.minApprovals !== undefined && !approval.verified) throw usage('--min-approvals counts verified signatures; this run has none (--allow-unsigned)', 'give --allowed-signers FILE, or leave --min-approvals out');
  if (approval.verified && approval.approvers.length < minApprovals) throw usage(`${o.planArg} has ${approval.approvers.length} approver(s) (${approval.approvers.map((a) => a.principal).join(', ')}); --min-approvals is ${minApprovals}`, 'more approvers sign with firebook approve');
  // An earlier apply of this very plan: a device it left in the planned values is already-applied.
  const earlier = earlierApplies(planFile, sha256, io);
  const steps = doc.hosts.flatMap((h) =>
    h.steps.map((step) => {
      const by = earlier.get(stepKey(h.host, step.stepId));
      return { host: h.host, step, uncertain: false, ...(by ? { appliedBy: by } : {}) };
    }),
  );
  if (earlier.size > 0) io.stderr.write(`firebook: apply: ${o.planArg} was applied before (${[...new Set([...earlier.values()].map((e) => e.journal))].join(', ')}): a device still holding what it set is already-applied, nothing sent\n`);
  const { exitCode } = await runChangeCommand({ ...o, command: 'apply', kind: 'apply', resumed: false, doc, planFile: o.planArg, planSha256: sha256, planText: bytes.toString('utf8'), signatures: signatures.map((s) => s.text), approval, lockPlan: planFile, steps, checkExpiry: true }, env);
  return exitCode;
}
