/** A condition may only read a field its step can produce: a built-in parser's declared fields,
 * a regex's named groups, or `exit` / `output`. A typo (`of: nss` when the regex defines `ns`)
 * is then refused at validate, with its position, instead of surfacing on every device as an
 * undecided check. `properties` fields are the file's keys and are not known in advance.
 * See docs/playbooks.md "Conditions". */
import type { UserIssue } from '../model/errors.js';
import type { CheckSpec, CollectStep, Condition, PlaybookSpec, SourceLocation } from '../model/playbook.js';
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
    if (c.scope !== undefined) return groupFieldIssues(spec, c, ci, locate, issues);
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

/** A check across hosts reads the fields its `reads` check registers (its steps' fields, or its
 * `register:` list), `status` and `host`, bare or under `peer.` / `members.` (docs/playbooks.md). */
function groupFieldIssues(spec: PlaybookSpec, c: CheckSpec, ci: number, locate: Locate, issues: UserIssue[]): void {
  const read = spec.checks.find((x) => x.id === c.reads && x.scope === undefined);
  if (!read) return; // a bad reads: is reported by the playbook rules
  const produced = (read.collect ?? []).map(fieldsOf);
  if (produced.some((f) => f === undefined)) return;
  const known = [...new Set([...(read.register ?? produced.flat() as string[]), 'status', 'host'])];
  const visit = (list: Condition[], base: string) =>
    list.forEach((cond, i) => {
      const [head, ...rest] = cond.of.split('.');
      const field = (head === 'peer' || head === 'members') && rest.length > 0 ? rest.join('.') : cond.of;
      if (cond.of.includes('.') && field === cond.of) return; // another root: refused by the playbook rules
      if (known.includes(field)) return;
      const guess = suggest(field, known);
      issues.push({ code: 'unknown-reference', message: `condition reads '${field}', which check '${read.id}' does not register`, location: locate(`${base}/${i}/of`), hint: `${guess ? `did you mean '${guess}'? ` : ''}fields: ${known.join(', ')}` });
    });
  visit(c.expect, `/checks/${ci}/expect`);
  (c.diagnose ?? []).forEach((r, ri) => visit(r.when, `/checks/${ci}/diagnose/${ri}/when`));
}
