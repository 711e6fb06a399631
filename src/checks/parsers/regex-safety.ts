/**
 * Playbook regexes (`parse: regex`, `matches`, `not_matches`, `count.pattern`) run in V8's
 * backtracking engine, where some shapes take exponential or cubic time on a hostile line. The
 * conservative rule of docs/faults.md "Playbook regexes" refuses those shapes at validate:
 *
 * 1. a group repeated without bound (`*`, `+`, `{n,}`) that holds a quantifier or an `|`:
 *    `(a+)+`, `(.*)*`, `(a|ab)*` — and an `|` under any repetition (`(?:a|b){2}`);
 * 2. a backreference (`\1`, `\k<name>`);
 * 3. two unbounded quantifiers that can match the same character with nothing between them
 *    but optional items or items they can also match: `\s*(.*?)\s*`, `.*x.*`, `\d+\d*`;
 * 4. an unbounded quantifier inside a lookaround: `(?=.*x)`;
 * 5. an unbounded quantifier, followed by more pattern, that can match a character a match can
 *    start with: `x.*y`, `\w+\s+\w+`, `\d+ packets` — each start position would re-scan the
 *    same run — unless the pattern starts with `^` and the quantified part cannot match a line
 *    end (then each line is scanned once): `^x.*y`, `^[^\d\n]*(?<n>\d+) packets`.
 *
 * What passes is linear; the text a playbook regex reads is also bounded
 * (PLAYBOOK_REGEX_MAX_BYTES).
 * Characters are compared on a sample (ASCII and a few others), which is enough to tell `\s`
 * from `\d` or `[^x]` from `x`.
 */

/** The most text one playbook regex reads (docs/faults.md): longer text makes the check `error`. */
export const PLAYBOOK_REGEX_MAX_BYTES = 64 * 1024;

/** Says why a longer text is not read, or undefined when it fits. */
export function regexInputTooLong(text: string): string | undefined {
  if (text.length <= PLAYBOOK_REGEX_MAX_BYTES) return undefined;
  return `the text is ${text.length} characters; a playbook regex reads at most ${PLAYBOOK_REGEX_MAX_BYTES} (docs/faults.md "Playbook regexes"): narrow the command (grep, head) or use a built-in parser`;
}

const SAMPLE = [...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)), '\u00a0', '\u00e9', '\u0130', '\u017f', '\u2028', '\u212a', '\u4e2d', '\ufeff'];

type CharSet = boolean[];

interface Item {
  /** Characters the item can match anywhere inside it. */
  set: CharSet;
  min: number;
  max: number;
  /** A group: its alternatives (each a sequence). */
  alts?: Item[][];
  lookaround?: boolean;
  zeroWidth?: boolean;
  backref?: boolean;
}

const none = (): CharSet => SAMPLE.map(() => false);
const union = (sets: CharSet[]): CharSet => SAMPLE.map((_, i) => sets.some((s) => s[i]));
const overlap = (a: CharSet, b: CharSet): boolean => a.some((x, i) => x && b[i]);

class Reader {
  i = 0;
  constructor(
    readonly src: string,
    readonly flags: string,
  ) {}

  setOf(atom: string): CharSet {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${atom})$`, this.flags.replace(/[gmy]/g, ''));
    } catch {
      return SAMPLE.map(() => true);
    }
    return SAMPLE.map((c) => re.test(c));
  }

  alternatives(): Item[][] {
    const alts: Item[][] = [[]];
    while (this.i < this.src.length && this.src[this.i] !== ')') {
      if (this.src[this.i] === '|') {
        this.i++;
        alts.push([]);
        continue;
      }
      const item = this.atom();
      this.quantifier(item);
      alts[alts.length - 1].push(item);
    }
    return alts;
  }

  atom(): Item {
    const s = this.src;
    const start = this.i;
    const c = s[this.i++];
    if (c === '(') {
      let lookaround = false;
      if (s.startsWith('?:', this.i)) this.i += 2;
      else if (s.startsWith('?=', this.i) || s.startsWith('?!', this.i)) (this.i += 2), (lookaround = true);
      else if (s.startsWith('?<=', this.i) || s.startsWith('?<!', this.i)) (this.i += 3), (lookaround = true);
      else if (s.startsWith('?<', this.i)) this.i = s.indexOf('>', this.i) + 1;
      const alts = this.alternatives();
      this.i++; // ')'
      return { set: union(alts.flat().map((x) => x.set)), min: 1, max: 1, alts, lookaround, zeroWidth: lookaround };
    }
    if (c === '^' || c === '$') return { set: none(), min: 1, max: 1, zeroWidth: true };
    if (c === '[') {
      // JavaScript, unlike POSIX: `[]` is an empty class and `[^]` any character.
      if (s[this.i] === '^') this.i++;
      while (this.i < s.length && s[this.i] !== ']') this.i += s[this.i] === '\\' ? 2 : 1;
      this.i++;
      return { set: this.setOf(s.slice(start, this.i)), min: 1, max: 1 };
    }
    if (c === '\\') {
      const e = s[this.i++];
      if (e === 'b' || e === 'B') return { set: none(), min: 1, max: 1, zeroWidth: true };
      if (/[1-9]/.test(e) || (e === 'k' && s[this.i] === '<')) return { set: SAMPLE.map(() => true), min: 1, max: 1, backref: true };
      if (e === 'u' && s[this.i] === '{') this.i = s.indexOf('}', this.i) + 1;
      else if (e === 'u') this.i += 4;
      else if (e === 'x') this.i += 2;
      else if (e === 'c') this.i += 1;
      else if ((e === 'p' || e === 'P') && s[this.i] === '{' && /[uv]/.test(this.flags)) this.i = s.indexOf('}', this.i) + 1;
      return { set: this.setOf(s.slice(start, this.i)), min: 1, max: 1 };
    }
    return { set: this.setOf(c === '.' ? '.' : s.slice(start, this.i).replace(/[{}]/, '\\$&')), min: 1, max: 1 };
  }

  quantifier(item: Item): void {
    const s = this.src;
    const q = /^(?:([*+?])|\{(\d+)(,(\d*))?\})/.exec(s.slice(this.i, this.i + 24));
    if (!q) return;
    this.i += q[0].length;
    if (s[this.i] === '?') this.i++;
    if (q[1]) [item.min, item.max] = q[1] === '*' ? [0, Infinity] : q[1] === '+' ? [1, Infinity] : [0, 1];
    else [item.min, item.max] = [Number(q[2]), q[3] === undefined ? Number(q[2]) : q[4] === '' ? Infinity : Number(q[4])];
  }
}

const unbounded = (item: Item): boolean => item.max === Infinity || (item.alts ?? []).some((a) => a.some(unbounded));
const nullable = (item: Item): boolean => item.zeroWidth === true || item.min === 0 || (item.alts !== undefined && item.alts.some((a) => a.every(nullable)));
const repeats = (item: Item): boolean => item.max > 1 || (item.alts ?? []).some((a) => a.some(repeats));

/** Rule 3 over one sequence: groups that are neither repeated nor alternatives are read inline. */
function adjacent(seq: Item[], open: CharSet[]): string | undefined {
  for (const item of seq) {
    if (item.zeroWidth) continue;
    if (item.alts && item.max === 1 && item.alts.length === 1) {
      const inner = adjacent(item.alts[0], open);
      if (inner) return inner;
      continue;
    }
    if (item.alts && item.max === 1) {
      for (const alt of item.alts) {
        const inner = adjacent(alt, [...open]);
        if (inner) return inner;
      }
    }
    if (unbounded(item) && open.some((o) => overlap(o, item.set))) return 'two unbounded quantifiers next to each other can match the same characters (like \\s*(.*?)\\s* or .*x.*)';
    if (!nullable(item)) open.splice(0, open.length, ...open.filter((o) => overlap(o, item.set)));
    if (unbounded(item)) open.push(item.set);
  }
  return undefined;
}

function nested(seq: Item[]): string | undefined {
  for (const item of seq) {
    if (item.backref) return 'a backreference (\\1, \\k<name>)';
    if (!item.alts) continue;
    if (item.lookaround && item.alts.some((a) => a.some(unbounded))) return 'an unbounded quantifier inside a lookaround (like (?=.*x))';
    if (item.max > 1 && item.alts.length > 1) return 'an alternation under a quantifier (like (a|b)*): use a character class';
    if (item.max === Infinity && item.alts.some((a) => a.some(repeats))) return 'a quantifier inside a group repeated without bound (like (a+)+ or (.*)*)';
    for (const alt of item.alts) {
      const inner = nested(alt);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Characters a match of the sequence can start with (zero-width items skipped). */
function firstSet(seq: Item[]): CharSet {
  const sets: CharSet[] = [];
  for (const item of seq) {
    if (item.zeroWidth) continue;
    sets.push(item.alts && item.max === 1 ? union(item.alts.map(firstSet)) : item.set);
    if (!nullable(item)) break;
  }
  return union(sets);
}

/** Rule 5 over one top-level alternative. Items are read inline through plain groups. */
function rescans(seq: Item[], start: CharSet, anchored: boolean): string | undefined {
  const flat: Item[] = [];
  const inline = (items: Item[]) => {
    for (const it of items) (it.alts && it.max === 1 && !it.lookaround ? it.alts.length === 1 ? inline(it.alts[0]) : flat.push(it) : flat.push(it));
  };
  inline(seq);
  const newline = SAMPLE.indexOf('\n');
  for (const [i, item] of flat.entries()) {
    if (!unbounded(item) || item.lookaround || !overlap(item.set, start)) continue;
    // Nothing after it that can fail: the first start that reaches it matches.
    if (flat.slice(i + 1).every((x) => !x.zeroWidth && nullable(x))) continue;
    if (anchored && !item.set[newline]) continue;
    return 'an unbounded quantifier that can match how a match starts, with more pattern after it (like x.*y or \\w+\\s+\\w+): every start position re-scans the same run — start the pattern with ^ (and then repeat no class that matches a line end: [ \\t]* rather than \\s*), or repeat a class that excludes the first character (Version\\s+\\d+, [^x]*)';
  }
  return undefined;
}

/** Why a (valid) regex has a shape that can take super-linear time, or undefined when it has none. */
export function slowRegexReason(source: string, flags = ''): string | undefined {
  const reader = new Reader(source, flags);
  const alts = reader.alternatives();
  const start = union(alts.map(firstSet));
  for (const alt of alts) {
    const anchored = alt[0]?.zeroWidth === true && !alt[0].alts && source[0] === '^';
    const why = nested(alt) ?? adjacent(alt, []) ?? rescans(alt, start, anchored && alts.length === 1);
    if (why) return why;
  }
  return undefined;
}
