/** Shell builtins and small system commands of the lab's bash (echo, printf, cd, stty, sudo...). */
import type { CommandContext, CommandImpl, ShellLevel } from './shell-context.js';
import { resolvePath } from './shell-context.js';
import { isLabDirectory, readLabFile } from './files.js';
import { SUDO_LECTURE } from './texts.js';

/** sudo's default timestamp_timeout: 5 minutes. */
const SUDO_CACHE_MS = 5 * 60_000;

/** Expands backslash escapes as printf(1) does (`\n`, `\t`, `\\`, `\a`, `\e`, `\0NNN`). */
function expandEscapes(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|[ntr\\ae"'])/g, (_m, c: string) => {
    if (c.startsWith('0')) return String.fromCharCode(parseInt(c.slice(1) || '0', 8));
    return ({ n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', e: '\x1b', '"': '"', "'": "'" } as Record<string, string>)[c];
  });
}

/** printf(1): `%s`, `%d`, `%%`, escapes; the format is reused while arguments remain. */
export function formatPrintf(format: string, args: string[]): string {
  let out = '';
  let idx = 0;
  do {
    out += format.replace(/%(-?\d*)([sdib%])/g, (_m, width: string, conv: string) => {
      if (conv === '%') return '%';
      const raw = args[idx++] ?? '';
      let val = conv === 's' || conv === 'b' ? raw : String(Number.parseInt(raw, 10) || 0);
      if (conv === 'b') val = expandEscapes(val);
      const w = Number(width || 0);
      return w < 0 ? val.padEnd(-w) : val.padStart(w);
    });
  } while (idx < args.length && /%[sdib]/.test(format));
  return expandEscapes(out);
}

function prompt(shell: ShellLevel): boolean {
  return shell.level === 'root';
}

const echo: CommandImpl = ({ args, io }) => {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length && /^-[neE]+$/.test(args[i]); i++) {
    if (args[i].includes('n')) newline = false;
    if (args[i].includes('e')) escapes = true;
  }
  const text = args.slice(i).join(' ');
  io.out((escapes ? expandEscapes(text) : text) + (newline ? '\n' : ''));
  return 0;
};

const cd: CommandImpl = ({ args, io, shell, term }) => {
  const target = resolvePath(shell, args[0] ?? '~');
  if (!isLabDirectory(term.device, target)) {
    io.err(`-bash: cd: ${args[0]}: No such file or directory\n`);
    return 1;
  }
  shell.cwd = target;
  return 0;
};

const sleep: CommandImpl = async ({ args, term }) => {
  const ms = Math.max(0, Number.parseFloat(args[0] ?? '0') * 1000) || 0;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(0), ms)));
  const status = await Promise.race([done, term.interrupted().then(() => 130)]);
  clearTimeout(timer);
  return status;
};

const stty: CommandImpl = ({ args, term }) => {
  for (const a of args) {
    if (a === '-echo') term.setEcho(false);
    else if (a === 'echo') term.setEcho(true);
  }
  return 0;
};

const exportCmd: CommandImpl = ({ args, shell }) => {
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) shell.vars.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return 0;
};

const exit: CommandImpl = (ctx) => {
  const status = ctx.args[0] !== undefined ? Number.parseInt(ctx.args[0], 10) & 255 : ctx.shell.lastStatus;
  ctx.transition = { kind: 'exit', status };
  return status;
};

/** sudo: lecture once per host, `Password: ` (echo off), three tries, per-tty cache
 * (docs/devices.md "Levels"; ftd-connector expects `Password:` or the root prompt). */
const sudo: CommandImpl = async (ctx) => {
  const { args, io, term, shell } = ctx;
  const device = term.device;
  if (shell.level !== 'root' && Date.now() >= term.sudoValidUntilMs) {
    if (!device.lectured) {
      io.out(SUDO_LECTURE + '\n');
      device.lectured = true;
    }
    let ok = false;
    for (let attempt = 1; attempt <= 3 && !ok; attempt++) {
      const answer = await term.askPassword('Password: ');
      if (answer === null) return 130;
      ok = answer === device.password;
      if (!ok && attempt < 3) io.err('Sorry, try again.\n');
    }
    if (!ok) {
      io.err('sudo: 3 incorrect password attempts\n');
      return 1;
    }
    term.sudoValidUntilMs = Date.now() + SUDO_CACHE_MS;
  }
  const joined = args.join(' ');
  if (joined === 'su' || joined === 'su root' || joined === 'su -' || joined === '-i' || joined === 'su - root' || joined === '-s') {
    ctx.transition = { kind: 'root', login: joined.includes('-') && joined !== '-s' };
    return 0;
  }
  if (args.length === 0) {
    io.err('usage: sudo -h | -K | -k | -V\n');
    return 1;
  }
  const rootShell: ShellLevel = { ...shell, level: 'root', user: 'root', vars: new Map(shell.vars) };
  rootShell.vars.set('USER', 'root');
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return ctx.runLine(quoted, io, rootShell);
};

/** id(1): full form, or `-u` / `-un` / `-g` / `-gn` like coreutils. */
const idCmd: CommandImpl = ({ args, io, shell }) => {
  const root = prompt(shell);
  const flags = args.join('').replace(/-/g, '');
  const [uid, name] = root ? ['0', 'root'] : ['1000', shell.user];
  if (flags === '') io.out(root ? 'uid=0(root) gid=0(root) groups=0(root)\n' : `uid=1000(${name}) gid=1000(${name}) groups=1000(${name}),500(sfadmin)\n`);
  else if (/^[ug]$/.test(flags)) io.out(uid + '\n');
  else if (/^(un|nu|gn|ng)$/.test(flags)) io.out(name + '\n');
  else {
    io.err(`id: invalid option -- '${flags}'\n`);
    return 1;
  }
  return 0;
};

/** Minimal test(1) / `[`: -f -d -e -n -z, = and !=. */
const testCmd: CommandImpl = ({ args, term, shell }) => {
  const a = args[args.length - 1] === ']' ? args.slice(0, -1) : args;
  const [x, y, z] = a;
  if (a.length === 2 && (x === '-f' || x === '-e' || x === '-s')) {
    return readable(term, shell, y) ? 0 : 1;
  }
  if (a.length === 2 && x === '-d') return isLabDirectory(term.device, resolvePath(shell, y)) ? 0 : 1;
  if (a.length === 2 && x === '-n') return y !== '' ? 0 : 1;
  if (a.length === 2 && x === '-z') return y === '' ? 0 : 1;
  if (a.length === 3 && (y === '=' || y === '==')) return x === z ? 0 : 1;
  if (a.length === 3 && y === '!=') return x !== z ? 0 : 1;
  if (a.length === 1) return x !== '' ? 0 : 1;
  return 2;
};

function readable(term: CommandContext['term'], shell: ShellLevel, p: string): boolean {
  return readLabFile(term.device, resolvePath(shell, p)) !== undefined;
}

/** name → implementation. */
export const BUILTINS: Record<string, CommandImpl> = {
  echo,
  printf: ({ args, io }) => (io.out(formatPrintf(args[0] ?? '', args.slice(1))), 0),
  true: () => 0,
  ':': () => 0,
  false: () => 1,
  cd,
  pwd: ({ io, shell }) => (io.out(shell.cwd + '\n'), 0),
  whoami: ({ io, shell }) => (io.out(shell.user + '\n'), 0),
  id: idCmd,
  hostname: ({ io, term }) => (io.out(term.device.profile.name + '\n'), 0),
  uname: ({ io, args, term }) => (io.out(args.includes('-a') ? `Linux ${term.device.profile.name} 4.14.149 #1 SMP x86_64 GNU/Linux\n` : 'Linux\n'), 0),
  date: ({ io }) => (io.out(new Date().toUTCString() + '\n'), 0),
  sleep,
  stty,
  export: exportCmd,
  unset: ({ args, shell }) => (args.filter((a) => !a.startsWith('-')).forEach((a) => shell.vars.delete(a)), 0),
  env: ({ io, shell }) => (io.out([...shell.vars].map(([k, v]) => `${k}=${v}`).join('\n') + '\n'), 0),
  exit,
  logout: exit,
  sudo,
  // `eval 'STRING'`: the pin line keeps shell-specific syntax in eval strings.
  eval: (ctx) => ctx.runLine(ctx.args.join(' '), ctx.io, ctx.shell),
  test: testCmd,
  '[': testCmd,
  clear: ({ io }) => (io.out('\x1b[H\x1b[2J'), 0),
  // Session-setup builtins automation sends (history off, no aliases...): accepted, no effect.
  set: () => 0,
  shopt: () => 0,
  bind: () => 0,
  trap: () => 0,
  history: () => 0,
  alias: () => 0,
  unalias: () => 0,
  umask: () => 0,
  ulimit: () => 0,
};

/** `which X` / `command -v X`: known commands resolve under /usr/bin (pmtool under /usr/local/sf/bin). */
export function createLookupCommands(known: () => Set<string>): Record<string, CommandImpl> {
  const locate = (name: string) => (name === 'pmtool' ? '/usr/local/sf/bin/pmtool' : `/usr/bin/${name}`);
  const which: CommandImpl = ({ args, io }) => {
    let status = 0;
    for (const a of args.filter((x) => !x.startsWith('-'))) {
      if (known().has(a)) io.out(`${BUILTINS[a] ? a : locate(a)}\n`);
      else status = 1;
    }
    return status;
  };
  const command: CommandImpl = (ctx) => {
    if (ctx.args[0] === '-v' || ctx.args[0] === '-V') return which({ ...ctx, args: ctx.args.slice(1) });
    return ctx.runLine(ctx.args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' '), ctx.io, ctx.shell);
  };
  return { which, command, type: which };
}
