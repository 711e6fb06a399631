/** Semantic rules a schema cannot express: unique ids, references, one operator per
 * condition, valid regexes and templates, known parsers, step references. */
import type { UserIssue } from '../model/errors.js';
import type { CheckSpec, CollectStep, Condition, PlaybookSpec, SourceLocation } from '../model/playbook.js';
import { checkDependencies, CONDITION_OPERATORS, conditionOperator, PARSER_NAMES, playbookRegexError, stepNamesOf, templateVariables } from '../checks/index.js';
import { checkCommandTemplate, CommandSyntaxError, commandTemplate, fillHole, loopPath, stepHoleTypes, TemplateError, validateVarValue, type Hole } from '../command/index.js';
import { getPath } from '../model/dotted-path.js';
import { suggest } from '../model/suggest.js';
import { checkVarsByInput } from './vars-by-input.js';
import { readOnlyProblems, refusedExtension, renderReadOnly } from '../command/read-only.js';
import { commandSites, playbookTemplates, type CommandSite } from '../command/sites.js';
import { apiPathProblems, apiSites } from '../command/api-path.js';


type Locate = (pointer: string, opts?: { key?: boolean; offset?: number }) => SourceLocation;

/** Names a template may use without a variable of that name: filled in at run time. */
export const RUNTIME_ROOTS = new Set(['facts', 'item', 'captured', 'checks', 'steps', 'fields', 'vars', 'host', 'peer', 'members']);

/** Playbook regexes run on RE2, linear in the text by construction (docs/playbooks.md "Regexes"):
 * a pattern RE2 cannot compile (lookaround, backreference, possessive quantifier, …) is refused here. */
function regexIssue(pattern: string, at: () => SourceLocation): UserIssue | undefined {
  const why = playbookRegexError(pattern);
  return why === undefined ? undefined : { code: 'schema', message: `invalid regular expression /${pattern}/: ${why}`, location: at(), hint: 'playbook regexes use RE2 syntax (linear time): no lookaround or backreferences — docs/playbooks.md' };
}

/** A read-only step rendered and judged with the values the playbook itself declares (its
 * `vars`, each `platform_vars` block, each `vars_by_input` choice), when they fill every hole:
 * a curl operand must be an http(s) URL whatever its type (docs/commands.md). */
function declaredValueIssue(spec: PlaybookSpec, site: CommandSite, locate: Locate): UserIssue | undefined {
  if (site.level === 'cli') return undefined;
  let holes: readonly Hole[];
  try {
    holes = commandTemplate(site.template).holes;
  } catch {
    return undefined; // reported as a template error
  }
  if (holes.length === 0) return undefined;
  const base = spec.vars ?? {};
  const sources: Array<[string, Record<string, unknown>]> = [
    ['vars', base],
    ...Object.entries(spec.platform_vars ?? {}).map(([p, b]): [string, Record<string, unknown>] => [`platform_vars.${p}`, { ...base, ...b }]),
    ...Object.entries(spec.vars_by_input ?? {}).flatMap(([input, blocks]) => Object.entries(blocks ?? {}).map(([choice, b]): [string, Record<string, unknown>] => [`vars_by_input.${input}.${choice}`, { ...base, ...b }])),
  ];
  const typeOf = stepHoleTypes(spec, site.step);
  const loop = site.step?.loop;
  for (const [name, vars] of sources) {
    const ctx: Record<string, unknown> = { ...vars, vars };
    let items: unknown[] = [undefined];
    if (holes.some((h) => h.path === 'item')) {
      const list = Array.isArray(loop) ? loop : typeof loop === 'string' ? getPath(ctx, loopPath(loop)!.split('.')) : undefined;
      if (!Array.isArray(list)) continue;
      items = list;
    }
    if (holes.some((h) => h.path !== 'item' && getPath(ctx, h.path.split('.')) === undefined)) continue;
    for (const item of items) {
      try {
        renderReadOnly(site.template, { ...ctx, item }, site.level, typeOf, spec.readonly_commands, site.file);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        return {
          code: 'invalid-variable',
          message: `${err.message.replace(/ \(template line \d+, column \d+\)$/, '')} (with the values of ${name})`,
          location: locate(site.pointer, { offset: (err.col ?? 1) - 1 }),
          hint: 'fix the value the playbook declares (docs/commands.md: what the shell receives)',
        };
      }
    }
  }
  return undefined;
}

/** The command language and, for collect/capture steps, the read-only allow-list. */
function commandIssues(spec: PlaybookSpec, locate: Locate): UserIssue[] {
  const issues: UserIssue[] = [];
  for (const site of commandSites(spec)) {
    try {
      checkCommandTemplate(site.template, site.level);
    } catch (err) {
      if (!(err instanceof CommandSyntaxError)) throw err;
      issues.push({ code: 'template', message: `${err.message.replace(/ \(template line \d+, column \d+\)$/, '')}`, location: locate(site.pointer, { offset: err.offset }), hint: 'commands take plain {{variable}} holes only (docs/commands.md)' });
      continue;
    }
    const loop = site.step?.loop;
    if (typeof loop === 'string' && !/^[A-Za-z0-9_][A-Za-z0-9_-]*(\.[A-Za-z0-9_][A-Za-z0-9_-]*)*$/.test(loopPath(loop)!)) {
      issues.push({ code: 'template', message: `loop '${loop}' must name a list variable (e.g. loop: sse_endpoints)`, location: locate(site.pointer.replace(/\/(command|file)$/, '/loop')) });
    }
    if (Array.isArray(loop)) {
      // Literal items go through the same gate as any value (CLISH cannot take a space, etc.).
      const itemType = stepHoleTypes(spec, site.step)('item');
      loop.forEach((item, k) => {
        try {
          fillHole(item, itemType, site.level, `loop item ${k + 1}`);
        } catch (err) {
          issues.push({ code: 'template', message: (err as Error).message, location: locate(site.pointer.replace(/\/(command|file)$/, `/loop/${k}`)) });
        }
      });
    }
    if (!site.readOnly) continue;
    const known = declaredValueIssue(spec, site, locate);
    if (known) issues.push(known);
    for (const p of readOnlyProblems(site.template, site.level, spec.readonly_commands, site.file)) {
      issues.push({
        code: 'read-only',
        message: `${p.message}: collect and capture steps also run in check mode and must only read`,
        location: locate(site.pointer, { offset: p.offset }),
        hint: "put changes in a remediation's apply (with verify and rollback); a read-only program missing from the list can be added with readonly_commands: (docs/commands.md)",
      });
    }
  }
  for (const level of ['cli', 'shell'] as const) {
    (spec.readonly_commands?.[level] ?? []).forEach((name, i) => {
      const why = refusedExtension(level, name);
      if (why) issues.push({ code: 'read-only', message: `readonly_commands cannot add '${name}': ${why}`, location: locate(`/readonly_commands/${level}/${i}`), hint: 'readonly_commands may add programs that only read; docs/commands.md lists what can never be added' });
    });
  }
  return issues;
}

/** `api:` paths (docs/playbooks.md "API steps"): the command language with one-segment holes; GET
 * only is the schema's (an `api:` mapping has the one key `get`). */
function apiIssues(spec: PlaybookSpec, locate: Locate): UserIssue[] {
  return apiSites(spec).flatMap((site) =>
    apiPathProblems(site.template).map((p) => ({
      code: 'template',
      message: p.message,
      location: locate(site.pointer, { offset: p.offset }),
      hint: 'an API path is literal text with {{variable}} holes, each holding one path segment (docs/playbooks.md "API steps")',
    })),
  );
}

function checkConditions(list: Condition[] | undefined, base: string, stepNames: Set<string>, locate: Locate, issues: UserIssue[]): void {
  (list ?? []).forEach((cond, i) => {
    // Located only when there is something to say: finding a node's position is not free.
    const at = () => locate(`${base}/${i}`);
    try {
      conditionOperator(cond);
    } catch (err) {
      issues.push({ code: 'schema', message: (err as Error).message, location: at(), hint: `operators: ${CONDITION_OPERATORS.join(', ')} (gt/gte/lt/lte may be combined into a range)` });
    }
    for (const p of [cond.matches, cond.not_matches, cond.count?.pattern]) {
      const bad = p !== undefined ? regexIssue(p, at) : undefined;
      if (bad) issues.push(bad);
    }
    const stepRef = cond.step ?? (cond.of.startsWith('steps.') ? cond.of.split('.')[1] : undefined);
    if (stepRef !== undefined && !stepNames.has(stepRef)) {
      const guess = suggest(stepRef, stepNames);
      issues.push({ code: 'unknown-reference', message: `condition refers to step '${stepRef}', which this check does not collect`, location: at(), hint: guess ? `did you mean '${guess}'?` : `steps: ${[...stepNames].join(', ') || '(none)'}` });
    }
  });
}

function checkSteps(list: CollectStep[] | undefined, base: string, locate: Locate, issues: UserIssue[]): Set<string> {
  const names = stepNamesOf(list);
  const seen = new Set<string>();
  (list ?? []).forEach((s, i) => {
    const at = () => locate(`${base}/${i}`);
    if (s.api === undefined && (s.command === undefined) === (s.file === undefined)) issues.push({ code: 'schema', message: 'a collect step needs exactly one of command, file or api', location: at() });
    if (s.api !== undefined && (s.level !== 'api' || s.command !== undefined || s.file !== undefined))
      issues.push({ code: 'schema', message: 'an api: step reads the FMC REST API: it takes no level, command or file', location: at(), hint: 'split it into an api: step and a shell step (docs/playbooks.md "API steps")' });
    if (seen.has(names[i])) issues.push({ code: 'duplicate-id', message: `step name '${names[i]}' is used twice in this list`, location: at() });
    seen.add(names[i]);
    if (s.parse && 'parser' in s.parse && !PARSER_NAMES.includes(s.parse.parser)) {
      const guess = suggest(s.parse.parser, PARSER_NAMES);
      issues.push({ code: 'unknown-reference', message: `unknown parser '${s.parse.parser}'`, location: locate(`${base}/${i}/parse/parser`), hint: `${guess ? `did you mean '${guess}'? ` : ''}parsers: ${PARSER_NAMES.join(', ')}` });
    }
    if (s.parse && 'regex' in s.parse) {
      const bad = regexIssue(s.parse.regex, () => locate(`${base}/${i}/parse/regex`));
      if (bad) issues.push(bad);
    }
  });
  return seen;
}

/** Keys a check across hosts cannot have: it collects nothing and is judged after its hosts finish. */
const NOT_ACROSS_HOSTS = ['collect', 'when', 'applicability', 'retries', 'delay_s', 'remediation', 'register'] as const;
/** Roots of a path a check across hosts can read (docs/playbooks.md "Checks across hosts"). */
const NOT_ACROSS_ROOTS = new Set(['steps', 'facts', 'vars', 'checks']);

/** A check across hosts (`scope: ha_group`): reads an earlier per-host check of this playbook, has
 * nothing of its own to collect, and its conditions read its members' fields only. */
function groupCheckIssues(spec: PlaybookSpec, c: CheckSpec, base: string, locate: Locate, issues: UserIssue[]): void {
  if (c.scope === undefined) {
    issues.push({ code: 'schema', message: `check '${c.id}' has reads: but no scope:`, location: locate(`${base}/reads`), hint: 'reads: names the check a check across hosts judges: add scope: ha_group (docs/playbooks.md "Checks across hosts")' });
    return;
  }
  if (c.reads === undefined) {
    issues.push({ code: 'schema', message: `check '${c.id}' has scope: ${c.scope} but no reads:`, location: locate(`${base}/scope`), hint: 'name the per-host check whose results it judges, e.g. reads: ha-state' });
  } else {
    const at = spec.checks.findIndex((x) => x.id === c.reads);
    const self = spec.checks.findIndex((x) => x.id === c.id);
    const ids = spec.checks.slice(0, self).filter((x) => x.scope === undefined).map((x) => x.id);
    if (at < 0 || at >= self || spec.checks[at].scope !== undefined) {
      const guess = suggest(c.reads, ids);
      const why = at < 0 ? 'which is not a check of this playbook' : at >= self ? 'which is not an earlier check' : 'which is itself a check across hosts';
      issues.push({ code: 'unknown-reference', message: `check '${c.id}' reads '${c.reads}', ${why}`, location: locate(`${base}/reads`), hint: guess ? `did you mean '${guess}'?` : 'reads: names an earlier per-host check of the same playbook' });
    }
  }
  for (const key of NOT_ACROSS_HOSTS) {
    if (c[key] !== undefined) issues.push({ code: 'schema', message: `check '${c.id}' is a check across hosts (scope: ${c.scope}) and cannot have ${key}:`, location: locate(`${base}/${key}`, { key: true }), hint: 'it sends nothing: it judges the results of its reads: check on every member of the group' });
  }
  const conds: Array<[Condition, string]> = [...c.expect.map((x, i): [Condition, string] => [x, `${base}/expect/${i}`]), ...(c.diagnose ?? []).flatMap((r, ri) => r.when.map((x, i): [Condition, string] => [x, `${base}/diagnose/${ri}/when/${i}`]))];
  for (const [cond, pointer] of conds) {
    const root = cond.of.split('.')[0];
    if (cond.step !== undefined || (NOT_ACROSS_ROOTS.has(root) && cond.of.includes('.'))) {
      issues.push({ code: 'unknown-reference', message: `a check across hosts reads its members' fields, not ${cond.step !== undefined ? `step: ${cond.step}` : `${root}.…`}`, location: locate(`${pointer}/${cond.step !== undefined ? 'step' : 'of'}`), hint: 'paths: <field>, status, host (this unit), peer.<field> (the other unit), members.<field> (the list over the group)' });
    }
  }
}

function checkUnique(items: Array<{ id: string }>, base: string, what: string, locate: Locate, issues: UserIssue[]): Set<string> {
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    if (seen.has(it.id)) issues.push({ code: 'duplicate-id', message: `duplicate ${what} id '${it.id}' (first at ${base}[${seen.get(it.id)}])`, location: locate(`${base}/${i}/id`), hint: `${what} ids must be unique: reports and waivers key on them` });
    else seen.set(it.id, i);
  });
  return new Set(seen.keys());
}

/** Runs every semantic rule; returns all issues (empty = valid). */
export function checkPlaybookRules(spec: PlaybookSpec, locate: Locate): UserIssue[] {
  const issues: UserIssue[] = [];
  const checkIds = checkUnique(spec.checks, '/checks', 'check', locate, issues);
  const remediationIds = checkUnique(spec.remediations ?? [], '/remediations', 'remediation', locate, issues);

  spec.checks.forEach((c: CheckSpec, ci) => {
    const base = `/checks/${ci}`;
    const earlier = new Set(spec.checks.slice(0, ci).map((x) => x.id));
    if (c.scope !== undefined || c.reads !== undefined) groupCheckIssues(spec, c, base, locate, issues);
    for (const dep of checkDependencies(c)) {
      const read = spec.checks.find((x) => x.id === dep);
      if (read?.scope !== undefined && c.scope === undefined) {
        issues.push({ code: 'unknown-reference', message: `check '${c.id}' reads checks.${dep}, a check across hosts: it is judged after the host has finished`, location: locate(base), hint: 'only a per-host check can be read by a later check' });
        continue;
      }
      if (dep === c.reads) continue; // said by groupCheckIssues
      if (!earlier.has(dep)) issues.push({ code: 'unknown-reference', message: `check '${c.id}' reads checks.${dep}, which is not an earlier check of this playbook`, location: locate(base), hint: 'a check can only read results registered by checks before it' });
    }
    const steps = checkSteps(c.collect, `${base}/collect`, locate, issues);
    checkConditions(c.expect, `${base}/expect`, steps, locate, issues);
    checkConditions(c.when, `${base}/when`, steps, locate, issues);
    checkConditions(c.skip_when, `${base}/skip_when`, steps, locate, issues);
    (c.diagnose ?? []).forEach((r, ri) => checkConditions(r.when, `${base}/diagnose/${ri}/when`, steps, locate, issues));
    (c.remediation ?? []).forEach((rid, i) => {
      if (!remediationIds.has(rid)) {
        const guess = suggest(rid, remediationIds);
        issues.push({ code: 'unknown-reference', message: `check '${c.id}' names remediation '${rid}', which is not defined`, location: locate(`${base}/remediation/${i}`), hint: guess ? `did you mean '${guess}'?` : 'define it under remediations:' });
      }
    });
  });
  (spec.remediations ?? []).forEach((r, ri) => {
    const base = `/remediations/${ri}`;
    const steps = checkSteps(r.capture, `${base}/capture`, locate, issues);
    checkConditions(r.when, `${base}/when`, steps, locate, issues);
    r.verify.forEach((id, i) => {
      if (spec.checks.find((x) => x.id === id)?.scope !== undefined) {
        issues.push({ code: 'unknown-reference', message: `remediation '${r.id}' verifies with check '${id}', a check across hosts, which cannot be re-run on one host`, location: locate(`${base}/verify/${i}`), hint: `verify with the per-host check it reads` });
      } else if (!checkIds.has(id)) {
        const guess = suggest(id, checkIds);
        issues.push({ code: 'unknown-reference', message: `remediation '${r.id}' verifies with check '${id}', which is not defined`, location: locate(`${base}/verify/${i}`), hint: guess ? `did you mean '${guess}'?` : undefined });
      }
    });
    [...r.apply, ...(r.rollback ?? [])].forEach((s) => (s.fail_on ?? []).forEach((p) => {
      const bad = regexIssue(p, () => locate(base));
      if (bad) issues.push(bad);
    }));
  });
  for (const [name, decl] of Object.entries(spec.inputs ?? {})) {
    if (decl.default !== undefined) {
      const err = validateVarValue(decl, decl.default);
      if (err) issues.push({ code: 'invalid-variable', message: `default of input '${name}': ${err}`, location: locate(`/inputs/${name}/default`) });
    }
  }
  issues.push(...checkVarsByInput(spec, locate));
  issues.push(...commandIssues(spec, locate));
  issues.push(...apiIssues(spec, locate));
  for (const { pointer, template } of playbookTemplates(spec)) {
    try {
      templateVariables(template);
    } catch (err) {
      issues.push({ code: 'template', message: `bad template: ${(err as Error).message.split('\n')[0]}`, location: locate(pointer), hint: 'templates use Handlebars: {{name}}, {{join list ","}}' });
    }
  }
  return issues;
}
