/** Moving between shell levels on one PTY: CLISH `>` ⇄ expert ⇄ root (docs/devices.md
 * "Levels", "Quirks"; docs/shells.md). CLISH is recognised by its `>`; every POSIX level is pinned on arrival
 * (pinned-shell.ts), so its prompt is our own marker from then on. Each step leaves the shell
 * drained at the new level's prompt or throws a TransportError that leaves it usable at the
 * level it was on. */
import type { Level } from '../model/playbook.js';
import { TransportError } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { awaitArrival, lastBytes, pinPosixShell, type Arrival, type PinnedShell } from './pinned-shell.js';
import { CLISH_PROMPT, PASSWORD_PROMPT, SUDO_REJECTED } from './prompts.js';
import { CTRL_C, ENTER, pinnedPrompt, syncShell, waitForAny } from './shell-ops.js';
import type { ShellStream } from './shell-stream.js';

/** What a level change needs besides the shell. */
export interface LevelContext {
  shell: ShellStream;
  /** Password for `sudo su` (FTD: the admin's own login password, docs/devices.md "Levels"). */
  becomePassword?: string;
  secrets: readonly string[];
  /** The pinned prompt marker of each POSIX level currently open. */
  prompts: Map<Level, string>;
}

const RECOVER_MS = 5_000;

/** Order of levels, lowest first. */
export function rankOf(level: Level): number {
  return level === 'cli' ? 0 : level === 'expert' ? 1 : 2;
}

/** The device's last words before a prompt, without the echo of what we typed. */
function lastLines(text: string, secrets: readonly string[], typed?: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== typed);
  // Without its closing full stop: the device's words are quoted inside a sentence of ours.
  return redact(lines.slice(-3, -1).join(' / ') || lines.slice(-1).join(''), secrets).slice(0, 300).replace(/[.;:,\s]+$/, '');
}

function isPinned(r: PinnedShell | Arrival): r is PinnedShell {
  return 'prompt' in r;
}

function promptOf(ctx: LevelContext, level: Level): string {
  const p = ctx.prompts.get(level);
  if (!p) throw new TransportError('internal', `no pinned prompt for level ${level}`);
  return p;
}

/** `expert` from CLISH. Lockdown (`system lockdown-sensor`, docs/devices.md "Quirks") gives `> ` back instead. */
export async function enterExpert(ctx: LevelContext, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  const cli = { name: 'cli', pattern: CLISH_PROMPT };
  const password = { name: 'password', pattern: PASSWORD_PROMPT };
  shell.discardIdle();
  shell.write('expert' + ENTER);
  let seen: Arrival = await awaitArrival(shell, [cli, password], timeoutMs);
  if (seen.name === 'ready') {
    const pinned = await pinPosixShell(shell, { what: 'expert shell', secrets: ctx.secrets, watch: [cli] });
    if (isPinned(pinned)) {
      ctx.prompts.set('expert', pinned.prompt);
      return 'expert';
    }
    seen = pinned;
  }
  if (seen.name === 'cli') {
    throw new TransportError(
      'privilege',
      `expert mode is not available on this device: ${lastLines(seen.text.replace(/^\s*>\s*$/gm, ''), ctx.secrets, 'expert') || '`expert` returned straight to the > prompt (disabled, e.g. by system lockdown)'}; only CLI-level checks can run`,
    );
  }
  shell.write(CTRL_C);
  await waitForAny(shell, [cli], RECOVER_MS);
  if (seen.name === 'password') throw new TransportError('privilege', '`expert` asked for a password; expert mode is not usable for this user');
  throw new TransportError('unexpected-prompt', `no expert shell after \`expert\` within ${timeoutMs} ms (last bytes: ${lastBytes(shell, ctx.secrets)})`);
}

/** `sudo su` from a pinned expert shell: `Password:` (after the lecture on first use), then a
 * root shell, which is pinned in turn. sudo's refusal brings back the expert marker. */
export async function enterRoot(ctx: LevelContext, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  const expertPrompt = promptOf(ctx, 'expert');
  // Typed into a PTY, a control character is a key, not a character of the password: a line
  // break submits part of it, Ctrl-C (\x03) interrupts sudo and the rest is typed as a command,
  // Ctrl-U/DEL erase. Such a password is never typed; `sudo su` is not even sent.
  const control = ctx.becomePassword === undefined ? -1 : ctx.becomePassword.search(/[\x00-\x1f\x7f-\x9f]/);
  if (control >= 0) {
    const code = ctx.becomePassword!.charCodeAt(control);
    const what = code === 10 || code === 13 ? 'a line break' : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new TransportError('privilege', `the become password contains ${what}, so it was not sent (a terminal takes control characters as keys); fix ansible_become_password`);
  }
  shell.discardIdle();
  shell.write('sudo su' + ENTER);
  let sentPassword = false;
  for (let step = 0; step < 4; step++) {
    // The probe must never be typed at the password question: a split lecture line `    #1) …`
    // is indented, which the prompt-like hint ignores, and the hint waits for a settle.
    const seen = await awaitArrival(
      shell,
      [
        { name: 'rejected', pattern: SUDO_REJECTED },
        { name: 'password', pattern: PASSWORD_PROMPT },
        pinnedPrompt('expert', expertPrompt),
      ],
      timeoutMs,
    );
    if (seen.name === 'ready') {
      const pinned = await pinPosixShell(shell, { what: 'root shell', secrets: ctx.secrets, watch: [pinnedPrompt('expert', expertPrompt)] });
      if (isPinned(pinned)) {
        if (pinned.uid !== undefined && pinned.uid !== 0) {
          await leaveShell(shell, expertPrompt);
          throw new TransportError('privilege', `\`sudo su\` gave a shell as uid ${pinned.uid}, not root`);
        }
        ctx.prompts.set('root', pinned.prompt);
        return 'root';
      }
      await syncShell(shell, RECOVER_MS, expertPrompt);
      throw new TransportError('privilege', `\`sudo su\` did not give a root shell: ${lastLines(pinned.text, ctx.secrets)}`);
    }
    if (seen.name === 'password' && !sentPassword) {
      if (ctx.becomePassword === undefined) {
        await abandonSudo(shell, expertPrompt);
        throw new TransportError('privilege', 'sudo asked for a password but no become password is set (ansible_become_password or ansible_password)');
      }
      shell.write(ctx.becomePassword + ENTER);
      sentPassword = true;
      continue;
    }
    if (seen.name === 'rejected' || seen.name === 'password') {
      await abandonSudo(shell, expertPrompt);
      throw new TransportError('privilege', 'sudo rejected the become password (Sorry, try again); root commands cannot run on this host');
    }
    if (seen.name === 'expert') {
      await syncShell(shell, RECOVER_MS, expertPrompt);
      throw new TransportError('privilege', `\`sudo su\` did not give a root shell: ${lastLines(seen.text.replace(expertPrompt, ''), ctx.secrets) || 'sudo returned at once'}`);
    }
    await abandonSudo(shell, expertPrompt);
    throw new TransportError('privilege', `no root shell after \`sudo su\` within ${timeoutMs} ms (last bytes: ${lastBytes(shell, ctx.secrets)})`);
  }
  await abandonSudo(shell, expertPrompt);
  throw new TransportError('privilege', '`sudo su` kept asking for input; giving up');
}

/** Ctrl-C out of sudo's password prompt and prove the expert shell answers again. Nothing is
 * typed until the expert marker is back: a line sent while sudo still reads the tty would be
 * taken as another password attempt (and count towards a lockout). sudo may sit in its
 * failure delay and ask again after a Ctrl-C, so it is interrupted up to three times. */
async function abandonSudo(shell: ShellStream, expertPrompt: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    shell.write(CTRL_C);
    const seen = await waitForAny(shell, [pinnedPrompt('expert', expertPrompt), { name: 'password', pattern: PASSWORD_PROMPT }], RECOVER_MS);
    if (seen.name === 'expert') break;
  }
  await syncShell(shell, RECOVER_MS * 2, expertPrompt);
}

/** Leaves an unwanted nested shell back to the pinned one below. */
async function leaveShell(shell: ShellStream, below: string): Promise<void> {
  shell.write('exit' + ENTER);
  await waitForAny(shell, [pinnedPrompt('below', below)], RECOVER_MS);
}

/** `exit` one level down: root → expert (its pinned marker returns), expert → CLISH (`> `).
 * Leaving for CLISH restores the tty echo the pin turned off. */
export async function exitLevel(ctx: LevelContext, from: Level, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  const to: Level = from === 'root' ? 'expert' : 'cli';
  shell.discardIdle();
  shell.write((to === 'cli' ? 'stty echo 2>/dev/null; exit' : 'exit') + ENTER);
  const pattern = to === 'cli' ? CLISH_PROMPT : pinnedPrompt(to, promptOf(ctx, to)).pattern;
  const seen = await waitForAny(shell, [{ name: to, pattern }], timeoutMs);
  if (seen.name === 'timeout') {
    throw new TransportError('unexpected-prompt', `no ${to} prompt after \`exit\` from ${from} (last bytes: ${lastBytes(shell, ctx.secrets)})`);
  }
  ctx.prompts.delete(from);
  return to;
}
