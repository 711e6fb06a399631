/**
 * What each program may do in a read-only step: the allow-lists of programs and CLISH verbs,
 * their option and operand rules, and what `readonly_commands` may never add. read-only.ts
 * judges a parsed line with these rules and renders it. Why each program is (or is not) here:
 * docs/commands.md.
 */
import type { ReadonlyCommands } from '../model/playbook.js';
import { HOLE } from './programs.js';
import { isOfType } from './value-types.js';

/** A refusal at a character offset of the template. */
export interface ReadOnlyProblem {
  message: string;
  offset: number;
}

/** A word as judged: `text` holds HOLE for an unknown value (validate) or the filled value (run
 * time); `shown` writes holes as `{{path}}`, for messages (never a value: it may be a secret). */
export interface JudgedWord {
  text: string;
  shown: string;
  holes: number;
  offset: number;
}

interface ProgramRule {
  /** `any`: the program has no option that writes or runs something. Otherwise an allow-list,
   * matched exactly (no abbreviation of long options): `flags` take no argument, `withArg` take
   * one (`-m 20`, `-m20`, `--max-time=20`), `attached` take an optional one written in the same
   * word only (lsof `-i`, `-i:443`). */
  options: 'any' | { flags: readonly string[]; withArg?: readonly string[]; attached?: readonly string[] };
  /** Checks the operands and option values; returns a refusal or undefined. */
  operands?(words: JudgedWord[], values: OptionValue[]): ReadOnlyProblem | string | undefined;
}

interface OptionValue {
  option: string;
  word: JudgedWord;
}

const ANY: ProgramRule = { options: 'any' };
const NO_OPERANDS = (w: JudgedWord[]) => (w.length > 0 ? `takes no operand here ('${w[0].shown}' would change the setting)` : undefined);

/** An http(s) URL, judged on the filled value; at validate a word that begins with a hole is
 * left to the run-time judgement, any other must already begin with http:// or https://. */
function urlProblem(w: JudgedWord, what: string): ReadOnlyProblem | undefined {
  const ok = w.text.includes(HOLE) ? w.text.startsWith(HOLE) || /^https?:\/\/[^\s]/i.test(w.text) : isOfType('url', w.text);
  return ok ? undefined : { message: `curl ${what} '${w.shown}' must be an http:// or https:// URL: other schemes (file://, gopher://, dict://…) read files or send data`, offset: w.offset };
}

const ARITHMETIC = new Set(['-eq', '-ne', '-lt', '-le', '-gt', '-ge']);

/** test / [: bash evaluates an array subscript in the operand of `-v` (and `-R`), and some
 * shells evaluate arithmetic in comparison operands: refused, or operands must be numbers. */
function testProblem(words: JudgedWord[]): ReadOnlyProblem | undefined {
  for (let k = 0; k < words.length; k++) {
    const w = words[k];
    if (w.text === '-v' || w.text === '-R') return { message: `test ${w.text} is refused: bash evaluates its operand (an array subscript can run a command)`, offset: w.offset };
    if (ARITHMETIC.has(w.text)) {
      for (const n of [words[k - 1], words[k + 1]]) {
        if (n && !n.text.includes(HOLE) && !/^-?\d+$/.test(n.text)) return { message: `test ${w.text} compares numbers: '${n.shown}' must be a number (some shells evaluate it as arithmetic)`, offset: n.offset };
      }
    }
  }
  return undefined;
}

/** printf: the format is written in the playbook and converts text only (`%d` is arithmetic in zsh). */
function printfProblem(words: JudgedWord[]): ReadOnlyProblem | undefined {
  const [format] = words;
  if (!format) return undefined;
  if (format.holes > 0) return { message: 'the printf format must be written in the playbook, not come from a variable', offset: format.offset };
  const bad = /%(?!%)[-+ #0-9.]*(?![sbc])./.exec(format.text.replace(/%%/g, ''));
  return bad ? { message: `printf conversion '${bad[0]}' is refused (numeric conversions evaluate arithmetic in some shells); use %s`, offset: format.offset } : undefined;
}

/** Shell programs that only read (levels expert and root). */
const SHELL_PROGRAMS: Record<string, ProgramRule> = {
  cat: ANY, head: ANY, tail: ANY, grep: ANY, egrep: ANY, fgrep: ANY, wc: ANY, cut: ANY, tr: ANY,
  ls: ANY, stat: ANY, df: ANY, du: ANY, readlink: ANY, basename: ANY, dirname: ANY, md5sum: ANY, sha256sum: ANY,
  echo: { options: { flags: ['-n', '-e', '-E'] } },
  printf: { options: { flags: [] }, operands: printfProblem }, // `printf -v NAME` would set a shell variable (PS1…)
  test: ANY, '[': ANY, // operators are checked by testProblem
  true: ANY, false: ANY, pwd: ANY, sleep: ANY,
  uname: ANY, id: ANY, whoami: ANY, uptime: ANY, free: ANY, ps: ANY,
  netstat: ANY, nslookup: ANY, dig: ANY, host: ANY, ping: ANY, traceroute: ANY,
  // -K/--kill closes sockets, -D/--diag writes a file, -N enters a namespace: not listed.
  ss: {
    options: {
      flags: ['-n', '-r', '-a', '-l', '-o', '-e', '-m', '-p', '-i', '-s', '-Z', '-z', '-b', '-4', '-6', '-0', '-t', '-u', '-d', '-w', '-x', '-S', '-H', '-O', '--numeric', '--resolve', '--all', '--listening', '--options', '--extended', '--memory', '--processes', '--info', '--summary', '--context', '--contexts', '--bpf', '--ipv4', '--ipv6', '--packet', '--tcp', '--udp', '--dccp', '--raw', '--unix', '--sctp', '--no-header', '--oneline'],
      withArg: ['-f', '--family', '-A', '--query', '--socket'],
    },
  },
  // -D writes lsof's device cache file; `+` options (+m writes a mount supplement) are refused.
  lsof: {
    options: { flags: ['-n', '-P', '-l', '-t', '-a', '-U', '-w', '-b', '-N', '-R', '-V', '-X'], withArg: ['-p', '-c', '-u', '-g', '-d'], attached: ['-i', '-s'] },
    operands: (w) => {
      const plus = w.find((x) => x.text.startsWith('+'));
      return plus ? `option '${plus.shown}' is not on the read-only list` : undefined;
    },
  },
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
    operands: (w, values) => {
      for (const x of w) {
        const p = urlProblem(x, 'URL operand');
        if (p) return p;
      }
      for (const v of values) {
        if (['--url', '-x', '--proxy'].includes(v.option)) {
          const p = urlProblem(v.word, `${v.option} value`);
          if (p) return p;
        }
        if ((v.option === '-H' || v.option === '--header') && v.word.text.startsWith('@')) return { message: `curl ${v.option} @file sends a file's content; write the header itself`, offset: v.word.offset };
      }
      return undefined;
    },
  },
  pmtool: { options: { flags: [] }, operands: (w) => (w.length !== 1 || w[0].text.toLowerCase() !== 'status' ? "is allowed only as 'pmtool status' (the other sub-commands change processes)" : undefined) },
};

/** CLISH verbs that only read (level cli). */
export const CLI_VERBS = new Set(['show', 'ping', 'traceroute', 'sftunnel-status', 'sftunnel-status_brief', 'sftunnel-status-brief']);

/** Programs that run another program: never allowed in a read-only step, not even by extension. */
const WRAPPERS = new Set(['sudo', 'su', 'doas', 'runuser', 'sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'csh', 'tcsh', 'fish', 'busybox', 'env', 'xargs', 'nohup', 'exec', 'eval', 'command', 'builtin', 'time', 'timeout', 'nice', 'ionice', 'chroot', 'setsid', 'stdbuf', 'watch', 'strace', 'ltrace', 'script', 'expect', 'parallel', '.', 'source', 'perl', 'python', 'python2', 'python3', 'flock', 'setpriv', 'unshare', 'nsenter', 'systemd-run', 'pkexec', 'ssh', 'taskset', 'chrt', 'prlimit', 'capsh', 'firejail', 'faketime', 'gdb', 'let', 'trap', 'alias']);

/** Programs `readonly_commands` may not add either: interpreters and editors that run code or
 * write, and programs that write files, change the system or send data elsewhere. */
const NEVER_READ_ONLY = new Set([
  'awk', 'gawk', 'mawk', 'nawk', 'sed', 'ruby', 'php', 'lua', 'node', 'tclsh', 'wish', 'jq', 'bc', 'dc',
  'vi', 'vim', 'view', 'ex', 'ed', 'nano', 'emacs', 'less', 'more', 'most', 'man',
  'rm', 'rmdir', 'unlink', 'tee', 'dd', 'cp', 'mv', 'ln', 'install', 'touch', 'mkdir', 'mknod', 'mkfifo', 'truncate', 'shred',
  'chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'setcap', 'tar', 'cpio', 'zip', 'unzip', 'gzip', 'gunzip', 'bzip2', 'xz', 'split', 'csplit', 'patch',
  'scp', 'sftp', 'rsync', 'wget', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'tftp', 'openssl', 'sqlite3', 'mysql', 'psql',
  'kill', 'pkill', 'killall', 'systemctl', 'service', 'reboot', 'shutdown', 'halt', 'poweroff', 'init', 'telinit', 'mount', 'umount',
  'ip', 'ifconfig', 'route', 'iptables', 'ip6tables', 'nft', 'tc', 'sysctl', 'modprobe', 'insmod', 'rmmod', 'crontab', 'at', 'batch',
  'useradd', 'userdel', 'usermod', 'passwd', 'chpasswd', 'visudo', 'sudoedit', 'git', 'make', 'tmux', 'screen', 'logger', 'wall', 'write',
]);

/** CLISH verbs `readonly_commands` may not add: they change the device or leave the CLI. */
const NEVER_READ_ONLY_CLI = new Set(['configure', 'system', 'expert', 'capture', 'capture-traffic', 'clear', 'reboot', 'shutdown', 'restore', 'upgrade', 'delete', 'copy']);

/** find predicates that only read (no -delete, -exec, -execdir, -ok, -fprint…). */
const FIND_READ = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type', '-xtype', '-maxdepth', '-mindepth', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-size', '-user', '-group', '-uid', '-gid', '-perm', '-links', '-empty', '-readable', '-writable', '-executable', '-print', '-print0', '-printf', '-ls', '-prune', '-quit', '-not', '-a', '-o', '-and', '-or', '-true', '-false', '-xdev', '-mount', '-follow', '-depth', '-samefile', '-inum', '-nouser', '-nogroup', '-H', '-L', '-P']);

/** find predicates followed by an argument (`-mtime -1`: the `-1` is not a predicate). */
const FIND_WITH_ARG = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type', '-xtype', '-maxdepth', '-mindepth', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-size', '-user', '-group', '-uid', '-gid', '-perm', '-links', '-printf', '-samefile', '-inum']);

const OPTION_HOLE = 'a {{variable}} inside an option word is refused: write the option in the playbook, the value as its own word';

/** Checks options against a rule; returns the refusal, the operands and the option values. */
function splitOptions(program: string, rule: ProgramRule, args: JudgedWord[]): { problem?: ReadOnlyProblem; operands: JudgedWord[]; values: OptionValue[] } {
  const operands: JudgedWord[] = [];
  const values: OptionValue[] = [];
  const allowed = rule.options === 'any' ? undefined : rule.options;
  const refuse = (w: JudgedWord, opt: string) => ({
    problem: {
      message: `${program} option '${opt}' is not on the read-only list${allowed ? ` (allowed: ${[...allowed.flags, ...(allowed.withArg ?? []), ...(allowed.attached ?? [])].join(' ') || 'none'})` : ''}`,
      offset: w.offset,
    },
    operands,
    values,
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
    if (w.holes > 0) return { problem: { message: OPTION_HOLE, offset: w.offset }, operands, values };
    if (!allowed) continue;
    const next = (option: string) => {
      const v = args[k + 1];
      if (v) values.push({ option, word: v });
      k++;
    };
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t : t.slice(0, eq);
      if (allowed.flags.includes(name) && eq < 0) continue;
      if (allowed.withArg?.includes(name)) {
        if (eq < 0) next(name);
        else values.push({ option: name, word: { ...w, text: t.slice(eq + 1), shown: w.shown.slice(eq + 1) } });
        continue;
      }
      return refuse(w, name);
    }
    for (let c = 1; c < t.length; c++) {
      const opt = `-${t[c]}`;
      if (allowed.flags.includes(opt)) continue;
      if (allowed.attached?.includes(opt)) break;
      if (allowed.withArg?.includes(opt)) {
        if (c === t.length - 1) next(opt);
        else values.push({ option: opt, word: { ...w, text: t.slice(c + 1), shown: w.shown.slice(c + 1) } });
        break;
      }
      return refuse(w, opt);
    }
  }
  return { operands, values };
}

function findProblem(args: JudgedWord[]): ReadOnlyProblem | undefined {
  const bad = args.find((w, k) => w.text.startsWith('-') && (w.holes > 0 || !FIND_READ.has(w.text)) && !(k > 0 && FIND_WITH_ARG.has(args[k - 1].text)));
  if (bad?.holes) return { message: OPTION_HOLE, offset: bad.offset };
  return bad ? { message: `find ${bad.shown} is not on the read-only list (find only reads with -name, -type, -print, -ls…; -delete, -exec, -ok, -fprint write or run programs)`, offset: bad.offset } : undefined;
}

/** The program rule for a shell command of judged words; `ext` adds programs (any options). */
export function shellProgramProblem(words: JudgedWord[], offset: number, ext: ReadonlyCommands | undefined): ReadOnlyProblem | undefined {
  const [first, ...args] = words;
  if (!first) return { message: 'a redirection without a program', offset };
  if (first.holes > 0) return { message: 'the program must be written in the playbook, not come from a variable', offset: first.offset };
  const name = first.text;
  if (WRAPPERS.has(name)) return { message: `'${name}' runs another program, which a read-only step cannot check${name === 'sudo' || name === 'su' ? '; use level: root for root commands' : ''}`, offset: first.offset };
  const rule = Object.prototype.hasOwnProperty.call(SHELL_PROGRAMS, name) ? SHELL_PROGRAMS[name] : undefined;
  if (!rule) {
    if (ext?.shell?.includes(name) && !refusedExtension('shell', name)) {
      const hole = args.find((w) => w.holes > 0 && w.text.startsWith('-'));
      return hole ? { message: OPTION_HOLE, offset: hole.offset } : undefined;
    }
    return { message: `'${name}' is not on the read-only list of programs for collect and capture steps`, offset: first.offset };
  }
  if (name === 'find') return findProblem(args);
  if (name === 'test' || name === '[') {
    const hole = args.find((w) => w.holes > 0 && w.text.startsWith('-'));
    return hole ? { message: OPTION_HOLE, offset: hole.offset } : testProblem(args);
  }
  const { problem, operands, values } = splitOptions(name, rule, args);
  if (problem) return problem;
  const bad = rule.operands?.(operands, values);
  if (bad === undefined) return undefined;
  return typeof bad === 'string' ? { message: `${name} ${bad}`, offset: operands[0]?.offset ?? first.offset } : bad;
}

/** Why `readonly_commands` may not add a name (undefined: it may, with a warning). */
export function refusedExtension(level: 'cli' | 'shell', name: string): string | undefined {
  if (level === 'cli') {
    if (NEVER_READ_ONLY_CLI.has(name)) return 'it changes the device or leaves the CLI';
    if (CLI_VERBS.has(name)) return 'it is already on the read-only list';
    return /^[A-Za-z0-9_-]+$/.test(name) ? undefined : 'it is not a CLI verb';
  }
  if (WRAPPERS.has(name)) return 'it runs another program, which a read-only step cannot check';
  if (NEVER_READ_ONLY.has(name)) return 'it can write files, run programs or change the system';
  if (Object.prototype.hasOwnProperty.call(SHELL_PROGRAMS, name)) return 'it is already on the read-only list, with its own option rules';
  return /^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name) ? undefined : 'it is not a program name (letters, digits, . _ + -; no path)';
}

/** The built-in lists, for docs and `explain`. */
export const READ_ONLY_PROGRAMS = { cli: [...CLI_VERBS], shell: Object.keys(SHELL_PROGRAMS), wrappers: [...WRAPPERS], never: [...NEVER_READ_ONLY], neverCli: [...NEVER_READ_ONLY_CLI] };
