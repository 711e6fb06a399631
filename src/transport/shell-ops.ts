/** Exchanges on a ShellStream: wait for prompts, run a CLISH command, run a marked command in a
 * pinned POSIX shell (its prompt is our exact marker, see pinned-shell.ts), resynchronise after
 * Ctrl-C. Level-agnostic; the session decides what to call. */
import { TransportError } from '../model/transport.js';
import { CappedCapture } from './capture.js';
import { MarkedOutputScanner, buildMarkedCommand, buildSyncCommand, createMarkerId, syncMarkerOf } from './markers.js';
import type { Expectation } from './pinned-shell.js';
import { CLISH_PROMPT, PAGER_PROMPT } from './prompts.js';
import { TIMED_OUT, type ShellStream } from './shell-stream.js';
import { applyLineEdits, lastLineOf } from './terminal-text.js';

const PROMPT_WINDOW_CHARS = 64 * 1024;
/** Ctrl-C: interrupts the running command. */
export const CTRL_C = '\x03';
/** Enter. `\n` works for bash and CLISH (netmiko's default RETURN). */
export const ENTER = '\n';

export type { Expectation };

/** An exact pinned prompt at the end of the text, as an expectation. */
export function pinnedPrompt(name: string, marker: string): Expectation {
  return { name, pattern: new RegExp(`${marker}$`) };
}

/** Waits until one expectation matches the end of the accumulated text (bounded window).
 * Returns the match name (`timeout` if none matched in time) and the text seen. */
export async function waitForAny(
  shell: ShellStream,
  expectations: readonly Expectation[],
  timeoutMs: number,
): Promise<{ name: string; text: string }> {
  let buffer = '';
  const r = await shell.waitFor((chunk) => {
    buffer = applyLineEdits(buffer, chunk).slice(-PROMPT_WINDOW_CHARS);
    const tail = buffer.slice(-4096);
    for (const e of expectations) if (e.pattern.test(tail)) return { name: e.name, text: buffer };
    return undefined;
  }, timeoutMs);
  return r === TIMED_OUT ? { name: 'timeout', text: buffer } : r;
}

/** Outcome of one command exchange. */
export interface Exchange {
  output: string;
  exitCode: number | null;
  truncated: boolean;
  timedOut: boolean;
}

function isEchoOf(line: string, command: string): boolean {
  const echoed = line.replace(/^>\s?/, '').trim();
  const cmd = command.trim();
  if (echoed === '' || cmd === '') return false;
  return echoed === cmd || echoed.endsWith(cmd) || echoed.split(/\s+/)[0] === cmd.split(/\s+/)[0];
}

/** Runs one CLISH command: send it, read to the next `> ` line, answer pagers with space,
 * drop the echo line (CLISH may rewrite abbreviations — docs/devices.md "Quirks" — so the first word is enough). */
export async function runClishCommand(
  shell: ShellStream,
  command: string,
  timeoutMs: number,
  capBytes: number,
): Promise<Exchange> {
  const capture = new CappedCapture(capBytes);
  shell.discardIdle();
  shell.write(command + ENTER);
  const r = await shell.waitFor((chunk) => {
    capture.append(chunk);
    const tail = capture.recent(256);
    const pager = PAGER_PROMPT.exec(tail);
    if (pager) {
      capture.dropLast(tail.length - pager.index);
      shell.write(' ');
      return undefined;
    }
    return CLISH_PROMPT.test(tail) ? true : undefined;
  }, timeoutMs);
  if (r === TIMED_OUT) {
    await resyncClish(shell);
    const { output, truncated } = capture.finish(stripEcho(capture.text(), command));
    return { output, exitCode: null, truncated, timedOut: true };
  }
  let text = capture.text();
  if (!capture.isFrozen()) text = text.slice(0, text.length - lastLineOf(text).length);
  const { output, truncated } = capture.finish(stripEcho(text, command));
  return { output, exitCode: null, truncated, timedOut: false };
}

function stripEcho(text: string, command: string): string {
  const nl = text.indexOf('\n');
  if (nl === -1) return isEchoOf(text, command) ? '' : text;
  return isEchoOf(text.slice(0, nl), command) ? text.slice(nl + 1) : text;
}

/** After a CLISH timeout: Ctrl-C, Enter, expect `> `; otherwise the session is lost. */
async function resyncClish(shell: ShellStream): Promise<void> {
  shell.write(CTRL_C);
  shell.write(ENTER);
  const seen = await waitForAny(shell, [{ name: 'cli', pattern: CLISH_PROMPT }], 10_000);
  if (seen.name === 'timeout') throw new TransportError('command-timeout', 'command timed out and the CLI did not return to the > prompt after Ctrl-C');
}

/** Runs one command in a pinned POSIX shell framed by markers; exact output and `$?`. `prompt` is
 * the level's pinned prompt marker. */
export async function runMarkedCommand(
  shell: ShellStream,
  command: string,
  timeoutMs: number,
  capBytes: number,
  prompt: string,
): Promise<Exchange> {
  const id = createMarkerId();
  const scanner = new MarkedOutputScanner(id, capBytes);
  shell.discardIdle();
  shell.write(buildMarkedCommand(command, id) + ENTER);
  const r = await shell.waitFor((chunk) => scanner.push(chunk), timeoutMs);
  if (r === TIMED_OUT) {
    const { output, truncated } = scanner.partial();
    shell.write(CTRL_C);
    // Let the interrupted command die and the prompt return before typing the sync line.
    await waitForAny(shell, [pinnedPrompt('prompt', prompt)], 2_000);
    await syncShell(shell, Math.min(20_000, Math.max(timeoutMs, 5_000)), prompt);
    return { output, exitCode: null, truncated, timedOut: true };
  }
  await consumePrompt(shell, r.rest, prompt);
  return { output: r.output, exitCode: r.exitCode, truncated: r.truncated, timedOut: false };
}

/** Reads up to the pinned prompt that follows a command (so it never leaks into the next one). */
async function consumePrompt(shell: ShellStream, already: string, prompt: string): Promise<void> {
  if (already.endsWith(prompt)) return;
  let buffer = already;
  await shell.waitFor((chunk) => {
    buffer = applyLineEdits(buffer, chunk).slice(-4096);
    return buffer.endsWith(prompt) ? true : undefined;
  }, 2_000);
}

/** Sends a sync marker and waits for it: proves the shell is at a prompt and drained. Tries
 * twice (a Ctrl-C may flush typeahead sent right behind it). Throws command-timeout if the shell
 * never answers (hung even after Ctrl-C). */
export async function syncShell(shell: ShellStream, timeoutMs: number, prompt: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const id = createMarkerId();
    const marker = syncMarkerOf(id);
    if (attempt > 0) shell.write(CTRL_C);
    shell.write(buildSyncCommand(id) + ENTER);
    let buffer = '';
    const r = await shell.waitFor((chunk) => {
      buffer = (buffer + chunk).slice(-8192);
      const at = buffer.indexOf(marker);
      return at === -1 ? undefined : buffer.slice(at + marker.length);
    }, timeoutMs / 2);
    if (r !== TIMED_OUT) {
      await consumePrompt(shell, r, prompt);
      return;
    }
  }
  throw new TransportError('command-timeout', 'command timed out and the shell did not recover after Ctrl-C');
}
