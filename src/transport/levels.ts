/** Moving between shell levels on one PTY: CLISH `>` ⇄ expert `$` ⇄ root `#`
 * (docs/devices.md "Levels", "Quirks"). Each step leaves the shell drained at the
 * new level's prompt or throws a TransportError that leaves it usable at the level it was on. */
import type { Level } from '../model/playbook.js';
import { TransportError } from '../model/transport.js';
import { redact } from '../model/redact.js';
import { CLISH_PROMPT, EXPERT_PROMPT, PASSWORD_PROMPT, ROOT_PROMPT, SUDO_REJECTED } from './prompts.js';
import { CTRL_C, ENTER, syncShell, waitForAny } from './shell-ops.js';
import type { ShellStream } from './shell-stream.js';

/** What a level change needs besides the shell. */
export interface LevelContext {
  shell: ShellStream;
  /** Password for `sudo su` (FTD: the admin's own login password, docs/devices.md "Levels"). */
  becomePassword?: string;
  secrets: readonly string[];
}

const RECOVER_MS = 5_000;

/** Order of levels, lowest first. */
export function rankOf(level: Level): number {
  return level === 'cli' ? 0 : level === 'expert' ? 1 : 2;
}

/** The device's last words before a prompt, without the echo of what we typed. */
function lastLines(text: string, secrets: readonly string[], typed?: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== typed);
  return redact(lines.slice(-3, -1).join(' / ') || lines.slice(-1).join(''), secrets).slice(0, 300);
}

/** `expert` from CLISH. Lockdown (`system lockdown-sensor`, docs/devices.md "Quirks") gives `> ` back instead. */
export async function enterExpert(ctx: LevelContext, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  shell.discardIdle();
  shell.write('expert' + ENTER);
  const seen = await waitForAny(
    shell,
    [
      { name: 'root', pattern: ROOT_PROMPT },
      { name: 'expert', pattern: EXPERT_PROMPT },
      { name: 'cli', pattern: CLISH_PROMPT },
      { name: 'password', pattern: PASSWORD_PROMPT },
    ],
    timeoutMs,
  );
  if (seen.name === 'expert' || seen.name === 'root') {
    await syncShell(shell, timeoutMs);
    return seen.name;
  }
  if (seen.name === 'cli') {
    throw new TransportError(
      'privilege',
      `expert mode is not available on this device: ${lastLines(seen.text.replace(/^\s*>\s*$/gm, ''), ctx.secrets, 'expert') || '`expert` returned straight to the > prompt (disabled, e.g. by system lockdown)'}; only CLI-level checks can run`,
    );
  }
  shell.write(CTRL_C);
  await waitForAny(shell, [{ name: 'cli', pattern: CLISH_PROMPT }], RECOVER_MS);
  if (seen.name === 'password') throw new TransportError('privilege', '`expert` asked for a password; expert mode is not usable for this user');
  throw new TransportError('unexpected-prompt', `no expert prompt after \`expert\` within ${timeoutMs} ms (last output: ${lastLines(seen.text, ctx.secrets)})`);
}

/** `sudo su` from expert: `Password:` (after the lecture on first use) or a cached root prompt. */
export async function enterRoot(ctx: LevelContext, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  shell.discardIdle();
  shell.write('sudo su' + ENTER);
  let sentPassword = false;
  for (let step = 0; step < 4; step++) {
    const seen = await waitForAny(
      shell,
      [
        { name: 'rejected', pattern: SUDO_REJECTED },
        { name: 'root', pattern: ROOT_PROMPT },
        { name: 'password', pattern: PASSWORD_PROMPT },
        { name: 'expert', pattern: EXPERT_PROMPT },
      ],
      timeoutMs,
    );
    if (seen.name === 'root') {
      await syncShell(shell, timeoutMs);
      return 'root';
    }
    if (seen.name === 'password' && !sentPassword) {
      if (ctx.becomePassword === undefined) {
        await abandonSudo(shell);
        throw new TransportError('privilege', 'sudo asked for a password but no become password is set (ansible_become_password or ansible_password)');
      }
      // Typed into a PTY, a line break would submit part of the password and type the rest
      // as a command at whatever prompt follows: never send such a password.
      if (/[\r\n]/.test(ctx.becomePassword)) {
        await abandonSudo(shell);
        throw new TransportError('privilege', 'the become password contains a line break, so it was not sent (the terminal would submit it half-way); fix ansible_become_password');
      }
      shell.write(ctx.becomePassword + ENTER);
      sentPassword = true;
      continue;
    }
    if (seen.name === 'rejected' || seen.name === 'password') {
      await abandonSudo(shell);
      throw new TransportError('privilege', 'sudo rejected the become password (Sorry, try again); root commands cannot run on this host');
    }
    if (seen.name === 'expert') {
      await syncShell(shell, RECOVER_MS);
      throw new TransportError('privilege', `\`sudo su\` did not give a root shell: ${lastLines(seen.text, ctx.secrets)}`);
    }
    await abandonSudo(shell);
    throw new TransportError('privilege', `no root prompt after \`sudo su\` within ${timeoutMs} ms (last output: ${lastLines(seen.text, ctx.secrets)})`);
  }
  await abandonSudo(shell);
  throw new TransportError('privilege', '`sudo su` kept asking for input; giving up');
}

/** Ctrl-C out of sudo's password prompt and prove the expert shell answers again. */
async function abandonSudo(shell: ShellStream): Promise<void> {
  shell.write(CTRL_C);
  // Wait for bash's prompt first: typeahead sent while sudo still reads the tty would be eaten.
  await waitForAny(shell, [{ name: 'expert', pattern: EXPERT_PROMPT }], RECOVER_MS);
  await syncShell(shell, RECOVER_MS * 2);
}

/** `exit` one level down: root → expert (`exit`), expert → CLISH (`logout`, docs/devices.md "Levels"). */
export async function exitLevel(ctx: LevelContext, from: Level, timeoutMs: number): Promise<Level> {
  const { shell } = ctx;
  const to: Level = from === 'root' ? 'expert' : 'cli';
  shell.discardIdle();
  shell.write('exit' + ENTER);
  const seen = await waitForAny(shell, [{ name: to, pattern: to === 'cli' ? CLISH_PROMPT : EXPERT_PROMPT }], timeoutMs);
  if (seen.name === 'timeout') {
    throw new TransportError('unexpected-prompt', `no ${to} prompt after \`exit\` from ${from} (last output: ${lastLines(seen.text, ctx.secrets)})`);
  }
  if (to === 'expert') await syncShell(shell, timeoutMs);
  return to;
}
