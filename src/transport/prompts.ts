/** Prompt patterns of FTD/FMC/Linux shells, matched against the END of cleaned output
 * (docs/devices.md "Prompts", "Levels", "Paging"). All are anchored at `$` so a prompt only counts when nothing
 * follows it yet. */
import type { Level } from '../model/playbook.js';

/** CLISH: a line that is just `>` (+ space). unicon `^(.*?)\n>\s*$`, scrapli `^>\s*`. */
export const CLISH_PROMPT = /(?:^|\n)>[ \t]*$/;
/** Expert: `admin@HOST:CWD$ ` (any cwd), or `bash-5.1$`. */
export const EXPERT_PROMPT = /(?:^|\n)[^\n]*?(?:[\w.-]+@[\w.-]+[: ][^\n]*?|bash-[\d.]+)\$[ \t]*$/;
/** Root: `root@HOST:ANYPATH# `, `[root@host dir]# `, `bash-5.1#`. Needs `@` or `bash-` so the
 * sudo lecture's `#1)` lines never look like a prompt. */
export const ROOT_PROMPT = /(?:^|\n)[^\n]*?(?:[\w.-]+@[\w.-]+[: ][^\n]*?|bash-[\d.]+)#[ \t]*$/;
/** Any password question (`Password:`, `[sudo] password for admin:`). */
export const PASSWORD_PROMPT = /(?:^|\n)[^\n]*[Pp]assword[^\n]*:[ \t]*$/;
/** sudo's wrong-password replies (unicon: `sudo: \d+ incorrect password attempts`). */
export const SUDO_REJECTED = /Sorry, try again\.|incorrect password attempt/;
/** Forced password change at first login (netmiko #3065), expired passwords. */
export const PASSWORD_CHANGE_PROMPT =
  /You must change your password|(?:Enter|Retype|Confirm) new (?:UNIX )?password:?[ \t]*$|\(current\) UNIX password:[ \t]*$|Current password:[ \t]*$/i;
/** Pagers: CLISH `--More--` (unconfirmed) and Lina `<--- More --->` (docs/devices.md "Paging"). */
export const PAGER_PROMPT = /(?:--More--|<--- More --->)[ \t]*$/;

/** Which level a prompt at the end of `text` belongs to, if any. */
export function detectPromptLevel(text: string): Level | undefined {
  const tail = text.slice(-4096);
  if (CLISH_PROMPT.test(tail)) return 'cli';
  if (ROOT_PROMPT.test(tail)) return 'root';
  if (EXPERT_PROMPT.test(tail)) return 'expert';
  return undefined;
}

/** Host name from an expert/root prompt such as `admin@QW-ftp:~$ `. */
export function hostnameFromPrompt(text: string): string | undefined {
  const m = /([\w.-]+)@([\w.-]+)[: ][^\n]*[$#][ \t]*$/.exec(text.slice(-512));
  return m ? m[2] : undefined;
}

/** Regex for the prompt of one level. */
export function promptFor(level: Level): RegExp {
  return level === 'cli' ? CLISH_PROMPT : level === 'root' ? ROOT_PROMPT : EXPERT_PROMPT;
}
