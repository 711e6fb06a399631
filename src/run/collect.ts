/** Collect: turn a check's declared steps into commands on a session, and the results into
 * evidence. The only part of a check that talks to a device. */
import type { CollectStep, Level } from '../model/playbook.js';
import type { DeviceSession } from '../model/transport.js';
import { TransportError } from '../model/transport.js';
import type { Evidence } from '../model/result.js';
import { redact } from '../model/redact.js';
import { parseOutput, renderCommand, type StepRecord } from '../checks/index.js';
import { stepNamesOf } from '../validate/playbook-rules.js';

/** Errors that end a check (or a level) but leave the session usable. */
export function isLevelError(err: unknown): err is TransportError {
  return err instanceof TransportError && (err.triage === 'privilege' || err.triage === 'level-unavailable' || err.triage === 'replay-missing');
}

export interface CollectContext {
  session: DeviceSession;
  platform: string;
  /** Template context: variables at the top level plus `vars`, `facts`, `checks`, `captured`. */
  templateContext: Record<string, unknown>;
  secrets: readonly string[];
  commandTimeoutMs: number;
}

/** Shell-safe `cat` of a path (the path itself is quoted by renderCommand at Linux levels). */
function fileCommand(step: CollectStep, ctx: CollectContext): string {
  return `cat ${renderCommand(step.file!, ctx.templateContext, step.level)}`;
}

function loopItems(step: CollectStep, ctx: CollectContext): Array<string | number> | undefined {
  if (step.loop === undefined) return undefined;
  if (Array.isArray(step.loop)) return step.loop;
  const path = step.loop.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '');
  let v: unknown = ctx.templateContext;
  for (const seg of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[seg] : undefined;
  if (!Array.isArray(v)) throw new Error(`loop '${step.loop}' does not resolve to a list`);
  return v as Array<string | number>;
}

export interface CollectedStep {
  record: StepRecord;
  evidence: Evidence;
}

/** Runs one command and returns redacted evidence + the record the judge reads. */
async function runOne(step: CollectStep, name: string, level: Level, command: string, item: string | undefined, ctx: CollectContext): Promise<CollectedStep> {
  const timeoutMs = step.timeout_s ? step.timeout_s * 1000 : ctx.commandTimeoutMs;
  const res = await ctx.session.run(command, level, { timeoutMs });
  const output = redact(res.output, ctx.secrets);
  const parsed = res.timedOut ? { fields: {}, error: 'command timed out' } : parseOutput(step.parse, output, res.exitCode);
  const record: StepRecord = { name, item, output, exitCode: res.exitCode, fields: parsed.fields, parseError: parsed.error, timedOut: res.timedOut };
  const evidence: Evidence = {
    step: name,
    item,
    level,
    command: redact(command, ctx.secrets),
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
    const items = loopItems(step, ctx);
    for (const item of items ?? [undefined]) {
      const tctx = item === undefined ? ctx.templateContext : { ...ctx.templateContext, item };
      const command = step.file ? fileCommand(step, { ...ctx, templateContext: tctx }) : renderCommand(step.command!, tctx, step.level);
      try {
        out.push(await runOne(step, names[i], step.level, command, item === undefined ? undefined : String(item), ctx));
      } catch (err) {
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
