/** File readers and filters: cat/more/less, head, tail, grep, wc — on lab files or pipe input. */
import type { CommandContext, CommandImpl } from './shell-context.js';
import { resolvePath } from './shell-context.js';
import { BINARY_PATH, HUGE_LOG_PATH, readLabFile, renderBinary } from './files.js';
import { renderHugeLog } from './files.js';

const CHUNK_BYTES = 64 * 1024;

/** Splits options from operands (`-n 5`, `-n5`, `-5`, combined `-Eiv`). */
function splitArgs(args: string[], withValue: string[]): { flags: Map<string, string>; operands: string[] } {
  const flags = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { operands.push(...args.slice(i + 1)); break; }
    if (/^-\d+$/.test(a)) { flags.set('n', a.slice(1)); continue; }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (withValue.includes(f)) {
          flags.set(f, a.slice(j + 1) || args[++i] || '');
          break;
        }
        flags.set(f, '');
      }
      continue;
    }
    operands.push(a);
  }
  return { flags, operands };
}

/** Reads each operand (or stdin); reports missing files as `<cmd>: <f>: No such file or directory`. */
function readInputs(ctx: CommandContext, name: string, operands: string[]): { texts: Array<{ name: string; text: string }>; status: number } {
  if (operands.length === 0) return { texts: [{ name: '(standard input)', text: ctx.stdin ?? '' }], status: 0 };
  const texts: Array<{ name: string; text: string }> = [];
  let status = 0;
  for (const op of operands) {
    const text = op === '-' ? (ctx.stdin ?? '') : readLabFile(ctx.term.device, resolvePath(ctx.shell, op));
    if (text === undefined) {
      ctx.io.err(`${name}: ${op}: No such file or directory\n`);
      status = name === 'grep' ? 2 : 1;
    } else texts.push({ name: op, text });
  }
  return { texts, status };
}

function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const cat: CommandImpl = async (ctx) => {
  const { operands } = splitArgs(ctx.args, []);
  const hugeBytes = ctx.term.device.profile.faults.hugeOutputBytes;
  let status = 0;
  for (const op of operands.length ? operands : ['-']) {
    const path = op === '-' ? '' : resolvePath(ctx.shell, op);
    const binaryBytes = ctx.term.device.profile.faults.binaryOutputBytes;
    if (path === BINARY_PATH && binaryBytes !== undefined) {
      // Raw, as `cat` of a binary file on a real PTY (the PTY adds CR before LF: ONLCR).
      const raw = renderBinary(binaryBytes);
      const crlf: number[] = [];
      for (const b of raw) b === 0x0a ? crlf.push(0x0d, 0x0a) : crlf.push(b);
      ctx.term.writeBytes(Buffer.from(crlf));
      continue;
    }
    if (path === HUGE_LOG_PATH && hugeBytes !== undefined && !ctx.term.device.writtenFiles.has(path)) {
      // Stream in chunks so a huge output never sits whole in the channel's buffer.
      const text = renderHugeLog(hugeBytes);
      for (let i = 0; i < text.length; i += CHUNK_BYTES) {
        ctx.io.out(text.slice(i, i + CHUNK_BYTES));
        await ctx.term.drain();
      }
      continue;
    }
    const { texts, status: s } = readInputs(ctx, 'cat', [op]);
    status ||= s;
    for (const t of texts) ctx.io.out(t.text);
  }
  return status;
};

const head: CommandImpl = (ctx) => {
  const { flags, operands } = splitArgs(ctx.args, ['n']);
  const n = Number.parseInt(flags.get('n') ?? '10', 10);
  const { texts, status } = readInputs(ctx, 'head', operands);
  for (const t of texts) for (const l of linesOf(t.text).slice(0, n)) ctx.io.out(l + '\n');
  return status;
};

const tail: CommandImpl = (ctx) => {
  const { flags, operands } = splitArgs(ctx.args, ['n']);
  const spec = flags.get('n') ?? '10';
  const { texts, status } = readInputs(ctx, 'tail', operands);
  for (const t of texts) {
    const lines = linesOf(t.text);
    const picked = spec.startsWith('+') ? lines.slice(Number(spec.slice(1)) - 1) : lines.slice(Math.max(0, lines.length - Number(spec)));
    for (const l of picked) ctx.io.out(l + '\n');
  }
  return status;
};

/** Translates a POSIX basic regular expression into a JS one (`\|`, `\(`… are the operators). */
export function translateBre(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const d = pattern[++i];
      out += '|(){}+?'.includes(d) ? d : `\\${d}`;
    } else out += '|(){}+?'.includes(c) ? `\\${c}` : c;
  }
  return out;
}

const grep: CommandImpl = (ctx) => {
  const { flags, operands } = splitArgs(ctx.args, ['e', 'm']);
  const pattern = flags.get('e') ?? operands.shift();
  if (pattern === undefined) {
    ctx.io.err('Usage: grep [OPTION]... PATTERNS [FILE]...\n');
    return 2;
  }
  let source = flags.has('F') ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : flags.has('E') ? pattern : translateBre(pattern);
  if (flags.has('w')) source = `\\b(?:${source})\\b`;
  let re: RegExp;
  try {
    re = new RegExp(source, flags.has('i') ? 'i' : '');
  } catch {
    ctx.io.err('grep: Invalid regular expression\n');
    return 2;
  }
  const { texts, status } = readInputs(ctx, 'grep', operands);
  let matched = 0;
  const multi = texts.length > 1;
  for (const t of texts) {
    let count = 0;
    linesOf(t.text).forEach((line, idx) => {
      if (re.test(line) === flags.has('v')) return;
      count++;
      if (flags.has('c') || flags.has('q')) return;
      ctx.io.out(`${multi ? t.name + ':' : ''}${flags.has('n') ? `${idx + 1}:` : ''}${line}\n`);
    });
    if (flags.has('c') && !flags.has('q')) ctx.io.out(`${multi ? t.name + ':' : ''}${count}\n`);
    matched += count;
  }
  if (status !== 0 && matched === 0) return status;
  return matched > 0 ? 0 : 1;
};

const wc: CommandImpl = (ctx) => {
  const { flags, operands } = splitArgs(ctx.args, []);
  const { texts, status } = readInputs(ctx, 'wc', operands);
  for (const t of texts) {
    const counts: number[] = [];
    const all = !flags.has('l') && !flags.has('w') && !flags.has('c');
    if (all || flags.has('l')) counts.push((t.text.match(/\n/g) ?? []).length);
    if (all || flags.has('w')) counts.push(t.text.split(/\s+/).filter(Boolean).length);
    if (all || flags.has('c')) counts.push(Buffer.byteLength(t.text));
    const name = operands.length ? ` ${t.name}` : '';
    ctx.io.out(counts.map((c) => (counts.length > 1 ? String(c).padStart(7) : String(c))).join(' ') + name + '\n');
  }
  return status;
};

/** name → implementation. */
export const TEXT_TOOLS: Record<string, CommandImpl> = { cat, more: cat, less: cat, head, tail, grep, egrep: (ctx) => grep({ ...ctx, args: ['-E', ...ctx.args] }), wc };
