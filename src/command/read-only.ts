/**
 * Check mode is read-only by construction: collect and capture steps (`command:` and `file:`)
 * run without `--apply`, so every program they run must be on an allow-list of programs that
 * only read (per level), with options that only read. At levels expert/root the template is
 * read ONCE into words and operators (command/words.ts); this file judges those words —
 * at `validate` with the holes unknown, and again at run time with the values filled in — and
 * renders the very same words, each single-quoted. A playbook may extend the list
 * (`readonly_commands:`), never with a program that runs others or writes; each addition is a
 * warning. The rules of each program: read-only-programs.ts; why: docs/commands.md.
 */
import type { Level, ReadonlyCommands } from '../model/playbook.js';
import { CLI_VERBS, refusedExtension, shellProgramProblem, type JudgedWord, type ReadOnlyProblem } from './read-only-programs.js';
import { commandShape, HOLE } from './programs.js';
import { CommandSyntaxError, commandTemplate, positionOf, type Hole } from './template.js';
import { readOnlyLineOf, renderLine, wordText, type ReadOnlyLine } from './words.js';
import { fillValue, renderCommand } from './gate.js';
import type { HoleTypeOf } from './value-types.js';
import { getPath } from '../model/dotted-path.js';
import { TemplateError } from './template-error.js';

export type { ReadOnlyProblem } from './read-only-programs.js';
export { READ_ONLY_PROGRAMS, refusedExtension } from './read-only-programs.js';

/** Judges a parsed read-only line; `fill` gives a hole's value (run time) or is absent (validate). */
function judgeLine(line: ReadOnlyLine, ext: ReadonlyCommands | undefined, fill?: (h: Hole) => string): ReadOnlyProblem[] {
  const problems: ReadOnlyProblem[] = [];
  const judged = (w: ReadOnlyLine['commands'][number]['words'][number]): JudgedWord => ({
    text: wordText(w, fill ?? (() => HOLE)),
    shown: wordText(w, (h) => `{{${h.path}}}`),
    holes: w.parts.filter((p) => p.kind === 'hole').length,
    offset: w.offset,
  });
  for (const cmd of line.commands) {
    const p = shellProgramProblem(cmd.words.map(judged), cmd.offset, ext);
    if (p) problems.push(p);
  }
  return problems;
}

/** Why a collect/capture command (or, with `file`, a `file:` path) is not read-only (empty =
 * read-only). Throws CommandSyntaxError for a template that is not in the command language. */
export function readOnlyProblems(template: string, level: Level, ext?: ReadonlyCommands, file = false): ReadOnlyProblem[] {
  if (level === 'cli') {
    if (file) return [{ message: 'file: is read with cat, which needs level expert or root', offset: 0 }];
    return clishProblems(template, ext);
  }
  commandTemplate(template); // the language's own errors are thrown as they are
  let line: ReadOnlyLine;
  try {
    line = readOnlyLineOf(template, file);
  } catch (err) {
    if (!(err instanceof CommandSyntaxError)) throw err;
    return [{ message: err.message.replace(/ \(template line \d+, column \d+\)$/, ''), offset: err.offset }];
  }
  return judgeLine(line, ext);
}

function clishProblems(template: string, ext: ReadonlyCommands | undefined): ReadOnlyProblem[] {
  const problems: ReadOnlyProblem[] = [];
  const shape = commandShape(template, 'cli');
  if (shape.commands.length === 0) problems.push({ message: 'the command is empty', offset: 0 });
  for (const cmd of shape.commands) {
    const [first] = cmd.words;
    if (first.holes > 0) {
      problems.push({ message: 'the program must be written in the playbook, not come from a variable', offset: first.offset });
      continue;
    }
    const odd = cmd.words.find((w) => /[|;&<>`$\\]/.test(w.text));
    if (odd) {
      problems.push({ message: `'${odd.text.replaceAll(HOLE, '{{…}}')}': CLISH filters and operators are not used in read-only steps (filter the output with parse: instead)`, offset: odd.offset });
      continue;
    }
    const name = first.text;
    if (CLI_VERBS.has(name) || (ext?.cli?.includes(name) && !refusedExtension('cli', name))) continue;
    problems.push({ message: `'${name}' is not a read-only CLI command (allowed: ${[...CLI_VERBS].join(', ')}${ext?.cli?.length ? `, and from readonly_commands: ${ext.cli.join(', ')}` : ''})`, offset: first.offset });
  }
  return problems;
}


/**
 * Renders a collect/capture command (or a `file:` path) for a level: the values are gated
 * (fillValue: type and level rules), the filled words are judged again by the same rules as at
 * validate (a curl URL operand, a test operand…), and exactly those words are sent, each
 * single-quoted. CLISH has no quoting: values must be plain (the gate) and the verb listed.
 * Throws TemplateError (naming the hole, never the value).
 */
export function renderReadOnly(template: string, context: Record<string, unknown>, level: Level, typeOf: HoleTypeOf = () => 'value', ext?: ReadonlyCommands, file = false): string {
  return prepareReadOnly(template, context, level, typeOf, ext, file).line;
}

/** renderReadOnly's work: the line sent and, at levels expert/root, the argv of each simple
 * command — the words judged, which the line passes on exactly (one quoted word each). */
export function prepareReadOnly(template: string, context: Record<string, unknown>, level: Level, typeOf: HoleTypeOf = () => 'value', ext?: ReadonlyCommands, file = false): { line: string; argv: string[][] } {
  const fail = (p: ReadOnlyProblem): never => {
    const { line, col } = positionOf(template, p.offset);
    throw new TemplateError(`${p.message}: a read-only step must only read`, line, col);
  };
  if (level === 'cli') {
    const problems = readOnlyProblems(template, level, ext, file);
    if (problems.length > 0) fail(problems[0]);
    return { line: renderCommand(template, context, level, typeOf), argv: [] };
  }
  const parsed = readOnlyLineOf(template, file);
  const filled = new Map<Hole, string>();
  const fill = (h: Hole) => {
    let v = filled.get(h);
    if (v === undefined) {
      const value = getPath(context, h.path.split('.'));
      if (value === undefined) throw new TemplateError(`"${h.path}" not defined`, h.line, h.col);
      v = fillValue(value, file ? 'path' : typeOf(h.path), level, h.path, h);
      filled.set(h, v);
    }
    return v;
  };
  const problems = judgeLine(parsed, ext, fill);
  if (problems.length > 0) fail(problems[0]);
  return { line: renderLine(parsed, fill), argv: parsed.commands.map((c) => c.words.map((w) => wordText(w, fill))) };
}
