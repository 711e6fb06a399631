/** Output shaping for a PTY: ONLCR line ends and the garbageOutput fault's noise. */

/** Noise a real terminal stream can carry: SGR/erase CSI sequences, an OSC title ended by BEL or
 * ST, a DCS string (tmux passthrough, terminal queries) with its payload, a lone BEL and a NUL.
 * Never inserted into prompts or echo, so stripping them restores the text. */
const NOISE = ['\x1b[0m', '\x07', '\x1b[K', '\x1b]0;lab\x07', '\x00', '\x1b[1;32m', '\x1bP+q544e\x1b\\', '\x1b]2;title: lab\x1b\\'];

/** Converts `\n` to `\r\n` as the PTY's ONLCR does. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Mixes noise into an output: at the start of every other line and before some line ends. */
export function addNoise(text: string, seed: number): string {
  let n = seed;
  return text.replace(/(^|\r\n)/g, (m) => {
    n++;
    return n % 2 === 0 ? `${m}${NOISE[n % NOISE.length]}` : m;
  });
}
