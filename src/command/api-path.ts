/**
 * API paths of `api: { get: … }` collect steps (docs/playbooks.md "API steps"): the same
 * language as commands (literal text and typed `{{holes}}`, parsed once, with positions), with
 * a stricter rule for what a hole may hold: ONE path segment — letters, digits, `_` and `-`
 * (a UUID, a name). So a value can never add `/`, `..`, `?`, `&`, `#`, `%` or a space to the
 * path; the literal text around the holes is the playbook author's and is checked at validate.
 */
import type { CollectStep, PlaybookSpec } from '../model/playbook.js';
import { commandTemplate, CommandSyntaxError, positionOf } from './template.js';
import { fillTemplate, fillValue } from './gate.js';
import { TemplateError } from './template-error.js';
import type { HoleTypeOf } from './value-types.js';

/** What one hole of an API path may hold. */
export const API_SEGMENT = /^[A-Za-z0-9_-]{1,200}$/;
/** Characters the literal text of a path may use (a query after one `?`). */
const LITERAL = /^[A-Za-z0-9/_.~=&,;:?-]*$/;

/** An `api:` step's path template with its JSON pointer (for validate and plan). */
export interface ApiSite {
  pointer: string;
  template: string;
  step: CollectStep;
}

/** Every `api: { get }` path of a playbook (collect and capture steps). */
export function apiSites(spec: PlaybookSpec): ApiSite[] {
  const out: ApiSite[] = [];
  const steps = (list: CollectStep[] | undefined, base: string) =>
    (list ?? []).forEach((s, i) => {
      if (s.api !== undefined) out.push({ pointer: `${base}/${i}/api/get`, template: s.api.get, step: s });
    });
  spec.checks.forEach((c, ci) => steps(c.collect, `/checks/${ci}/collect`));
  (spec.remediations ?? []).forEach((r, ri) => steps(r.capture, `/remediations/${ri}/capture`));
  return out;
}

/** Why a rendered path is not one the FMC client may GET (undefined: fine). */
function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/') || path.startsWith('//')) return "an API path starts with one '/' (relative to the domain, or /api/…)";
  const [p, ...rest] = path.split('?');
  if (rest.length > 1) return "an API path has at most one '?'";
  if (p.split('/').some((seg) => seg === '.' || seg === '..')) return "an API path has no '.' or '..' segment";
  return undefined;
}

/** Problems of a path template at validate (the holes unknown): the language's own errors, then
 * the literal text's characters and shape. Offsets are into the template. */
export function apiPathProblems(template: string): Array<{ message: string; offset: number }> {
  let parsed;
  try {
    parsed = commandTemplate(template);
  } catch (err) {
    if (err instanceof CommandSyntaxError) return [{ message: err.message.replace(/ \(template line \d+, column \d+\)$/, ''), offset: err.offset }];
    throw err;
  }
  const problems: Array<{ message: string; offset: number }> = [];
  let offset = 0;
  let shape = '';
  for (const part of parsed.parts) {
    if (part.kind === 'text') {
      const bad = [...part.text].findIndex((c) => !LITERAL.test(c));
      if (bad >= 0) problems.push({ message: `'${part.text[bad]}' is not allowed in an API path (letters, digits and / _ . ~ - and a query with ? = & , ; :)`, offset: offset + bad });
      shape += part.text;
      offset += part.text.length;
    } else {
      shape += 'x';
      offset = part.hole.offset + part.hole.path.length + 4;
    }
  }
  const why = pathProblem(shape);
  if (why && problems.length === 0) problems.push({ message: why, offset: 0 });
  return problems;
}

/**
 * Renders an API path: every hole passes the gate for its declared type (fillValue), then must
 * be one path segment (API_SEGMENT). Throws TemplateError naming the hole, never the value.
 */
export function renderApiPath(template: string, context: Record<string, unknown>, typeOf: HoleTypeOf = () => 'value'): string {
  const problems = apiPathProblems(template);
  if (problems.length > 0) {
    const { line, col } = positionOf(template, problems[0].offset);
    throw new TemplateError(problems[0].message, line, col);
  }
  const out = fillTemplate(template, context, (value, hole) => {
    if (Array.isArray(value)) throw new TemplateError(`${hole.path} is a list; an API path hole holds one path segment`, hole.line, hole.col);
    const text = fillValue(value, typeOf(hole.path), 'expert', hole.path, hole);
    if (!API_SEGMENT.test(text)) throw new TemplateError(`${hole.path} is not one API path segment (letters, digits, '_' and '-' only: no '/', '.', '?', '#', '%' or space)`, hole.line, hole.col);
    return text;
  });
  const why = pathProblem(out);
  if (why) throw new TemplateError(why);
  return out;
}
