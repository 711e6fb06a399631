/**
 * Check mode is read-only by construction: collect and capture steps run without `--apply`,
 * so every program they run must be on an allow-list of programs that only read (per level),
 * with options that only read. Refused: redirection into files, command/process substitution,
 * background jobs, subshells, heredocs, wrappers that run another program (`sudo`, `sh -c`,
 * `nohup`, `env`, `xargs`…). A playbook may extend the list (`readonly_commands:`); the report
 * says so. Why each program is (or is not) here: docs/commands.md.
 */
import type { Level, ReadonlyCommands } from '../model/playbook.js';
import { commandShape, HOLE, type ShellWord, type SimpleCommand } from '../checks/command-programs.js';

/** A refusal at a character offset of the template. */
export interface ReadOnlyProblem {
  message: string;
  offset: number;
}

interface ProgramRule {
  /** `any`: the program has no option that writes or runs something. Otherwise an allow-list:
   * `flags` take no argument, `withArg` take one (`-m 20`, `-m20`, `--max-time=20`). */
  options: 'any' | { flags: readonly string[]; withArg?: readonly string[] };
  /** Short option letters refused inside an `any` program's bundles (documented exceptions). */
  refuseLetters?: string;
  /** Checks the operands (non-option words); returns a refusal or undefined. */
  operands?(words: ShellWord[]): string | undefined;
}

const ANY: ProgramRule = { options: 'any' };
const NO_OPERANDS = (w: ShellWord[]) => (w.length > 0 ? `takes no operand here ('${show(w[0])}' would change the setting)` : undefined);

/** Shell programs that only read (levels expert and root). */
const SHELL_PROGRAMS: Record<string, ProgramRule> = {
  cat: ANY, head: ANY, tail: ANY, grep: ANY, egrep: ANY, fgrep: ANY, wc: ANY, cut: ANY, tr: ANY,
  ls: ANY, stat: ANY, df: ANY, du: ANY, readlink: ANY, basename: ANY, dirname: ANY, md5sum: ANY, sha256sum: ANY,
  echo: { options: { flags: ['-n', '-e', '-E'] } },
  printf: { options: { flags: [] } }, // `printf -v NAME` would set a shell variable (PS1…)
  test: ANY, '[': ANY, true: ANY, false: ANY, pwd: ANY, sleep: ANY,
  uname: ANY, id: ANY, whoami: ANY, uptime: ANY, free: ANY, ps: ANY,
  netstat: ANY, nslookup: ANY, dig: ANY, host: ANY, ping: ANY, traceroute: ANY,
  ss: { options: 'any', refuseLetters: 'KD' }, // -K/--kill closes sockets; -D/--diag dumps to a file
  lsof: { options: 'any', refuseLetters: 'D' }, // -D b|u|r writes lsof's device cache file
  date: {
    options: { flags: ['-u', '--utc', '--universal', '-R', '--rfc-email', '-I', '--iso-8601'], withArg: ['-d', '--date', '-r', '--reference', '--rfc-3339'] },
    operands: (w) => (w.some((x) => !x.text.startsWith('+')) ? 'takes only a +FORMAT operand here (any other operand sets the clock)' : undefined),
  },
  hostname: { options: { flags: ['-f', '-s', '-d', '-i', '-I', '-a', '-A', '--fqdn', '--long', '--short', '--domain', '--ip-address', '--all-ip-addresses', '--alias', '--all-fqdns'] }, operands: NO_OPERANDS },
  sort: { options: { flags: ['-n', '-r', '-u', '-f', '-b', '-d', '-g', '-h', '-i', '-M', '-s', '-V', '-z', '--numeric-sort', '--reverse', '--unique', '--ignore-case', '--human-numeric-sort', '--version-sort', '--stable'], withArg: ['-k', '-t', '--key', '--field-separator'] } },
  uniq: {
    options: { flags: ['-c', '-d', '-u', '-i', '-z', '--count', '--repeated', '--unique', '--ignore-case'], withArg: ['-f', '-s', '-w', '--skip-fields', '--skip-chars', '--check-chars'] },
    operands: (w) => (w.length > 1 ? 'takes at most one operand (a second one is a file it writes)' : undefined),
  },
  find: { options: 'any' }, // predicates are checked by findProblem
  curl: {
    options: {
      flags: ['-v', '--verbose', '-k', '--insecure', '-s', '--silent', '-S', '--show-error', '-I', '--head', '-i', '--include', '-L', '--location', '-f', '--fail', '--fail-with-body', '-4', '--ipv4', '-6', '--ipv6', '-N', '--no-buffer', '--compressed', '-g', '--globoff', '--http1.0', '--http1.1', '--http2', '--tlsv1', '--tlsv1.0', '--tlsv1.1', '--tlsv1.2', '--tlsv1.3', '--proxy-insecure', '--no-keepalive', '--tcp-nodelay', '--trace-time', '--raw', '--no-progress-meter', '-q', '--disable'],
      withArg: ['-m', '--max-time', '--connect-timeout', '-H', '--header', '-A', '--user-agent', '-e', '--referer', '--cacert', '--capath', '--cert', '--key', '--cert-type', '--key-type', '--resolve', '--connect-to', '-x', '--proxy', '--noproxy', '--max-redirs', '--max-filesize', '--retry', '--retry-delay', '--retry-max-time', '--interface', '--dns-servers', '--tls-max', '--ciphers', '--proxy-cacert', '-U', '--proxy-user', '-u', '--user', '--limit-rate', '-y', '--speed-time', '-Y', '--speed-limit', '-r', '--range', '--url'],
    },
    operands: (w) => {
      const bad = w.find((x) => !x.text.startsWith(HOLE) && !/^https?:\/\//i.test(x.text));
      return bad ? `fetches only http:// or https:// URLs here ('${show(bad)}'); other schemes can write or send data` : undefined;
    },
  },
  pmtool: { options: { flags: [] }, operands: (w) => (w.length !== 1 || w[0].text.toLowerCase() !== 'status' ? "is allowed only as 'pmtool status' (the other sub-commands change processes)" : undefined) },
};

/** CLISH verbs that only read (level cli). `configure`, `expert`, `system`, `capture`… change state or levels. */
const CLI_VERBS = new Set(['show', 'ping', 'traceroute', 'sftunnel-status', 'sftunnel-status_brief']);

/** Programs that run another program: never allowed in a read-only step, not even by extension. */
const WRAPPERS = new Set(['sudo', 'su', 'doas', 'runuser', 'sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox', 'env', 'xargs', 'nohup', 'exec', 'eval', 'command', 'builtin', 'time', 'timeout', 'nice', 'ionice', 'chroot', 'setsid', 'stdbuf', 'watch', 'strace', 'script', 'expect', 'parallel', '.', 'source', 'perl', 'python', 'python3']);

/** find predicates that only read (no -delete, -exec, -execdir, -ok, -fprint…). */
const FIND_READ = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type', '-xtype', '-maxdepth', '-mindepth', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-size', '-user', '-group', '-uid', '-gid', '-perm', '-links', '-empty', '-readable', '-writable', '-executable', '-print', '-print0', '-printf', '-ls', '-prune', '-quit', '-not', '-a', '-o', '-and', '-or', '-true', '-false', '-xdev', '-mount', '-follow', '-depth', '-samefile', '-inum', '-nouser', '-nogroup', '-H', '-L', '-P']);

function show(w: ShellWord): string {
  return w.text.replaceAll(HOLE, '{{…}}');
}

/** Checks options against a rule; returns the refusal and the operands. */
function splitOptions(program: string, rule: ProgramRule, args: ShellWord[]): { problem?: { message: string; offset: number }; operands: ShellWord[] } {
  const operands: ShellWord[] = [];
  const allowed = rule.options === 'any' ? undefined : rule.options;
  const refuse = (w: ShellWord, opt: string) => ({
    problem: {
      message: `${program} option '${opt}' is not on the read-only list${allowed ? ` (allowed: ${[...allowed.flags, ...(allowed.withArg ?? [])].join(' ') || 'none'})` : ''}`,
      offset: w.offset,
    },
    operands,
  });
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    const t = w.text;
    if (t === '--') {
      operands.push(...args.slice(k + 1));
      break;
    }
    if (!t.startsWith('-') || t === '-') {
      operands.push(w);
      continue;
    }
    if (!allowed) {
      const letters = t.startsWith('--') ? '' : t.slice(1);
      const long = t.startsWith('--') ? t.split('=')[0] : '';
      if ((rule.refuseLetters && [...letters].some((c) => rule.refuseLetters!.includes(c))) || (program === 'ss' && long === '--kill') || (program === 'ss' && long === '--diag')) return refuse(w, long || t);
      continue;
    }
    if (t.startsWith('--')) {
      const name = t.split('=')[0];
      if (allowed.flags.includes(name) && !t.includes('=')) continue;
      if (allowed.withArg?.includes(name)) {
        if (!t.includes('=')) k++;
        continue;
      }
      return refuse(w, name);
    }
    for (let c = 1; c < t.length; c++) {
      const opt = `-${t[c]}`;
      if (allowed.flags.includes(opt)) continue;
      if (allowed.withArg?.includes(opt)) {
        if (c === t.length - 1) k++;
        break;
      }
      return refuse(w, opt);
    }
  }
  return { operands };
}

/** find predicates followed by an argument (`-mtime -1`: the `-1` is not a predicate). */
const FIND_WITH_ARG = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type', '-xtype', '-maxdepth', '-mindepth', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-size', '-user', '-group', '-uid', '-gid', '-perm', '-links', '-printf', '-samefile', '-inum']);

function findProblem(args: ShellWord[]): ReadOnlyProblem | undefined {
  const bad = args.find((w, k) => w.text.startsWith('-') && !FIND_READ.has(w.text) && !(k > 0 && FIND_WITH_ARG.has(args[k - 1].text)));
  return bad ? { message: `find ${show(bad)} is not on the read-only list (find only reads with -name, -type, -print, -ls…; -delete, -exec, -ok, -fprint write or run programs)`, offset: bad.offset } : undefined;
}

function redirectionProblem(cmd: SimpleCommand): ReadOnlyProblem | undefined {
  for (const r of cmd.redirections) {
    const target = r.target?.text;
    if (r.op === '<' && target !== undefined) continue;
    if ((r.op === '>&' || r.op === '<&') && target !== undefined && /^[0-9-]$/.test(target)) continue;
    if (['>', '>>', '&>', '&>>', '>|'].includes(r.op) && target === '/dev/null') continue;
    return { message: `redirection '${r.fd ?? ''}${r.op}${target !== undefined ? show(r.target!) : ''}' writes a file; a read-only step may only discard output (2>/dev/null) or merge it (2>&1)`, offset: r.offset };
  }
  return undefined;
}

function programProblem(cmd: SimpleCommand, level: Level, ext: ReadonlyCommands | undefined): ReadOnlyProblem | undefined {
  const [first, ...args] = cmd.words;
  if (!first) return { message: 'a redirection without a program', offset: cmd.offset };
  if (first.holes > 0) return { message: 'the program must be written in the playbook, not come from a variable', offset: first.offset };
  const name = first.text;
  if (level === 'cli') {
    const odd = cmd.words.find((w) => /[|;&<>`$\\]/.test(w.text));
    if (odd) return { message: `'${show(odd)}': CLISH filters and operators are not used in read-only steps (filter the output with parse: instead)`, offset: odd.offset };
    if (CLI_VERBS.has(name) || ext?.cli?.includes(name)) return undefined;
    return { message: `'${name}' is not a read-only CLI command (allowed: ${[...CLI_VERBS].join(', ')}${ext?.cli?.length ? `, and from readonly_commands: ${ext.cli.join(', ')}` : ''})`, offset: first.offset };
  }
  if (WRAPPERS.has(name)) return { message: `'${name}' runs another program, which a read-only step cannot check${name === 'sudo' || name === 'su' ? "; use level: root for root commands" : ''}`, offset: first.offset };
  if (ext?.shell?.includes(name)) return undefined;
  const rule = Object.prototype.hasOwnProperty.call(SHELL_PROGRAMS, name) ? SHELL_PROGRAMS[name] : undefined;
  if (!rule) return { message: `'${name}' is not on the read-only list of programs for collect and capture steps`, offset: first.offset };
  if (name === 'find') return findProblem(args);
  const { problem, operands } = splitOptions(name, rule, args);
  if (problem) return problem;
  const bad = rule.operands?.(operands);
  return bad ? { message: `${name} ${bad}`, offset: operands[0]?.offset ?? first.offset } : undefined;
}

const FINDING_TEXT: Record<string, string> = {
  substitution: 'command or process substitution runs a program that a read-only step cannot check',
  background: "'&' (a background job) is not allowed in a read-only step",
  subshell: 'subshells and groups ( … ) are not allowed in a read-only step',
  heredoc: 'here-documents are not allowed in a command',
  history: "'!' would be history expansion in an interactive shell; put it in single quotes",
  unterminated: 'unterminated quote',
};

/** Why a collect/capture command is not read-only (empty = read-only). Throws CommandSyntaxError
 * for a template that is not in the command language. */
export function readOnlyProblems(template: string, level: Level, ext?: ReadonlyCommands): ReadOnlyProblem[] {
  const shape = commandShape(template, level);
  const problems: ReadOnlyProblem[] = [];
  for (const f of shape.findings) if (FINDING_TEXT[f.kind]) problems.push({ message: FINDING_TEXT[f.kind], offset: f.offset });
  if (shape.commands.length === 0) problems.push({ message: 'the command is empty', offset: 0 });
  for (const cmd of shape.commands) {
    const p = redirectionProblem(cmd) ?? programProblem(cmd, level, ext);
    if (p) problems.push(p);
  }
  return problems;
}

/** Names that readonly_commands may not add (they run other programs), for validation. */
export function isWrapperProgram(name: string): boolean {
  return WRAPPERS.has(name);
}

/** The built-in lists, for docs and `explain`. */
export const READ_ONLY_PROGRAMS = { cli: [...CLI_VERBS], shell: Object.keys(SHELL_PROGRAMS) };
