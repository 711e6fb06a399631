/** Runs parsed shell lines: expansion, redirections, pipes, `&&`/`||`, and command lookup. */
import { parseShell, type Pipeline, type SimpleCommand, type Word } from './shell-parse.js';
import type { CommandContext, CommandImpl, LevelTransition, ShellIO, ShellLevel, TerminalServices } from './shell-context.js';
import { resolvePath } from './shell-context.js';
import { readLabFile } from './files.js';
import { BUILTINS, createLookupCommands } from './builtins.js';
import { TEXT_TOOLS } from './text-tools.js';
import { NET_TOOLS } from './net-tools.js';

const COMMANDS: Record<string, CommandImpl> = { ...BUILTINS, ...TEXT_TOOLS, ...NET_TOOLS };
Object.assign(COMMANDS, createLookupCommands(() => new Set(Object.keys(COMMANDS))));
/** Directories commands may be called through, e.g. `/usr/bin/curl`, `/ngfw/usr/local/sf/bin/pmtool`. */
const BIN_PREFIX = /^(?:\/ngfw)?\/(?:usr\/)?(?:local\/sf\/)?s?bin\//;

/** The outcome of one input line. */
export interface LineOutcome {
  status: number;
  /** Unbalanced quotes or a trailing operator: the terminal shows PS2 and reads more. */
  incomplete?: boolean;
  transition?: LevelTransition;
}

function collector(): ShellIO & { text: () => string } {
  const parts: string[] = [];
  return { out: (t) => parts.push(t), err: () => undefined, text: () => parts.join('') };
}

/** The interpreter for one terminal session. */
export class ShellInterpreter {
  constructor(private readonly term: TerminalServices) {}

  /** Parses and runs one line at `shell`. */
  async runLine(line: string, io: ShellIO, shell: ShellLevel): Promise<LineOutcome> {
    const parsed = parseShell(line);
    if (parsed.kind === 'incomplete') return { status: shell.lastStatus, incomplete: true };
    if (parsed.kind === 'error') {
      io.err(`-bash: syntax error near unexpected token \`${parsed.token}'\n`);
      shell.lastStatus = 2;
      return { status: 2 };
    }
    for (const list of parsed.script) {
      let status = await this.runPipeline(list.first, io, shell);
      if (status.transition) return { status: status.code, transition: status.transition };
      for (const { op, pipeline } of list.rest) {
        if ((op === '&&') !== (status.code === 0)) continue;
        status = await this.runPipeline(pipeline, io, shell);
        if (status.transition) return { status: status.code, transition: status.transition };
      }
    }
    return { status: shell.lastStatus };
  }

  private async runPipeline(pipeline: Pipeline, io: ShellIO, shell: ShellLevel): Promise<{ code: number; transition?: LevelTransition }> {
    let stdin: string | null = null;
    let code = 0;
    let transition: LevelTransition | undefined;
    for (let i = 0; i < pipeline.length; i++) {
      const isLast = i === pipeline.length - 1;
      const sink = isLast ? null : collector();
      const stageIo: ShellIO = sink ? { out: sink.out, err: io.err } : io;
      const result = await this.runSimple(pipeline[i], stdin, stageIo, shell);
      code = result.code;
      // In a pipeline every stage runs in a subshell: `exit` there does not leave the level.
      if (pipeline.length === 1) transition = result.transition;
      stdin = sink ? sink.text() : null;
    }
    shell.lastStatus = code;
    return { code, transition };
  }

  private async runSimple(cmd: SimpleCommand, stdin: string | null, io: ShellIO, shell: ShellLevel): Promise<{ code: number; transition?: LevelTransition }> {
    const words: string[] = [];
    for (const w of cmd.words) words.push(...(await this.expandWord(w, shell)));
    for (const a of cmd.assigns) {
      const value = (await this.expandWord(a.value, shell, false)).join('');
      if (words.length === 0) shell.vars.set(a.name, value);
    }
    // Redirections, left to right (so `>/dev/null 2>&1` silences both).
    let out = io.out;
    let err = io.err;
    const pending: Array<{ path: string; append: boolean; parts: string[] }> = [];
    for (const r of cmd.redirects) {
      if (r.op === '>&') {
        const target = r.dupFd === 2 ? err : out;
        if (r.fd === 2) err = target;
        else out = target;
        continue;
      }
      const path = resolvePath(shell, (await this.expandWord(r.target ?? [], shell, false)).join(''));
      if (r.op === '<') {
        const content = readLabFile(this.term.device, path);
        if (content === undefined) {
          io.err(`-bash: ${path}: No such file or directory\n`);
          return { code: 1 };
        }
        stdin = content;
        continue;
      }
      let sinkFn: (t: string) => void = () => undefined;
      if (path !== '/dev/null') {
        const file = { path, append: r.op === '>>', parts: [] as string[] };
        pending.push(file);
        sinkFn = (t) => file.parts.push(t);
      }
      if (r.fd === 2) err = sinkFn;
      else if (r.fd === -1) out = err = sinkFn;
      else out = sinkFn;
    }
    let code = 0;
    let transition: LevelTransition | undefined;
    if (words.length > 0) {
      const name = words[0].replace(BIN_PREFIX, '');
      const impl = COMMANDS[name];
      if (!impl) {
        err(`-bash: ${words[0]}: command not found\n`);
        code = 127;
      } else {
        const ctx: CommandContext = {
          args: words.slice(1),
          stdin,
          io: { out, err },
          shell,
          term: this.term,
          runLine: async (line, nestedIo, nestedShell) => (await this.runLine(line, nestedIo, nestedShell)).status,
        };
        code = await impl(ctx);
        transition = ctx.transition;
      }
    }
    for (const f of pending) {
      const before = f.append ? (this.term.device.writtenFiles.get(f.path) ?? '') : '';
      this.term.device.writtenFiles.set(f.path, before + f.parts.join(''));
    }
    shell.lastStatus = code;
    return { code, transition };
  }

  /** Expands one word into fields (unquoted expansions split on blanks; an empty unquoted
   * expansion vanishes). */
  private async expandWord(word: Word, shell: ShellLevel, split = true): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let hasQuoted = false;
    for (let i = 0; i < word.length; i++) {
      const part = word[i];
      if (part.kind === 'lit') {
        let text = part.text;
        if (i === 0 && !part.quoted && (text === '~' || text.startsWith('~/'))) text = (shell.vars.get('HOME') ?? '') + text.slice(1);
        cur += text;
        hasQuoted ||= part.quoted;
        continue;
      }
      const value = part.kind === 'var' ? this.lookupVar(part.name, shell) : await this.substitute(part.source, shell);
      if (part.quoted || !split) {
        cur += value;
        hasQuoted ||= part.quoted;
        continue;
      }
      const pieces = value.split(/[ \t\n]+/);
      pieces.forEach((p, j) => {
        if (j > 0) {
          if (cur !== '' || hasQuoted) fields.push(cur);
          cur = '';
          hasQuoted = false;
        }
        cur += p;
      });
    }
    if (cur !== '' || hasQuoted) fields.push(cur);
    return fields;
  }

  private lookupVar(name: string, shell: ShellLevel): string {
    if (name === '?') return String(shell.lastStatus);
    if (name === '$') return String(4000 + this.term.device.profile.index);
    if (name === '#') return '0';
    if (name === '0') return '-bash';
    if (name === 'PWD') return shell.cwd;
    const def = /^([A-Za-z_][A-Za-z0-9_]*):?-(.*)$/.exec(name);
    if (def) return shell.vars.get(def[1]) || def[2];
    return shell.vars.get(name) ?? '';
  }

  private async substitute(source: string, shell: ShellLevel): Promise<string> {
    const sink = collector();
    const saved = shell.lastStatus;
    const outcome = await this.runLine(source, sink, { ...shell, vars: new Map(shell.vars) });
    shell.lastStatus = outcome.status ?? saved;
    return sink.text().replace(/\n+$/, '');
  }
}
