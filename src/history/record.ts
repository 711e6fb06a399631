/**
 * Recording a run in the results database (docs/history.md "Recording"). History reads run
 * folders, it never sees a run in progress: report.json a host at a time (store/json-stream.ts),
 * the digest of SHA256SUMS, the signer of SHA256SUMS.sig and, for a change run, its segment of
 * journal.jsonl. Every row of one run is written in one transaction, so a process killed while
 * recording leaves the run either whole or absent; a run already recorded is left as it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RunMeta } from '../model/result.js';
import { playbookStem } from '../model/playbook.js';
import { JsonStreamError, readJsonObjectStreaming } from '../store/json-stream.js';
import { parseSignature } from '../sign/sshsig.js';
import type { HistoryDb, SqlValue } from './db.js';
import { dbLabel, openHistoryDb, resolveDbSpec, type DbChoice } from './open.js';

/** A folder that is not a run folder (no report.json, or not a firebook report). */
export class NotARunFolder extends Error {}

export interface Recorded {
  runId: string;
  /** False: the run was already in the database and was left as it is. */
  recorded: boolean;
}

type Row = SqlValue[];

const COUNTED = ['pass', 'fail', 'error', 'skipped', 'waived'] as const;
type Counted = (typeof COUNTED)[number];

/** The status a check is recorded with: `fixed` (failed, then fixed and verified in the same
 * run) is its final state, `pass` — the same as compliancePct (model/outcome.ts) counts it. */
const recordedStatus = (status: string): string => (status === 'fixed' ? 'pass' : status);

function counts(statuses: Iterable<string>): Record<Counted, number> {
  const c: Record<Counted, number> = { pass: 0, fail: 0, error: 0, skipped: 0, waived: 0 };
  for (const s of statuses) if ((COUNTED as readonly string[]).includes(s)) c[s as Counted] += 1;
  return c;
}

interface HostRead {
  host: Row;
  groups: Row[];
  checks: Array<{ checkId: string; row: Row }>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** One host of report.json as rows (its evidence is dropped at once). */
function hostRows(raw: unknown): HostRead {
  // The run's id and start are filled in once the report's meta has been read.
  const runId = '';
  const h = raw as {
    host: string; status: string; startedAt?: string; groups?: string[];
    triage?: { class?: string }; facts?: { platform?: string; version?: string; model?: string };
    checks?: Array<{ checkId: string; status: string; severity?: string; startedAt?: string; diagnosis?: { id?: string }; waiver?: { justification?: string; expires?: string; approver?: string } }>;
  };
  const started = str(h.startedAt) ?? '';
  const checks = (h.checks ?? []).map((c) => {
    const waiver = c.waiver ? JSON.stringify({ justification: c.waiver.justification ?? null, expires: c.waiver.expires ?? null, approver: c.waiver.approver ?? null }) : null;
    return { checkId: c.checkId, row: [runId, h.host, c.checkId, '', str(c.startedAt) ?? started, recordedStatus(c.status), str(c.severity), str(c.diagnosis?.id), waiver] as Row };
  });
  const n = counts(checks.map((c) => c.row[5] as string));
  return {
    host: [runId, h.host, h.status, str(h.triage?.class), str(h.facts?.platform), str(h.facts?.version), str(h.facts?.model), started, n.pass, n.fail, n.error, n.skipped, n.waived],
    groups: [...new Set(h.groups ?? [])].map((g) => [runId, h.host, g]),
    checks,
  };
}

/** sha256 hex of a (small) file; null when it does not exist. */
function sha256Of(path: string): string | null {
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex') : null;
}

/** The fingerprint (`SHA256:…`) of the key that signed SHA256SUMS, or null (unsigned, or not
 * a signature: `firebook verify` is what judges it). */
function signerOf(dir: string): string | null {
  const path = join(dir, 'SHA256SUMS.sig');
  if (!existsSync(path)) return null;
  try {
    return parseSignature(readFileSync(path, 'utf8')).publicKey.fingerprint;
  } catch {
    return null;
  }
}

/** The mode a run is recorded with (docs/history.md "Tables"). */
function modeOf(meta: RunMeta): string {
  if (meta.mergedFrom?.length) return 'merge';
  return meta.changeRun ?? meta.mode;
}

const PHASE_WORD: Record<string, string> = { readback: 'read-back' };

/**
 * This run's steps from the run folder's journal.jsonl (docs/change-window.md "Journal"): a
 * resumed or rolled-back journal starts with a copy of the one it continues, so only the
 * segment that this run began (journal-begin with its run id) is read. Each phase a step went
 * through is one row (status `ok`, `failed`, or `sent` when no answer was recorded); the
 * step's end is one more row, phase `end`, status its outcome (verified, rolled-back, …).
 */
function journalSteps(dir: string, runId: string): Row[] {
  const path = join(dir, 'journal.jsonl');
  if (!existsSync(path)) return [];
  const rows: Row[] = [];
  let mine = false;
  let approvedBy: string | null = null;
  let ticket: string | null = null;
  let open: { key: string; row: Row } | undefined;
  const close = () => {
    if (open) rows.push(open.row);
    open = undefined;
  };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    let e: Record<string, unknown>;
    try {
      e = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue; // a line cut by a crash: the journal's own reader reports it
    }
    if (e.type === 'journal-begin') {
      close();
      mine = e.runId === runId;
      approvedBy = str(e.approvedBy);
      ticket = str(e.ticket);
      continue;
    }
    if (!mine) continue;
    if (e.type === 'command' || e.type === 'answer') {
      const phase = String(e.phase);
      const key = `${String(e.host)}\0${String(e.stepId)}\0${phase}`;
      if (open?.key !== key) {
        close();
        open = { key, row: [String(e.host), String(e.stepId), PHASE_WORD[phase] ?? phase, 'sent', String(e.time), approvedBy, ticket] };
      }
      if (e.type === 'answer') open.row[3] = e.ok === false || open.row[3] === 'failed' ? 'failed' : 'ok';
    } else if (e.type === 'step-end') {
      close();
      rows.push([String(e.host), String(e.stepId), 'end', String(e.status), String(e.time), approvedBy, ticket]);
    }
  }
  close();
  return rows;
}

/** Reads the run folder `dir` and records it in `db` (see the file's comment). */
export async function recordRunFolder(db: HistoryDb, dir: string, now: () => Date = () => new Date()): Promise<Recorded> {
  const folder = resolve(dir);
  const reportPath = join(folder, 'report.json');
  if (!existsSync(reportPath) || !statSync(reportPath).isFile()) throw new NotARunFolder(`${folder} is not a run folder (no report.json)`);
  const hosts: HostRead[] = [];
  let members: Record<string, unknown>;
  try {
    members = readJsonObjectStreaming(reportPath, 'hosts', (raw) => {
      hosts.push(hostRows(raw));
    }).members;
  } catch (err) {
    if (err instanceof JsonStreamError) throw new NotARunFolder(`${reportPath} is not valid JSON: ${err.message}`);
    throw err;
  }
  const meta = members.meta as RunMeta | undefined;
  if (members.schemaVersion !== 1 || typeof meta?.runId !== 'string' || typeof meta.startedAt !== 'string') {
    throw new NotARunFolder(`${reportPath} is not a firebook report (schemaVersion 1 with meta.runId)`);
  }
  const runId = meta.runId;
  const runStarted = meta.startedAt;
  const playbookOf = new Map<string, string>();
  const only = meta.playbooks?.length === 1 ? playbookStem(meta.playbooks[0]!.path) : '';
  for (const c of (members.checks as Array<{ id: string; playbook?: string }> | undefined) ?? []) if (!playbookOf.has(c.id)) playbookOf.set(c.id, c.playbook ?? only);
  for (const h of hosts) {
    h.host[0] = runId;
    if (!h.host[7]) h.host[7] = runStarted;
    for (const g of h.groups) g[0] = runId;
    for (const c of h.checks) {
      c.row[0] = runId;
      c.row[3] = playbookOf.get(c.checkId) ?? only;
      if (!c.row[4]) c.row[4] = h.host[7]!;
    }
  }
  const summary = members.summary as { hosts?: { total?: number } } | undefined;
  const all = counts(hosts.flatMap((h) => h.checks.map((c) => c.row[5] as string)));
  const mode = modeOf(meta);
  const steps = mode === 'apply' || mode === 'resume' || mode === 'rollback' ? journalSteps(folder, runId) : [];
  const run: Row = [
    runId, meta.startedAt, meta.endedAt ?? null, mode,
    JSON.stringify((meta.playbooks ?? []).map((p) => ({ path: p.path, name: p.name, sha256: p.sha256 }))),
    meta.inventory ?? null, meta.operator ?? null, typeof members.exitCode === 'number' ? members.exitCode : null,
    meta.shard ? `${meta.shard.index}/${meta.shard.count}` : null,
    meta.mergedFrom?.length ? JSON.stringify(meta.mergedFrom) : null,
    signerOf(folder), folder, sha256Of(join(folder, 'SHA256SUMS')), 1,
    summary?.hosts?.total ?? hosts.length, all.pass, all.fail, all.error, all.skipped, all.waived,
    now().toISOString(),
  ];
  return db.transaction(async (tx) => {
    const placeholders = run.map(() => '?').join(', ');
    const inserted = await tx.query<{ run_id: string }>(
      `INSERT INTO runs (run_id, started_at, ended_at, mode, playbooks, inventory, operator, exit_code, shard, merged_from, signer, folder, sums_sha256, evidence,
        hosts_total, checks_pass, checks_fail, checks_error, checks_skipped, checks_waived, recorded_at)
       VALUES (${placeholders}) ON CONFLICT (run_id) DO NOTHING RETURNING run_id`,
      run,
    );
    if (inserted.length === 0) return { runId, recorded: false };
    await tx.insertMany('run_hosts', ['run_id', 'host', 'status', 'triage', 'platform', 'version', 'model', 'started_at', 'checks_pass', 'checks_fail', 'checks_error', 'checks_skipped', 'checks_waived'], hosts.map((h) => h.host));
    await tx.insertMany('run_host_groups', ['run_id', 'host', 'group_name'], hosts.flatMap((h) => h.groups));
    await tx.insertMany('run_checks', ['run_id', 'host', 'check_id', 'playbook', 'started_at', 'status', 'severity', 'cause', 'waiver'], uniqueChecks(hosts));
    await tx.insertMany('change_steps', ['run_id', 'seq', 'host', 'step_id', 'phase', 'status', 'at', 'approved_by', 'ticket'], steps.map((s, i) => [runId, i + 1, ...s]));
    return { runId, recorded: true };
  });
}

/** A host's check appears once per run (the primary key); should a report repeat one, the
 * last result is the final one. */
function uniqueChecks(hosts: readonly HostRead[]): Row[] {
  const out: Row[] = [];
  for (const h of hosts) {
    const last = new Map<string, Row>();
    for (const c of h.checks) last.set(c.checkId, c.row);
    out.push(...last.values());
  }
  return out;
}

export interface RecordRunOptions extends DbChoice {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The folder that holds the run folders (the default database is in it). */
  reportsRoot: string;
  /** One line for stderr. */
  warn: (line: string) => void;
}

/**
 * Records the run folder `dir` at the end of a command (run, plan, apply, resume, rollback,
 * report merge). Never throws: a database that cannot be opened, is locked, or has a newer
 * schema costs the run neither its reports nor its exit code, only one warning line naming
 * the database and the command that records the run later.
 */
export async function recordRun(dir: string, opts: RecordRunOptions): Promise<void> {
  const spec = resolveDbSpec(opts, opts.env, opts.cwd, opts.reportsRoot);
  if (spec === undefined) return;
  let db: HistoryDb | undefined;
  try {
    db = await openHistoryDb(spec, { env: opts.env });
    await recordRunFolder(db, dir);
  } catch (err) {
    const reason = ((err as Error).message ?? String(err)).split('\n')[0]!.replace(/^error\[history\]: /, '');
    opts.warn(`firebook: warning: the run was not recorded in the results database ${db?.label ?? dbLabel(spec)} (${reason}); record it later with: firebook history import ${dir}`);
  } finally {
    await db?.close().catch(() => undefined);
  }
}
