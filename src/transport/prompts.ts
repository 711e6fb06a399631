/** The few prompts recognised by pattern, matched against the END of cleaned output
 * (docs/shells.md). Everything POSIX (login shell, expert, root) is never guessed
 * from its prompt: it is pinned (pinned-shell.ts). What stays here has no PS1 to pin: CLISH's
 * `>`, password questions and pagers. All are anchored at `$` so they only count when nothing
 * follows yet. */

/** CLISH: a line that is just `>` (+ space). unicon `^(.*?)\n>\s*$`, scrapli `^>\s*`. */
export const CLISH_PROMPT = /(?:^|\n)>[ \t]*$/;
/** Any password question (`Password:`, `[sudo] password for admin:`). */
export const PASSWORD_PROMPT = /(?:^|\n)[^\n]*[Pp]assword[^\n]*:[ \t]*$/;
/** sudo's wrong-password replies (unicon: `sudo: \d+ incorrect password attempts`). */
export const SUDO_REJECTED = /Sorry, try again\.|incorrect password attempt/;
/** Forced password change at first login (netmiko #3065), expired passwords. */
export const PASSWORD_CHANGE_PROMPT =
  /You must change your password|(?:Enter|Retype|Confirm) new (?:UNIX )?password:?[ \t]*$|\(current\) UNIX password:[ \t]*$|Current password:[ \t]*$/i;
/** Pagers: CLISH `--More--` (unconfirmed) and Lina `<--- More --->` (docs/devices.md "Paging"). */
export const PAGER_PROMPT = /(?:--More--|<--- More --->)[ \t]*$/;
/** A last line that looks like it waits for input (`$ `, `# `, `% `, `> ` at its end, not
 * indented like sudo's lecture `    #1) …`). Only a hint to probe after a short settle instead of
 * waiting for the output to go quiet; never decides anything. */
export const PROMPT_LIKE_END = /^[^ \t].*[$#%>][ \t]*$|^[$#%>][ \t]*$/;
