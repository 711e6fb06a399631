/** Loads a playbook file: YAML with positions → schema → semantic rules → LoadedPlaybook. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { UserError } from '../model/errors.js';
import { missingFileHint } from '../io/missing-file.js';
import { checkFileSize } from '../io/input-limits.js';
import type { LoadedPlaybook, PlaybookSpec } from '../model/playbook.js';
import { parseYamlSource } from './yaml-source.js';
import { validateAgainstSchema } from '../validate/schema.js';
import { checkPlaybookRules } from '../validate/playbook-rules.js';
import { conditionFieldIssues } from '../validate/condition-fields.js';

/** Reads a file or throws a UserError that names it (also when it is over the size limit). */
export function readUserFile(path: string, what: string): string {
  checkFileSize(path);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError({
      code: 'file-not-found',
      message: `cannot read ${what} '${path}'${code === 'ENOENT' ? ': no such file' : code ? `: ${code}` : ''}`,
      hint: code === 'ENOENT' ? missingFileHint(path, 'check the path (relative paths are resolved from the current directory)') : undefined,
    });
  }
}

/** `level: shell` is the name a linux host's author reaches for: the same level as `expert`
 * (the login shell; FTD's expert mode). Read as `expert` from here on (docs/playbooks.md). */
function shellIsExpert(spec: PlaybookSpec): void {
  const steps = [...spec.checks.flatMap((c) => c.collect ?? []), ...(spec.remediations ?? []).flatMap((r) => [...(r.capture ?? []), ...r.apply, ...(r.rollback ?? [])])];
  for (const s of steps) if ((s.level as string) === 'shell') s.level = 'expert';
  // An `api:` step is not a shell: its level is `api` (docs/playbooks.md "API steps").
  for (const s of steps) if ('api' in s && s.api !== undefined && (s.level as string | undefined) === undefined) s.level = 'api';
}

/** Loads and validates one playbook. Throws a UserError listing every problem found. */
export function loadPlaybook(path: string, cwd: string = process.cwd()): LoadedPlaybook {
  const text = readUserFile(path, 'playbook');
  const display = relative(cwd, path) || path;
  const source = parseYamlSource(display.startsWith('..') ? path : display, text);
  if (source.value === null || typeof source.value !== 'object' || Array.isArray(source.value)) {
    throw new UserError({ code: 'schema', message: 'a playbook must be a mapping with name and checks', location: source.locate('') });
  }
  const schemaIssues = validateAgainstSchema('playbook', source);
  if (schemaIssues.length > 0) throw new UserError(schemaIssues);
  const spec = source.value as PlaybookSpec;
  shellIsExpert(spec);
  const ruleIssues = [...checkPlaybookRules(spec, source.locate), ...conditionFieldIssues(spec, source.locate)];
  if (ruleIssues.length > 0) throw new UserError(ruleIssues);
  return {
    path,
    sha256: createHash('sha256').update(text).digest('hex'),
    spec,
    locate: (pointer, opts) => source.locate(pointer, opts),
  };
}

/** Loads several playbooks, collecting every error before throwing. */
export function loadPlaybooks(paths: string[], cwd?: string): LoadedPlaybook[] {
  const out: LoadedPlaybook[] = [];
  const issues: UserError['issues'] = [];
  for (const p of paths) {
    try {
      out.push(loadPlaybook(p, cwd));
    } catch (err) {
      if (err instanceof UserError) issues.push(...err.issues);
      else throw err;
    }
  }
  if (issues.length > 0) throw new UserError(issues);
  return out;
}
