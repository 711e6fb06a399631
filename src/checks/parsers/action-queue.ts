/**
 * `action_queue.log` enrollment probes (docs/securex.md step 1):
 * `ActionQueueScrape pl[19094]: [SF::SSE::Enrollment] canConnect: System (/usr/bin/curl ... )`
 * The seed line ends right after the curl options' `)`: no failure recorded. How a failed probe's
 * exit code is written is NOT known (the guide never shows one), so the tail is read defensively:
 * a tail that is neither a success word nor a recognisable code is counted as unrecognised.
 */
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

// `failed, exit code 6`, `returned 28`, `exit status 28`, `rc=6`, `return code: 7`, `status 28`.
// `\s*(?:[:=]\s*)?`, not `\s*[:=]?\s*`: two `\s*` side by side are quadratic on spaces.
const CODE = /\b(?:exit(?:\s*(?:code|status|value))?|returned|return(?:\s*(?:code|value))?|rc|status|code|errno)\s*(?:[:=]\s*)?\(?(-?\d+)\)?/i;
const CURL_STYLE = /curl:\s*\((\d+)\)/;
const SUCCESS = /^(?:[-:,.\s]*)(?:ok|okay|success|successful|succeeded|passed|true|connected|yes)\b/i;
const FAILURE = /\b(?:fail(?:ed|ure)?|error|false|unable|cannot|can't|timed? ?out|refused)\b/i;

type Outcome = { kind: 'none' } | { kind: 'ok' } | { kind: 'code'; code: number } | { kind: 'failed-unknown' } | { kind: 'unrecognised' };

/** Returns the text after the probe's `System ( ... )`, or undefined when the parenthesis never closes. */
function tailOf(line: string): string | undefined {
  const marker = line.indexOf('canConnect');
  const open = line.indexOf('(', marker);
  if (open < 0) return line.slice(marker + 'canConnect'.length).replace(/^:\s*/, '');
  let depth = 0;
  for (let i = open; i < line.length; i++) {
    if (line[i] === '(') depth++;
    else if (line[i] === ')' && --depth === 0) return line.slice(i + 1);
  }
  return undefined;
}

function readTail(tail: string | undefined): Outcome {
  if (tail === undefined) return { kind: 'unrecognised' };
  const t = tail.trim();
  if (t === '') return { kind: 'none' };
  const m = CODE.exec(t) ?? CURL_STYLE.exec(t);
  if (m) {
    const code = Number(m[1]);
    return code === 0 ? { kind: 'ok' } : { kind: 'code', code };
  }
  if (SUCCESS.test(t) && !FAILURE.test(t)) return { kind: 'ok' };
  if (FAILURE.test(t)) return { kind: 'failed-unknown' };
  return { kind: 'unrecognised' };
}

/** Parses canConnect probe lines: probe_count, failed_count, exit_codes[], unrecognised_count,
 * last_exit_code (null when the last probe recorded no code). */
export function parseActionQueue(output: string, exitCode: number | null): ParseResult {
  const lines = contentLines(output).filter((l) => l.trim() !== '');
  const probes = lines.filter((l) => l.includes('canConnect'));
  if (probes.length === 0 && ((exitCode !== null && exitCode > 1) || detectShellError(output))) {
    // grep exits 1 when nothing matched (fine) and 2 on a real error (missing file).
    return { fields: {}, error: detectShellError(output) ?? unrecognised('action-queue', lines) };
  }
  let failed = 0;
  let unrecognisedCount = 0;
  const codes: number[] = [];
  let last: Outcome = { kind: 'none' };
  for (const line of probes) {
    const outcome = readTail(tailOf(line));
    last = outcome;
    if (outcome.kind === 'code') {
      failed++;
      codes.push(outcome.code);
    } else if (outcome.kind === 'failed-unknown') {
      failed++;
      unrecognisedCount++;
    } else if (outcome.kind === 'unrecognised') unrecognisedCount++;
  }
  // docs/securex.md step 1: the failing line's tail format is unknown; a tail we cannot read makes
  // the result undecidable (error, with the evidence), never a silent pass.
  const firstUnread = probes.find((l) => ['unrecognised', 'failed-unknown'].includes(readTail(tailOf(l)).kind));
  return {
    ...(firstUnread ? { error: `unrecognised canConnect line (${unrecognisedCount} in all): ${firstUnread.trim().slice(-160)}` } : {}),
    fields: {
      probe_count: probes.length,
      failed_count: failed,
      exit_codes: codes,
      unrecognised_count: unrecognisedCount,
      last_exit_code: last.kind === 'code' ? last.code : last.kind === 'ok' ? 0 : null,
    },
  };
}
