/** Types shared by the lab's bash interpreter and its commands. */
import type { Device } from './device.js';

/** Where a command writes; text uses `\n` line ends (the terminal converts). */
export interface ShellIO {
  out(text: string): void;
  err(text: string): void;
}

/** One bash level (expert or root): its variables, directory and last status. */
export interface ShellLevel {
  level: 'expert' | 'root';
  user: string;
  vars: Map<string, string>;
  cwd: string;
  lastStatus: number;
  /** A login shell (expert, `su -`, `sudo -i`) says `logout` on exit, `sudo su` says `exit`. */
  isLogin: boolean;
}

/** A level change the terminal applies after the current line finishes. */
export type LevelTransition = { kind: 'root'; login: boolean } | { kind: 'exit'; status: number };

/** What the terminal provides to commands. */
export interface TerminalServices {
  device: Device;
  /** Prints `prompt` and reads one line with echo off; null if the session was interrupted. */
  askPassword(prompt: string): Promise<string | null>;
  setEcho(on: boolean): void;
  /** Resolves when Ctrl-C arrives while the command runs. */
  interrupted(): Promise<void>;
  /** Waits for the channel to drain (large outputs). */
  drain(): Promise<void>;
  /** sudo's per-tty credential cache (tty_tickets): valid until this time. */
  sudoValidUntilMs: number;
  /** Writes bytes to the terminal as they are (the binaryOutputBytes fault). */
  writeBytes(bytes: Buffer): void;
}

/** Everything a command sees. */
export interface CommandContext {
  args: string[];
  /** Piped or redirected input; null when reading from the terminal. */
  stdin: string | null;
  io: ShellIO;
  shell: ShellLevel;
  term: TerminalServices;
  /** Set by `exit`/`sudo su` to stop the rest of the line and change level. */
  transition?: LevelTransition;
  /** Runs a nested command line (for `sudo CMD` and `$(...)`). */
  runLine(line: string, io: ShellIO, shell: ShellLevel): Promise<number>;
}

/** A command or builtin: returns its exit status. */
export type CommandImpl = (ctx: CommandContext) => number | Promise<number>;

/** Resolves `path` against the shell's cwd and home (`~`), normalising `.` and `..`. */
export function resolvePath(shell: ShellLevel, path: string): string {
  const home = shell.vars.get('HOME') ?? '/';
  let p = path;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  if (!p.startsWith('/')) p = `${shell.cwd}/${p}`;
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}
