/** Sentinel markers that frame a command's output and exit code in a Linux shell.
 * The command line is echoed by the PTY, so markers are written split (`"FB""S_<id>"`): the echo
 * never contains the joined marker, only the shell's own output does. Uses only `printf`, quotes,
 * `;` and `$?` so minimal shells (the built-in lab) understand it. */
import { randomBytes } from 'node:crypto';
import { CappedCapture } from './capture.js';

// A random prefix per process plus a counter: unique per command and unguessable to text that
// cannot see the command line (e.g. a log line crafted to look like an end marker), without a
// CSPRNG call per command.
const MARKER_PREFIX = randomBytes(6).toString('hex');
let markerCounter = 0;

/** A fresh marker id (unique per command; never reused in a process). */
export function createMarkerId(): string {
  markerCounter += 1;
  return `${MARKER_PREFIX}${markerCounter.toString(36)}`;
}

/** The single line sent to the shell: start marker; the command; end marker with `$?`. The
 * command runs inside `eval '…'`, quoted as one word: whatever it holds — an unquoted `#`, an
 * unclosed quote, a trailing `&` — ends with the eval string and cannot comment out or swallow
 * the end marker (docs/commands.md "What the shell receives"). */
export function buildMarkedCommand(command: string, id: string): string {
  const cmd = command.trim() || ':';
  return `printf '%s\\n' "FB""S_${id}"; eval '${cmd.replace(/'/g, `'\\''`)}'; printf '%s %d\\n' "FB""E_${id}" $?`;
}

/** A line that only prints a marker, to resynchronise after Ctrl-C or a level change. */
export function buildSyncCommand(id: string): string {
  return `printf '%s\\n' "FB""R_${id}"`;
}

/** The text the sync command prints. */
export function syncMarkerOf(id: string): string {
  return `FBR_${id}\n`;
}

/** Outcome of scanning a marked command's output. */
export interface MarkedOutput {
  output: string;
  exitCode: number;
  truncated: boolean;
  /** Text after the end marker line (normally the next prompt). */
  rest: string;
}

/** Streaming parser for marked output: feed cleaned chunks; done once the end marker arrives.
 * Markers split across chunks are found because the search window spans chunk borders. */
export class MarkedOutputScanner {
  private readonly start: string;
  private readonly end: string;
  private pre = '';
  private started = false;
  private readonly capture: CappedCapture;
  private result: MarkedOutput | undefined;

  constructor(
    readonly id: string,
    capBytes: number,
  ) {
    this.start = `FBS_${id}\n`;
    this.end = `FBE_${id} `;
    this.capture = new CappedCapture(capBytes);
  }

  /** Feeds cleaned text; returns the result once complete. */
  push(text: string): MarkedOutput | undefined {
    if (this.result) return this.result;
    let incoming = text;
    if (!this.started) {
      this.pre += incoming;
      const at = this.pre.indexOf(this.start);
      if (at === -1) {
        this.pre = this.pre.slice(-8192);
        return undefined;
      }
      this.started = true;
      incoming = this.pre.slice(at + this.start.length);
      this.pre = '';
    }
    this.capture.append(incoming);
    const window = this.capture.recent(incoming.length + 64);
    const m = findEndLine(window, this.end);
    if (!m) return undefined;
    const windowStart = this.capture.isFrozen() ? -1 : this.capture.text().length - window.length;
    const before = windowStart >= 0 ? this.capture.text().slice(0, windowStart + m.index) : this.capture.text();
    const { output, truncated } = this.capture.finish(before);
    this.result = { output, exitCode: m.exitCode, truncated, rest: window.slice(m.index + m.length) };
    return this.result;
  }

  /** Output collected so far (for a timed-out command). */
  partial(): { output: string; truncated: boolean } {
    return this.capture.finish(this.capture.text());
  }
}

/** The first complete end line `<end><exit code>\n` in `text` (`end` is `FBE_<id> `), found
 * with indexOf: a RegExp per command would be compiled anew for every unique id. */
function findEndLine(text: string, end: string): { index: number; exitCode: number; length: number } | undefined {
  for (let at = text.indexOf(end); at !== -1; at = text.indexOf(end, at + 1)) {
    const from = at + end.length;
    let i = text.charCodeAt(from) === 0x2d /* - */ ? from + 1 : from;
    const digits = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i > digits && text.charCodeAt(i) === 0x0a) return { index: at, exitCode: Number(text.slice(from, i)), length: i + 1 - at };
  }
  return undefined;
}
