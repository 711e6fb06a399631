/** One interactive PTY session on a simulated device: banner, CLISH, expert and root levels,
 * sudo, pager and faults. Commands run one at a time, like a real shell. */
import type { Device } from './device.js';
import { LineReader } from './line-reader.js';
import { runClishLine } from './clish.js';
import { ShellInterpreter } from './shell-exec.js';
import type { ShellLevel, TerminalServices } from './shell-context.js';
import { EXPERT_DISABLED, EXPERT_NOTICE, renderBanner } from './texts.js';
import { addNoise, toCrlf } from './output.js';

/** The channel side a terminal needs (an ssh2 ServerChannel fits). */
export interface TerminalChannel {
  write(data: string | Buffer): boolean;
  on(event: 'data', fn: (data: Buffer) => void): unknown;
  on(event: 'close' | 'drain', fn: () => void): unknown;
  exit(code: number): void;
  end(): void;
}

/** Terminal settings from the pty request and the lab. */
export interface TerminalOptions {
  rows: number;
  /** Destroys the TCP connection (dropOnCommand). */
  dropConnection(): void;
  lastLogin: Date;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Renders bash's PS1 escapes (`\u \h \H \w \W \$ \\`). */
function renderPs1(ps1: string, shell: ShellLevel, host: string): string {
  const home = shell.vars.get('HOME') ?? '';
  const w = shell.cwd === home ? '~' : home !== '/' && shell.cwd.startsWith(home + '/') ? '~' + shell.cwd.slice(home.length) : shell.cwd;
  return ps1.replace(/\\([uhHwW$\\\[\]aen])/g, (_m, c: string) =>
    ({ u: shell.user, h: host.split('.')[0], H: host, w, W: w === '~' ? '~' : w.split('/').pop() || '/', $: shell.level === 'root' ? '#' : '$', '\\': '\\', '[': '', ']': '', a: '\x07', e: '\x1b', n: '\n' })[c] ?? '',
  );
}

/** Drives one shell channel until the user leaves or the connection drops. */
export class TerminalSession {
  private readonly reader: LineReader;
  private readonly services: TerminalServices;
  private readonly interpreter: ShellInterpreter;
  private readonly levels: ShellLevel[] = [];
  private echo = true;
  private closed = false;
  private noiseSeed = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly device: Device,
    private readonly channel: TerminalChannel,
    private readonly opts: TerminalOptions,
  ) {
    this.reader = new LineReader((t) => this.raw(t), () => this.raw('^C\r\n'));
    channel.on('data', (d) => this.reader.push(d));
    channel.on('drain', () => this.releaseDrainWaiters());
    channel.on('close', () => {
      this.closed = true;
      this.reader.close();
      this.releaseDrainWaiters();
    });
    this.services = {
      device,
      askPassword: (p) => this.askPassword(p),
      setEcho: (on) => (this.echo = on),
      interrupted: () => this.reader.interrupted(),
      drain: () => this.drain(),
      sudoValidUntilMs: 0,
      writeBytes: (bytes) => void (this.closed || this.channel.write(bytes)),
    };
    this.interpreter = new ShellInterpreter(this.services);
  }

  private raw(text: string): boolean {
    if (this.closed) return true;
    return this.channel.write(text);
  }

  /** Writes command output: CRLF line ends, plus noise under the garbageOutput fault. */
  private output(text: string): void {
    if (text === '') return;
    let t = toCrlf(text);
    if (this.device.profile.faults.garbageOutput) t = addNoise(t, this.noiseSeed++);
    this.raw(t);
  }

  private drain(): Promise<void> {
    if (this.closed || !(this.channel as unknown as { writableNeedDrain?: boolean }).writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private releaseDrainWaiters(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private async askPassword(prompt: string): Promise<string | null> {
    this.raw(prompt);
    const r = await this.reader.readLine(false);
    this.raw('\r\n');
    return r.kind === 'line' ? r.text : null;
  }

  private newBashLevel(level: 'expert' | 'root', login: boolean, from?: ShellLevel): ShellLevel {
    const isRoot = level === 'root';
    const home = isRoot ? '/root' : this.device.profile.home;
    // sudo resets the environment (env_reset), so each level starts from its own defaults.
    const vars = new Map<string, string>();
    const user = isRoot ? 'root' : this.device.user;
    vars.set('HOME', home);
    vars.set('USER', user);
    vars.set('LOGNAME', user);
    vars.set('SHELL', '/bin/bash');
    vars.set('HOSTNAME', this.device.profile.name);
    vars.set('TERM', 'xterm');
    vars.set('PATH', isRoot ? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' : '/usr/local/bin:/usr/bin:/bin');
    vars.set('PS1', this.device.profile.ps1);
    // The pin line (transport/pinned-shell.ts) branches on these, as on a real bash.
    vars.set('BASH_VERSION', '4.4.23(1)-release');
    // The title-setting PROMPT_COMMAND is only there under the garbageOutput fault.
    if (this.device.profile.faults.garbageOutput) vars.set('PROMPT_COMMAND', 'printf "\\033]0;%s@%s:%s\\007"');
    return { level, user, vars, cwd: login || !from ? home : from.cwd, lastStatus: 0, isLogin: login || !from };
  }

  private prompt(): string {
    const shell = this.levels[this.levels.length - 1];
    const bell = this.device.profile.faults.bell ? '\x07' : '';
    if (!shell) return `> ${bell}`;
    const title = shell.vars.get('PROMPT_COMMAND') ? `\x1b]0;${shell.user}@${this.device.profile.name}:${shell.cwd}\x07` : '';
    return title + renderPs1(shell.vars.get('PS1') ?? '', shell, this.device.profile.name) + bell;
  }

  /** Runs the session: banner, optional password change, then the command loop. */
  async run(): Promise<void> {
    this.output(renderBanner(this.device, this.opts.lastLogin) + '\n');
    if (this.device.profile.faults.forcePasswordChange && !(await this.changePassword())) return this.finish(1);
    if (this.device.profile.platform === 'fmc' && this.device.profile.fmcLogin === 'bash') this.levels.push(this.newBashLevel('expert', true));
    let pending = '';
    while (!this.closed) {
      const shell = this.levels[this.levels.length - 1];
      this.raw(pending ? (shell?.vars.get('PS2') ?? '> ') : this.prompt());
      const r = await this.reader.readLine(this.echo);
      if (r.kind === 'closed') return;
      if (r.kind === 'interrupt') {
        pending = '';
        if (shell) shell.lastStatus = 130;
        continue;
      }
      if (r.kind === 'eof') {
        if (!(await this.leaveLevel(0, true))) return;
        continue;
      }
      const line = pending + r.text;
      this.device.record(shell?.level ?? 'cli', r.text);
      pending = '';
      const fault = await this.runFaults(line);
      if (fault === 'closed') return;
      if (fault === 'interrupted') {
        if (shell) shell.lastStatus = 130;
        continue;
      }
      if (!shell) {
        if (!(await this.runClish(line))) return;
        continue;
      }
      if (line.trim() === '') continue;
      this.reader.commandRunning = true;
      const outcome = await this.interpreter.runLine(line, { out: (t) => this.output(t), err: (t) => this.output(t) }, shell);
      this.reader.commandRunning = false;
      if (outcome.incomplete) pending = line + '\n';
      else if (outcome.transition?.kind === 'root') this.levels.push(this.newBashLevel('root', outcome.transition.login, shell));
      else if (outcome.transition?.kind === 'exit' && !(await this.leaveLevel(outcome.transition.status, false))) return;
    }
  }

  /** Applies drop/hang/latency faults before a line runs. */
  private async runFaults(line: string): Promise<'run' | 'interrupted' | 'closed'> {
    const f = this.device.profile.faults;
    if ((f.dropOnCommand && line.includes(f.dropOnCommand)) || this.device.rebootsOn(line)) {
      this.closed = true;
      this.opts.dropConnection();
      return 'closed';
    }
    if (f.hangOnCommand && line.includes(f.hangOnCommand)) {
      // Never answers; only Ctrl-C (or the channel closing) ends the wait.
      this.reader.commandRunning = true;
      await this.reader.interrupted();
      this.reader.commandRunning = false;
      return this.closed ? 'closed' : 'interrupted';
    }
    if (f.latencyMs && line.trim() !== '') await sleepMs(f.latencyMs);
    return this.closed ? 'closed' : 'run';
  }

  private async runClish(line: string): Promise<boolean> {
    if (line.trim() === '') return true;
    const outcome = runClishLine(this.device, line);
    if (outcome.kind === 'exit') {
      this.finish(0);
      return false;
    }
    if (outcome.kind === 'expert') {
      if (this.device.profile.scenario === 'expert-disabled') this.output(EXPERT_DISABLED + '\n');
      else {
        if (!this.device.profile.isSevenX) this.output(EXPERT_NOTICE + '\n');
        this.levels.push(this.newBashLevel('expert', true));
      }
      return true;
    }
    if (outcome.text !== '') await this.page(outcome.text + '\n');
    return !this.closed;
  }

  /** CLISH pager fault: `--More--` after each screenful; space = page, Enter = line, q = quit. */
  private async page(text: string): Promise<void> {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const pageSize = Math.max(2, this.opts.rows - 1);
    if (!this.device.profile.faults.pager || lines.length <= pageSize) return this.output(text);
    let i = 0;
    let step = pageSize;
    while (i < lines.length) {
      this.output(lines.slice(i, i + step).join('\n') + '\n');
      i += step;
      if (i >= lines.length) return;
      this.raw('--More--');
      const key = await this.reader.readKey();
      this.raw('\r        \r');
      if (key === null || key === 'q' || key === 'Q') return;
      step = key === '\r' || key === '\n' ? 1 : pageSize;
    }
  }

  /** `exit`/Ctrl-D: back one level (printing `logout`/`exit` as bash does); false when the session ends. */
  private async leaveLevel(status: number, viaEof: boolean): Promise<boolean> {
    const shell = this.levels.pop();
    if (!shell) {
      this.finish(0);
      return false;
    }
    this.raw(toCrlf(viaEof || shell.isLogin ? 'logout\n' : 'exit\n'));
    if (this.levels.length === 0 && this.device.profile.platform === 'fmc' && this.device.profile.fmcLogin === 'bash') {
      this.finish(status);
      return false;
    }
    return true;
  }

  /** The first-login password change dialog (netmiko issue #3065). */
  private async changePassword(): Promise<boolean> {
    this.output(`Hello ${this.device.user}. You must change your password.\n`);
    const first = await this.askPassword('Enter new password: ');
    if (first === null) return false;
    const second = await this.askPassword('Confirm new password:');
    if (second === null || second !== first || first === '') {
      this.output('Passwords do not match.\n');
      return false;
    }
    return true;
  }

  private finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.channel.exit(code);
    this.channel.end();
  }
}
