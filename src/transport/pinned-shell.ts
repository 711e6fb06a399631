/** Pinned POSIX shells. Prompts of shells we did not write (dash's bare `$ `, zsh's `host% `, a
 * coloured PS1 with markup or non-ASCII in it) cannot be guessed, so a POSIX level is never
 * recognised by its prompt. Each level entry (login shell, `expert`, `sudo su`) walks a small
 * state machine:
 *
 *   unknown ──probe: an echoed random nonce──▶ synced ──set-up line + confirmation──▶ pinned ──▶ running
 *
 * `synced` proves a POSIX shell executes our lines and drains whatever came before (banner,
 * MOTD, the old prompt). `pinned` makes the shell machine-friendly and its prompt a marker of
 * ours, unique per level: PS1/PS2, no PROMPT_COMMAND/precmd hooks, no right prompt, no
 * bracketed paste, no history, TERM=dumb, no tty echo. From then on
 * `running` ends every exchange on that exact marker. Costs two round trips per level entry.
 * See docs/shells.md. */
import { randomBytes } from 'node:crypto';
import { TransportError } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { buildSyncCommand, createMarkerId, syncMarkerOf } from './markers.js';
import { PROMPT_LIKE_END } from './prompts.js';
import { TIMED_OUT, type ShellStream } from './shell-stream.js';
import { applyLineEdits, escapeDeviceText, lastLineOf } from './terminal-text.js';

/** Where a level entry stands. */
export type PinState = 'unknown' | 'synced' | 'pinned' | 'running';

/** A named pattern to wait for; the first that matches the buffer end wins. */
export interface Expectation {
  name: string;
  pattern: RegExp;
}

/** How long the output must stay quiet, with a non-empty last line, before an unrecognised
 * prompt is probed. */
const QUIET_MS = 400;
/** Quiet needed after a prompt-like last line (`$ `, `# `, `% `): long enough that a banner line
 * of `#####` split across packets is not taken for a prompt. */
const SETTLE_MS = 60;
/** Probing after total silence (a shell whose prompt is empty). Long enough for a slow CLISH
 * to show its `>` after the banner. */
const SILENT_PROBE_MS = 5_000;
/** Each of the two probe attempts and the pin confirmation wait at most this long: a prompt
 * that cannot be found fails in seconds, not after the command timeout. */
export const PROBE_MS = 2_500;
const WINDOW_CHARS = 64 * 1024;
/** Returned by the arrival feed on new text: the loop re-evaluates how much quiet it needs. */
const RECHECK = '\0recheck';

// Per-process random prefix + counter, as for command markers: unguessable by device output.
const PROMPT_PREFIX = randomBytes(6).toString('hex');
let promptCounter = 0;

/** A fresh prompt marker (the PS1 of one pinned level). Only `[A-Za-z0-9_:]`: no character any
 * shell expands in a prompt (`\` bash/ash, `%` zsh, `!` ksh, `$` and backquote everywhere). */
export function createPromptMarker(): string {
  promptCounter += 1;
  return `FBQ_${PROMPT_PREFIX}${promptCounter.toString(36)}:`;
}

/** The set-up line. POSIX only (dash, busybox ash, mksh parse it all); shell-specific parts sit in
 * `eval` strings guarded by the shell's version variable, so no shell ever parses another's
 * syntax. PS1 comes first: if a shell aborts the line on an error, the confirmation (sent as its
 * own line) finds no marker and the pin fails instead of passing half-done. The marker is
 * written split by quotes, so its echo never contains it joined. */
export function buildPinLine(marker: string): string {
  const split = `'${marker.slice(0, 3)}''${marker.slice(3)}'`;
  return [
    `PS1=${split}`,
    "PS2=''",
    'unset PROMPT_COMMAND RPROMPT RPS1 RPS2 HISTFILE',
    'TERM=dumb',
    'export TERM',
    'stty -echo 2>/dev/null',
    // bash: no history, no bracketed paste, no DEBUG-trap hooks. Readline stays (without it bash
    // prints no prompt at all); it honours `stty -echo`.
    `[ -n "\${BASH_VERSION:-}" ] && eval 'set +o history; bind "set enable-bracketed-paste off" 2>/dev/null; trap - DEBUG'`,
    // zsh: no hooks redrawing the prompt, no `%` + CR after unterminated output, no bracketed
    // paste. ZLE stays (turned off mid-session it leaves the tty raw); its echo is harmless, but
    // in the C locale (ssh sends no LANG) it turns non-ASCII input into `?`: a UTF-8 LC_CTYPE.
    `[ -n "\${ZSH_VERSION:-}" ] && eval 'export LC_CTYPE=C.UTF-8; unsetopt prompt_sp prompt_cr prompt_subst; unset zle_bracketed_paste; precmd_functions=(); preexec_functions=(); chpwd_functions=(); unset -f precmd preexec chpwd 2>/dev/null'`,
    // mksh/ksh: no line editor.
    `[ -n "\${KSH_VERSION:-}" ] && eval 'set +o emacs; set +o vi'`,
    'true',
  ].join('; ');
}

/** The confirmation line: the nonce and the user id (a login shell may be root). */
export function buildConfirmLine(id: string): string {
  return `printf '%s %s\\n' "FB""P_${id}" "$(id -u 2>/dev/null)"`;
}

/** Outcome of waiting for a new level to show up. */
export interface Arrival {
  /** An expectation's name, `ready` (a prompt we do not know, time to probe) or `timeout`. */
  name: string;
  text: string;
}

/**
 * Waits after a login or a level change until one expectation matches (CLISH, password
 * questions…), or the shell looks ready for input: output quiet for a moment after a
 * prompt-like last line, or a little longer after any non-empty last line, or a long silence.
 * Never decides what the shell is: that is the probe's job.
 */
export async function awaitArrival(shell: ShellStream, expectations: readonly Expectation[], timeoutMs: number): Promise<Arrival> {
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  let lastDataAt = Date.now();
  const feed = (chunk: string): string | undefined => {
    lastDataAt = Date.now();
    buffer = applyLineEdits(buffer, chunk).slice(-WINDOW_CHARS);
    const tail = buffer.slice(-4096);
    for (const e of expectations) if (e.pattern.test(tail)) return e.name;
    return RECHECK;
  };
  for (;;) {
    const line = lastLineOf(buffer);
    const needMs = PROMPT_LIKE_END.test(line) ? SETTLE_MS : line.trim() !== '' ? QUIET_MS : SILENT_PROBE_MS;
    const quietMs = Date.now() - lastDataAt;
    if (quietMs >= needMs) return { name: 'ready', text: buffer };
    const leftMs = deadline - Date.now();
    if (leftMs <= 0) return { name: 'timeout', text: buffer };
    const r = await shell.waitFor(feed, Math.min(needMs - quietMs, leftMs));
    if (r !== TIMED_OUT && r !== RECHECK) return { name: r, text: buffer };
  }
}

/** A pinned level: its exact prompt and who we are there. */
export interface PinnedShell {
  name: 'pinned';
  prompt: string;
  /** `id -u` in that shell; undefined when it could not tell. */
  uid?: number;
}

/** Context for error messages. */
export interface PinOptions {
  /** What was entered, for messages: `login shell`, `expert shell`, `root shell`. */
  what: string;
  secrets: readonly string[];
  /** Texts that mean the probe did not reach a POSIX shell (e.g. CLISH answered it). */
  watch?: readonly Expectation[];
  /** Called on each state change (tests, tracing). */
  onState?: (state: PinState) => void;
}

/** unknown → synced → pinned. Throws `unexpected-prompt` (with the last bytes seen, escaped)
 * when the shell never answers the probe or the set-up, within seconds. */
export async function pinPosixShell(shell: ShellStream, opts: PinOptions): Promise<PinnedShell | Arrival> {
  opts.onState?.('unknown');
  const other = await probe(shell, opts);
  if (other) return other;
  opts.onState?.('synced');
  const marker = createPromptMarker();
  const id = createMarkerId();
  const nonceLine = `FBP_${id} `;
  let buffer = '';
  let uid: number | undefined;
  shell.discardIdle();
  for (let attempt = 0; attempt < 2; attempt++) {
    // Set-up and confirmation are two lines in one write: one round trip. The retry re-sends
    // the confirmation alone, in case the shell dropped typeahead while changing tty modes.
    shell.write(attempt === 0 ? `${buildPinLine(marker)}\n${buildConfirmLine(id)}\n` : `${buildConfirmLine(id)}\n`);
    const r = await shell.waitFor((chunk) => {
      buffer = applyLineEdits(buffer, chunk).slice(-WINDOW_CHARS);
      const at = buffer.lastIndexOf(nonceLine);
      if (at === -1) return undefined;
      const after = buffer.slice(at + nonceLine.length);
      const nl = after.indexOf('\n');
      if (nl === -1 || !after.endsWith(marker)) return undefined;
      const n = Number.parseInt(after.slice(0, nl).trim(), 10);
      uid = Number.isNaN(n) ? undefined : n;
      return true;
    }, PROBE_MS);
    if (r !== TIMED_OUT) {
      opts.onState?.('pinned');
      return { name: 'pinned', prompt: marker, uid };
    }
  }
  throw new TransportError(
    'unexpected-prompt',
    `the ${opts.what} answered but did not take the machine prompt within ${(PROBE_MS * 2) / 1000} s (last bytes: ${lastBytes(shell, opts.secrets)})`,
  );
}

/** The probe: an echoed nonce, up to two attempts. Returns what answered instead, if a watched
 * text did (e.g. CLISH's `> ` after its syntax error). */
async function probe(shell: ShellStream, opts: PinOptions): Promise<Arrival | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const id = createMarkerId();
    const marker = syncMarkerOf(id);
    shell.write(buildSyncCommand(id) + '\n');
    let buffer = '';
    const r = await shell.waitFor((chunk): string | undefined => {
      buffer = applyLineEdits(buffer, chunk).slice(-8192);
      if (buffer.includes(marker)) return 'synced';
      const tail = buffer.slice(-4096);
      for (const e of opts.watch ?? []) if (e.pattern.test(tail)) return e.name;
      return undefined;
    }, PROBE_MS);
    if (r === 'synced') return undefined;
    // Something else answered (CLISH): let it answer the probe line too, so that reply never
    // reaches the next exchange.
    if (r !== TIMED_OUT) return { name: r, text: buffer + (await drainUntilQuiet(shell)) };
  }
  throw new TransportError(
    'unexpected-prompt',
    `no shell prompt found: the ${opts.what} did not answer a probe within ${(PROBE_MS * 2) / 1000} s (last bytes: ${lastBytes(shell, opts.secrets)})`,
  );
}

/** Reads until the output has been quiet for QUIET_MS (at most PROBE_MS); returns what came. */
async function drainUntilQuiet(shell: ShellStream): Promise<string> {
  let text = '';
  const deadline = Date.now() + PROBE_MS;
  while (Date.now() < deadline) {
    const r = await shell.waitFor((chunk) => ((text = applyLineEdits(text, chunk).slice(-WINDOW_CHARS)), true), QUIET_MS);
    if (r === TIMED_OUT) break;
  }
  return text;
}

/** The last raw bytes the device sent, escaped and redacted, quoted for a message. */
export function lastBytes(shell: ShellStream, secrets: readonly string[]): string {
  return `"${escapeDeviceText(redact(shell.recentRaw(), secrets))}"`;
}
