/** Rules for `vars_by_input`: each key is a declared input with `choices`, and every choice has
 * exactly one block (a missing block would silently leave a region without its endpoints). And for
 * an input's `aliases`: each names one of its choices, and none is a choice itself. */
import type { UserIssue } from '../model/errors.js';
import type { PlaybookSpec, SourceLocation } from '../model/playbook.js';
import { suggest } from '../model/suggest.js';

type Locate = (pointer: string, opts?: { key?: boolean }) => SourceLocation;

/** Problems with `vars_by_input` (empty = fine). */
export function checkVarsByInput(spec: PlaybookSpec, locate: Locate): UserIssue[] {
  const issues: UserIssue[] = [];
  for (const [input, blocks] of Object.entries(spec.vars_by_input ?? {})) {
    const at = locate(`/vars_by_input/${input}`, { key: true });
    const decl = spec.inputs?.[input];
    if (!decl?.choices) {
      const guess = suggest(input, Object.keys(spec.inputs ?? {}));
      issues.push({ code: 'unknown-reference', message: `vars_by_input '${input}' needs an input '${input}' with choices`, location: at, hint: guess ? `did you mean '${guess}'?` : `declare it: inputs: { ${input}: { type: string, choices: [...] } }` });
      continue;
    }
    for (const choice of decl.choices) {
      if (!Object.prototype.hasOwnProperty.call(blocks, choice)) issues.push({ code: 'unknown-reference', message: `vars_by_input '${input}' has no block for choice '${choice}'`, location: at, hint: `add ${choice}: { ... } or remove '${choice}' from the input's choices` });
    }
    for (const key of Object.keys(blocks)) {
      if (!decl.choices.includes(key)) issues.push({ code: 'unknown-reference', message: `vars_by_input '${input}' has a block '${key}', which is not one of its choices (${decl.choices.join(', ')})`, location: locate(`/vars_by_input/${input}/${key}`, { key: true }) });
    }
  }
  for (const [name, decl] of Object.entries(spec.inputs ?? {})) {
    if (decl.choices && decl.type !== 'string') issues.push({ code: 'schema', message: `input '${name}': choices are allowed only with type string`, location: locate(`/inputs/${name}/choices`) });
    if (decl.aliases && !decl.choices) issues.push({ code: 'schema', message: `input '${name}': aliases need choices (an alias names the choice it means)`, location: locate(`/inputs/${name}/aliases`, { key: true }) });
    if (!decl.aliases || !decl.choices) continue;
    for (const [alias, choice] of Object.entries(decl.aliases)) {
      const pointer = `/inputs/${name}/aliases/${alias.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const at = locate(pointer);
      if (decl.choices.includes(alias)) issues.push({ code: 'schema', message: `input '${name}': alias '${alias}' is also a choice`, location: locate(pointer, { key: true }), hint: 'an alias is another name for a choice; remove one of the two' });
      else if (!decl.choices.includes(choice)) {
        const guess = suggest(choice, decl.choices);
        issues.push({ code: 'unknown-reference', message: `input '${name}': alias '${alias}' means '${choice}', which is not one of its choices (${decl.choices.join(', ')})`, location: at, hint: guess ? `did you mean '${guess}'?` : undefined });
      }
    }
  }
  return issues;
}
