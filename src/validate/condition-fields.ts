/** A condition may only read a field its step can produce: a built-in parser's declared fields,
 * a regex's named groups, or `exit` / `output`. A typo (`of: nss` when the regex defines `ns`)
 * is then refused at validate, with its position, instead of surfacing on every device as an
 * undecided check. `properties` fields are the file's keys and are not known in advance.
 * See docs/playbooks.md "Conditions". */
import type { UserIssue } from '../model/errors.js';
import type { CollectStep, Condition, PlaybookSpec, SourceLocation } from '../model/playbook.js';
import { compileRegexSpec, groupNames, PARSER_FIELDS, stepNamesOf } from '../checks/index.js';
import { suggest } from '../model/suggest.js';

type Locate = (pointer: string) => SourceLocation;

/** Roots read from elsewhere than the check's own steps. */
const OTHER_ROOTS = new Set(['facts', 'vars', 'checks']);
const ALWAYS = ['exit', 'output'];

/** The fields a step can produce, or undefined when they are not known in advance. */
function fieldsOf(step: CollectStep): readonly string[] | undefined {
  const parse = step.parse;
  if (parse === undefined) return [];
  if ('parser' in parse) return PARSER_FIELDS[parse.parser];
  try {
    return groupNames(compileRegexSpec(parse));
  } catch {
    return undefined; // an invalid regex is reported on its own
  }
}

/** The step and field a condition reads, or undefined when it reads no step. */
function subjectOf(cond: Condition, defaultStep: string | undefined): { step: string | undefined; field: string } | undefined {
  const [head, ...rest] = cond.of.split('.');
  if (OTHER_ROOTS.has(head) && rest.length >= 1) return undefined;
  if (head === 'steps' && rest.length >= 2) return { step: rest[0], field: rest.slice(1).join('.') };
  return { step: cond.step ?? defaultStep, field: cond.of };
}

/** Issues for conditions that read a field their step cannot produce. */
export function conditionFieldIssues(spec: PlaybookSpec, locate: Locate): UserIssue[] {
  const issues: UserIssue[] = [];
  spec.checks.forEach((c, ci) => {
    const names = stepNamesOf(c.collect);
    const steps = new Map((c.collect ?? []).map((s, i) => [names[i], s]));
    const visit = (list: Condition[] | undefined, base: string) =>
      (list ?? []).forEach((cond, i) => {
        const subject = subjectOf(cond, names[0]);
        if (!subject || subject.step === undefined) return;
        const step = steps.get(subject.step);
        if (!step) return; // an unknown step is reported by the step-reference rule
        const field = subject.field.startsWith('fields.') ? subject.field.slice('fields.'.length) : subject.field;
        const known = fieldsOf(step);
        if (known === undefined || ALWAYS.includes(field) || known.includes(field)) return;
        const all = [...ALWAYS, ...known];
        const guess = suggest(field, all);
        const source = step.parse === undefined ? 'has no parse:, so it has only exit and output' : 'parser' in step.parse ? `(parser ${step.parse.parser}) does not produce it` : 'defines no such named group in its regex';
        issues.push({
          code: 'unknown-reference',
          message: `condition reads '${field}', but step '${subject.step}' ${source}`,
          location: locate(`${base}/${i}/of`),
          hint: `${guess ? `did you mean '${guess}'? ` : ''}fields: ${all.join(', ')}`,
        });
      });
    visit(c.expect, `/checks/${ci}/expect`);
    visit(c.when, `/checks/${ci}/when`);
    visit(c.skip_when, `/checks/${ci}/skip_when`);
    (c.diagnose ?? []).forEach((r, ri) => visit(r.when, `/checks/${ci}/diagnose/${ri}/when`));
  });
  return issues;
}
