/** Proof, on REAL bash, dash and zsh behind a real sshd, that a read-only step's shell receives
 * exactly the words check mode judged (docs/commands.md "What the shell receives"): stand-in
 * programs first in PATH record their argv (NUL-separated); for generated templates that
 * validate accepts and generated values, the recorded argv equal the analyser's words, and no
 * file appears outside the test's own output. Plus the payloads of issue 17 as regressions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SshConnector } from '../../src/transport/index.js';
import type { DeviceSession } from '../../src/model/transport.js';
import { TemplateError } from '../../src/command/template-error.js';
import { prepareReadOnly, readOnlyProblems } from '../../src/command/read-only.js';
import { SHELLS, requireSshd, sshdMode, startSshd, type ShellKind, type SshdHandle } from './sshd-harness.js';
import { requireProgram } from '../support/requires.js';

const SSHD = requireSshd();
const MODE = SSHD ? sshdMode() : 'ports';
const KINDS: ShellKind[] = ['bash', 'dash', 'zsh'];
/** Stand-ins: programs of the read-only list that no shell has as a builtin. */
const PROGRAMS = ['cat', 'head', 'grep', 'wc', 'cut', 'ls', 'stat', 'md5sum', 'sort', 'curl', 'nslookup'];

let sshd: SshdHandle;
let work: string; // the test's own directory: bin/ (stand-ins), rec/ (argv records), cwd/, input
let rec: string;
let cwd: string;
let pwn: string;
const sessions = new Map<ShellKind, DeviceSession>();

function hasShell(kind: ShellKind): boolean {
  return SSHD !== undefined && requireProgram(`test/sshd ${kind} login`, SHELLS[kind].program, SHELLS[kind].install) !== undefined;
}

beforeAll(async () => {
  if (!SSHD) return;
  sshd = await startSshd(MODE);
  work = mkdtempSync(join(tmpdir(), 'firebook-argv-'));
  chmodSync(work, 0o755);
  const bin = join(work, 'bin');
  rec = join(work, 'rec');
  cwd = join(work, 'cwd');
  pwn = join(work, 'pwn');
  for (const d of [bin, rec, cwd]) {
    mkdirSync(d);
    chmodSync(d, d === bin ? 0o755 : 0o777);
  }
  writeFileSync(join(work, 'input'), 'x\n');
  chmodSync(join(work, 'input'), 0o644);
  // The stand-in: its name and arguments, NUL-separated, one record file per run.
  const standIn = `#!/bin/sh\nf=$(mktemp '${rec}/r.XXXXXXXX') || exit 0\nprintf '%s\\0' "\${0##*/}" "$@" > "$f"\nexit 0\n`;
  for (const p of PROGRAMS) {
    writeFileSync(join(bin, p), standIn);
    chmodSync(join(bin, p), 0o755);
  }
  const known = join(work, 'known_hosts');
  writeFileSync(known, sshd.knownHostsText());
  for (const kind of KINDS) {
    const ep = hasShell(kind) ? sshd.endpoint(kind) : undefined;
    if (!ep) continue;
    const auth = ep.password !== undefined ? { password: ep.password } : { privateKeyFile: ep.privateKeyFile, passphrase: ep.passphrase };
    const c = new SshConnector({ knownHostsFile: known, hostKeyPolicy: 'strict', connectRetries: 0 });
    const s = await c.connect({ name: `argv-${kind}`, address: '127.0.0.1', port: ep.port, user: ep.user, ...auth, platform: 'linux', connectTimeoutMs: 10_000, commandTimeoutMs: 10_000, hostTimeoutMs: 600_000 });
    // Set up by the test, not by a step: the stand-ins first in PATH, a fresh empty cwd.
    await s.run(`PATH='${bin}':"$PATH"; export PATH; cd '${cwd}'`, s.facts.loginLevel === 'root' ? 'root' : 'expert');
    sessions.set(kind, s);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([...sessions.values()].map((s) => s.close()));
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The argv records written since the last call (each a list of words), removed. */
function takeRecords(): string[][] {
  const out: string[][] = [];
  for (const f of readdirSync(rec)) {
    const text = readFileSync(join(rec, f), 'utf8');
    out.push(text.split('\0').slice(0, -1));
    rmSync(join(rec, f));
  }
  return out;
}

/** validate accepts the template for check mode. */
function accepted(template: string): boolean {
  try {
    return readOnlyProblems(template, 'expert').length === 0;
  } catch {
    return false; // not in the command language (e.g. a quoted '{{')
  }
}

const sorted = (list: string[][]) => list.map((a) => JSON.stringify(a)).sort();

/** Runs a template with values on a shell; returns the argv judged and the argv received. */
async function runOn(kind: ShellKind, template: string, values: Record<string, unknown>): Promise<{ judged: string[][]; received: string[][]; line: string } | undefined> {
  let prepared: { line: string; argv: string[][] };
  try {
    prepared = prepareReadOnly(template, values, 'expert');
  } catch (err) {
    if (err instanceof TemplateError) return undefined; // the gate refused a value: nothing is sent
    throw err;
  }
  const s = sessions.get(kind)!;
  const res = await s.run(prepared.line, s.facts.loginLevel === 'root' ? 'root' : 'expert');
  expect(res.timedOut ?? false).toBe(false);
  return { judged: prepared.argv, received: takeRecords(), line: prepared.line };
}

// Generated templates: stand-in programs, literal words (plain, or single-quoted with any
// printable character), holes, the allowed operators (all stand-ins exit 0, so no `||`: its
// right side would not run) and the fixed redirections.
const NASTY = ['$(touch PWN)', '`touch PWN`', '${u:--o/PWN}', '${x:=\'$(touch PWN)\'}', '${x@P}', 'a[$(touch PWN)]', ';touch PWN', '|touch PWN', '&&touch PWN', '=ls', '~', '~root', '*', '?', '[a-z]', '{a,b}', '#', '!!', '!$', "'", '"', '\\', ' ', '$IFS', '$HOME', '%', '^x', '>PWN', '<PWN', '&'];
const valueArb = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: fc.constantFrom(...'ab1/.:,=+-_ $`\'"\\*?[]{}~#!;&|<>()%^'), maxLength: 6 })), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(''));
const plainWord = fc.string({ unit: fc.constantFrom(...'abcxyz019./_:@%+,-'), minLength: 1, maxLength: 6 }).filter((w) => !w.startsWith('-') && !w.startsWith('='));
const quotedWord = fc.string({ unit: fc.constantFrom(...'ab $`"\\*?[]{}~#!;&|<>()=%^,-'), maxLength: 6 }).map((w) => `'${w}'`);
const wordArb = fc.oneof(plainWord, quotedWord, fc.constantFrom('{{v1}}', '{{v2}}', 'x{{v1}}', '{{v2}}.y', "'a b'{{v1}}"));
const commandArb = fc.tuple(fc.constantFrom(...PROGRAMS.filter((p) => p !== 'curl')), fc.array(wordArb, { maxLength: 4 }), fc.constantFrom('', ' 2>/dev/null', ' >/dev/null', ' 2>&1', ' < INPUT')).map(([p, w, r]) => [p, ...w].join(' ') + r);
const templateArb = fc.tuple(commandArb, fc.array(fc.tuple(fc.constantFrom(' | ', ' && ', ' ; ', '; '), commandArb), { maxLength: 2 })).map(([first, rest]) => first + rest.map(([op, c]) => op + c).join(''));

describe.skipIf(!SSHD)('the shell receives exactly the judged words (real shells, real sshd)', () => {
  for (const kind of KINDS) {
    it.skipIf(!hasShell(kind))(`${kind}: generated templates and values`, async () => {
      let ran = 0;
      await fc.assert(
        fc.asyncProperty(templateArb, valueArb, valueArb, async (t, v1, v2) => {
          const template = t.replaceAll('INPUT', join(work, 'input'));
          fc.pre(accepted(template));
          const values = { v1: v1.replaceAll('PWN', pwn), v2: v2.replaceAll('PWN', pwn) };
          const r = await runOn(kind, template, values);
          if (!r) return;
          ran++;
          expect([r.line, sorted(r.received)]).toEqual([r.line, sorted(r.judged)]);
          expect(existsSync(pwn)).toBe(false);
          expect(readdirSync(cwd)).toEqual([]);
        }),
        { numRuns: 40, seed: 17 },
      );
      expect(ran).toBeGreaterThan(10);
    }, 180_000);
  }
});

describe.skipIf(!SSHD)('the payloads of issue 17 are refused, or harmless by construction', () => {
  // Refused at validate (the read-only reader), as templates.
  it.each([
    ['sort f ${u:--o/var/tmp/pwn}', /'\$' \(parameter expansion/],
    ['find d -type f ${u:--delete}', /'\$' \(parameter expansion/],
    ['curl -H {x:y,-o,/var/tmp/pwn} --url file:///etc/hostname', /brace expansion/],
    ['uniq ${u:-a${IFS}b}', /'\$'/],
    ["echo ${x:='$(id)'} ${x@P}", /'\$'/],
    ["echo ${PROMPT_COMMAND:='touch /var/tmp/pwn'}", /'\$'/],
    ["test -v 'a[$(touch /var/tmp/pwn)]'", /test -v is refused/],
    ["echo ${y:='a[$(id)]'} ${HOME:y}", /'\$'/],
    ['cat /etc/hostname # comment', /'#' would start a comment/],
    ['ls =ls', /starting with '=' is expanded by zsh/],
    ['ss --ki', /ss option '--ki' is not on the read-only list/],
    ['ss --dia=F', /ss option '--dia' is not on the read-only list/],
    ['ss -{{x}}', /inside an option word/],
  ])('validate refuses %s', (template, message) => {
    expect(readOnlyProblems(template, 'root')[0]?.message).toMatch(message);
  });

  it.each([
    ['/etc/hostname; touch /var/tmp/pwn', /";" is not a path character/],
    ['/etc/hostname $(touch /var/tmp/pwn)', /" " is not a path character/],
  ])('validate refuses file: %s', (template, message) => {
    expect(readOnlyProblems(template, 'root', undefined, true)[0]?.message).toMatch(message);
  });

  // The same text as VALUES: sent as literal words, on every shell.
  const payloads = ['${u:--o/PWN}', '{x:y,-o,PWN}', '${u:-a${IFS}b}', "${x:='$(touch PWN)'}", '${x@P}', "${PROMPT_COMMAND:='touch PWN'}", 'a[$(touch PWN)]', "${y:='a[$(touch PWN)]'}", '${HOME:y}', '#', 'x # y', '=ls', '`touch PWN`', '~', '*'];
  for (const kind of KINDS) {
    it.skipIf(!hasShell(kind))(`${kind}: payloads as values reach the program as literal words`, async () => {
      for (const p of payloads) {
        const v = p.replaceAll('PWN', pwn);
        const r = await runOn(kind, 'sort f {{v}} 2>/dev/null | grep -c {{v}}; cat {{v}} < INPUT'.replace('INPUT', join(work, 'input')), { v });
        expect(r).toBeDefined();
        expect(sorted(r!.received)).toEqual(sorted([['sort', 'f', v], ['grep', '-c', v], ['cat', v]]));
      }
      expect(existsSync(pwn)).toBe(false);
      expect(readdirSync(cwd)).toEqual([]);
    }, 60_000);
  }
});

describe.skipIf(!SSHD)('the transport frames any command: a # cannot reach the end marker', () => {
  for (const kind of KINDS) {
    it.skipIf(!hasShell(kind))(`${kind}`, async () => {
      const s = sessions.get(kind)!;
      const level = s.facts.loginLevel === 'root' ? 'root' : 'expert';
      // Before, `… # x` commented out the end marker and the check hung until its timeout.
      const commented = await s.run('echo a # x', level, { timeoutMs: 5_000 });
      expect([commented.timedOut ?? false, commented.exitCode]).toEqual([false, 0]);
      expect(commented.output.startsWith('a')).toBe(true);
      // (An unclosed quote is refused at validate: dash abandons the rest of a line after a
      // syntax error in eval, so it would wait for the timeout and resynchronise.)
      expect((await s.run('echo still-in-sync', level)).output).toBe('still-in-sync\n');
    }, 30_000);
  }
});
