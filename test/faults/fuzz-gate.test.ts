/** The command gate under seeded property-based fuzzing (fast-check). Whatever the template or
 * the value:
 * - parsing and checking a template throws nothing but CommandSyntaxError (validate → exit 4);
 * - rendering throws nothing but TemplateError;
 * - a value that passes reaches a real POSIX shell (dash) as exactly ONE argument, byte for
 *   byte — no word splitting, globbing, expansion, second command or option;
 * - at the CLISH level (no quoting exists) only the plain character set gets through.
 * Fixed seed, bounded runs; `FUZZ_SEED=n FUZZ_RUNS=x10` explores further. Row "hostile input"
 * of docs/faults.md. */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCommand } from '../../src/command/gate.js';
import { CommandSyntaxError, parseCommandTemplate } from '../../src/command/template.js';
import { checkCommandTemplate } from '../../src/command/programs.js';
import { TemplateError } from '../../src/command/template-error.js';
import { readOnlyProblems, renderReadOnly } from '../../src/command/read-only.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SCALE = Number(process.env.FUZZ_RUNS?.replace(/^x/, '') ?? 1);
const LEVELS = ['cli', 'expert', 'root'] as const;

/** What shells, CLISH and Handlebars give meaning to. */
const SPICY = [...';&|<>()$`\\"\'*?[]{}~#!=%^,-+ \t\n\r\u0000\u001b\u007f/.:@', '{{', '}}', '{{{', '}}}', '{{#each vars.m as |v k|}}', '{{k}}', '{{/each}}', '{{> p}}', '{{! c}}', '{{&x}}', '{{x}}', '{{vars.x}}', '{{item}}', '{{../x}}', '{{@key}}', '$(', '${', '>(', '<(', '&&', '||', '2>', '>>', 'reboot', 'rm -rf /', 'sh -c', 'sudo ', '\u00e9', '\u6771\u4eac', '\ud83d\ude00'];
const piece = fc.oneof(fc.constantFrom(...SPICY), fc.string({ maxLength: 6 }));
const text = fc.array(piece, { maxLength: 12 }).map((a) => a.join(''));

function onlyThrows(f: () => unknown, allowed: new (...a: never[]) => Error): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof allowed)) throw new Error(`threw ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`);
  }
}

describe('command gate fuzzing', () => {
  it('templates: parse/check/read-only analysis throw only CommandSyntaxError', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...LEVELS), (template, level) => {
        onlyThrows(() => parseCommandTemplate(template), CommandSyntaxError);
        onlyThrows(() => checkCommandTemplate(template, level), CommandSyntaxError);
        onlyThrows(() => readOnlyProblems(template, level), CommandSyntaxError);
        onlyThrows(() => readOnlyProblems(template, level, undefined, true), CommandSyntaxError);
      }),
      { seed: SEED, numRuns: 3000 * SCALE },
    );
  });

  it('rendering throws only TemplateError, whatever the value', () => {
    const value = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 }));
    fc.assert(
      fc.property(fc.constantFrom('echo {{x}}', 'cat {{x}}', 'show {{x}}', 'nslookup {{x}} {{y}}', 'grep -c {{x}} /var/log/x'), value, value, fc.constantFrom(...LEVELS), (template, x, y) => {
        for (const level of LEVELS) onlyThrows(() => renderCommand(template, { x, y }, level), TemplateError);
      }),
      { seed: SEED, numRuns: 3000 * SCALE },
    );
  });

  it('read-only rendering: only TemplateError; what passes is single-quoted words and the allowed operators', () => {
    const value = fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 3 }));
    const QUOTED = "'(?:[^']|'\\\\'')*'";
    const LINE = new RegExp(`^${QUOTED}(?: ${QUOTED}| 2>/dev/null| >/dev/null| 2>&1| <${QUOTED}| (?:\\||&&|\\|\\||;) ${QUOTED})*$`);
    fc.assert(
      fc.property(text, value, value, fc.constantFrom('expert', 'root'), fc.boolean(), (template, x, y, level, file) => {
        let line: string | undefined;
        try {
          if (readOnlyProblems(template, level, undefined, file).length > 0) return;
          line = renderReadOnly(template, { x, y, vars: { x, y }, item: x }, level, undefined, undefined, file);
        } catch (err) {
          if (!(err instanceof TemplateError)) throw err;
          return;
        }
        expect(line).toMatch(LINE);
      }),
      { seed: SEED, numRuns: 3000 * SCALE },
    );
  });

  it('a value that passes reaches dash as exactly one argument, unchanged', () => {
    // One dash process checks a batch: each rendered command line prints its arguments
    // NUL-separated with a count, so splitting, globbing or a second command shows.
    const cases: string[] = [];
    fc.assert(
      fc.property(text, (v) => {
        let cmd: string;
        try {
          cmd = renderCommand('printf %s {{x}}', { x: v }, 'root');
        } catch (err) {
          if (err instanceof TemplateError) return;
          throw err;
        }
        cases.push(v);
        const script = `set -f; n() { printf '%s\\0' "$#"; for a in "$@"; do printf '%s\\0' "$a"; done; }; ${cmd.replace(/^printf %s /, 'n ')}`;
        const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', cwd: '/' });
        expect(r.status, script).toBe(0);
        expect(r.stdout.split('\0').slice(0, 2), script).toEqual(['1', v]);
      }),
      { seed: SEED, numRuns: 300 * SCALE },
    );
    expect(cases.length).toBeGreaterThan(50); // the property ran on real values, not only refusals
  });

  it('at the CLISH level only the plain character set gets through', () => {
    fc.assert(
      fc.property(text, (v) => {
        let cmd: string;
        try {
          cmd = renderCommand('show {{x}}', { x: v }, 'cli');
        } catch (err) {
          if (err instanceof TemplateError) return;
          throw err;
        }
        expect(cmd).toBe(`show ${v}`);
        expect(v).toMatch(/^[A-Za-z0-9._:/@,=+][A-Za-z0-9._:/@,=+-]*$/);
      }),
      { seed: SEED, numRuns: 3000 * SCALE },
    );
  });
});
