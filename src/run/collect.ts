/** Collect: turn a check's declared steps into commands on a session, and the results into
 * evidence. The only part of a check that talks to a device. */
import type { CollectStep, Level, PlaybookSpec } from '../model/playbook.js';
import type { DeviceSession } from '../model/transport.js';
import { TransportError } from '../model/transport.js';
import type { Evidence } from '../model/result.js';
import { renderReadOnly } from '../command/read-only.js';
import { parseOutput, stepNamesOf, type StepRecord } from '../checks/index.js';
import { getPath } from '../model/dotted-path.js';
import { loopPath, renderApiPath, stepHoleTypes } from '../command/index.js';

/** Errors that end a check (or a level) but leave the session usable. */
export function isLevelError(err: unknown): err is TransportError {
  return err instanceof TransportError && (err.triage === 'privilege' || err.triage === 'level-unavailable' || err.triage === 'replay-missing');
}

/** The session cannot answer a step at all (a troubleshoot bundle without its evidence): the
 * check is `skipped` with `reason`, never judged (docs/bundles.md). */
export class EvidenceUnavailable extends Error {
  constructor(readonly reason: string, readonly evidence: Evidence[]) {
    super(reason);
    this.name = 'EvidenceUnavailable';
  }
}

export interface CollectContext {
  session: DeviceSession;
  platform: string;
  /** Template context: variables at the top level plus `vars`, `facts`, `checks`, `captured`. */
  templateContext: Record<string, unknown>;
  /** The playbook the steps come from: the types of its command holes (docs/commands.md). */
  playbook?: PlaybookSpec;
  /** Secret values of the host. Not applied here: parsers and conditions judge the raw text;
   * the runner redacts results before they are emitted, stored or shown (model/redact.ts). */
  secrets: readonly string[];
  commandTimeoutMs: number;
}

/** The commands a step sends (one per loop item), rendered and validated. Throws TemplateError
 * (or a loop error) when a value cannot go into a command. */
export function commandsFor(step: CollectStep, ctx: Pick<CollectContext, 'templateContext' | 'playbook'>): Array<{ command: string; item?: string }> {
  const items = loopItems(step, ctx.templateContext);
  const types = ctx.playbook ? stepHoleTypes(ctx.playbook, step) : undefined;
  return (items ?? [undefined]).map((item) => {
    const tctx = item === undefined ? ctx.templateContext : { ...ctx.templateContext, item };
    // An `api:` step is a GET of a path whose holes hold one segment each (command/api-path.ts);
    // the session of the host answers it (docs/playbooks.md "API steps").
    if (step.api !== undefined) return { command: `GET ${renderApiPath(step.api.get, tctx, types)}`, item: item === undefined ? undefined : String(item) };
    // Read-only by construction: the words judged are the words sent, each single-quoted; a
    // file is read with `cat` and its path is one word (command/read-only.ts).
    const command = renderReadOnly(step.file ?? step.command!, tctx, step.level, types, ctx.playbook?.readonly_commands, step.file !== undefined);
    return { command, item: item === undefined ? undefined : String(item) };
  });
}

function loopItems(step: CollectStep, context: Record<string, unknown>): Array<string | number> | undefined {
  if (step.loop === undefined) return undefined;
  if (Array.isArray(step.loop)) return step.loop;
  const v = getPath(context, loopPath(step.loop)!.split('.'));
  if (!Array.isArray(v)) throw new Error(`loop '${step.loop}' does not resolve to a list`);
  return v as Array<string | number>;
}

export interface CollectedStep {
  record: StepRecord;
  evidence: Evidence;
}

/** Runs one command and returns the evidence + the record the judge reads, both raw: a secret
 * value that is also a token the parser needs (`3600`, a host name) must not change a verdict.
 * The runner redacts the finished result (runner.ts) before anything stores or shows it. */
async function runOne(step: CollectStep, name: string, level: Level, command: string, item: string | undefined, ctx: CollectContext): Promise<CollectedStep> {
  const timeoutMs = step.timeout_s ? step.timeout_s * 1000 : ctx.commandTimeoutMs;
  const res = await ctx.session.run(command, level, { timeoutMs });
  if (res.unavailable !== undefined) throw new EvidenceUnavailable(res.unavailable, []);
  const output = res.output;
  const parsed = res.timedOut ? { fields: {}, error: 'command timed out' } : parseOutput(step.parse, output, res.exitCode);
  const record: StepRecord = { name, item, output, exitCode: res.exitCode, fields: parsed.fields, parseError: parsed.error, timedOut: res.timedOut };
  const evidence: Evidence = {
    step: name,
    item,
    level,
    command,
    output,
    exitCode: res.exitCode,
    durationMs: res.durationMs,
    truncated: res.truncated,
    timedOut: res.timedOut,
    fields: parsed.fields,
    parseError: parsed.error,
  };
  return { record, evidence };
}

/**
 * Collects every step. Steps for other platforms are left out. Throws TransportError:
 * level errors (privilege, unavailable level) end only this check; others end the host.
 */
export async function collectSteps(steps: CollectStep[] | undefined, ctx: CollectContext): Promise<CollectedStep[]> {
  const names = stepNamesOf(steps);
  const out: CollectedStep[] = [];
  for (const [i, step] of (steps ?? []).entries()) {
    if (step.platforms && !step.platforms.includes(ctx.platform as never)) continue;
    for (const { command, item } of commandsFor(step, ctx)) {
      try {
        out.push(await runOne(step, names[i], step.level, command, item, ctx));
      } catch (err) {
        if (err instanceof EvidenceUnavailable) throw new EvidenceUnavailable(err.reason, out.map((c) => c.evidence));
        if (step.optional && err instanceof TransportError && err.triage === 'level-unavailable') continue;
        throw err;
      }
    }
  }
  return out;
}

/** Groups records by step name, as the judge's EvalContext wants them. */
export function recordsByStep(collected: CollectedStep[]): Record<string, StepRecord[]> {
  const steps: Record<string, StepRecord[]> = {};
  for (const c of collected) (steps[c.record.name] ??= []).push(c.record);
  return steps;
}
