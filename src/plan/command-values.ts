/**
 * The command gate at plan time: every value the plan already knows (variables, `-e`, loop
 * lists) is put through the same check the run would apply (command/gate.ts), so a value that
 * cannot go into a command is invalid input (exit 4) before any host is touched — not a
 * check `error` on every host. Values known only at run time (facts, captured, checks) are
 * gated when the command is built.
 */
import type { PlaybookSpec, LoadedPlaybook } from '../model/playbook.js';
import type { UserIssue } from '../model/errors.js';
import { getPath } from '../model/dotted-path.js';
import { apiSites, commandSites, commandTemplate, fillHole, loopPath, renderApiPath, stepHoleTypes, TemplateError, validateVarValue, type CommandSite, type Hole } from '../command/index.js';
import { renderReadOnly } from '../command/read-only.js';

/** A problem found for one host (undefined: the same for all), before grouping. */
export interface HostIssue {
  issue: UserIssue;
  host?: string;
}

/** Roots filled at run time; their values are gated when the command is built. */
const RUN_TIME = new Set(['facts', 'captured', 'checks', 'steps', 'fields', 'host']);

function hostList(hosts: string[]): string {
  if (hosts.length === 1) return `host '${hosts[0]}'`;
  const shown = hosts.slice(0, 3).join(', ');
  return hosts.length > 3 ? `hosts ${shown} and ${hosts.length - 3} more` : `hosts ${shown}`;
}

/** The same problem on many hosts is said once, naming the hosts (3, then a count). */
export function sayOnce(list: HostIssue[]): UserIssue[] {
  const groups = new Map<string, { issue: UserIssue; hosts: string[] }>();
  for (const { issue, host } of list) {
    const key = `${issue.code}|${issue.message}|${issue.location?.file}:${issue.location?.line}:${issue.location?.col}`;
    const g = groups.get(key) ?? { issue, hosts: [] };
    if (host !== undefined && !g.hosts.includes(host)) g.hosts.push(host);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ issue, hosts }) => (hosts.length === 0 ? issue : { ...issue, message: `${issue.message} for ${hostList(hosts)}` }));
}

/** Every variable path the command templates use, with the pointer of the template. */
export function commandVariablesOf(spec: PlaybookSpec): Array<{ pointer: string; path: string }> {
  const out: Array<{ pointer: string; path: string }> = [];
  // `api:` paths too (docs/playbooks.md "API steps"): their holes are filled like a command's.
  for (const site of [...commandSites(spec), ...apiSites(spec)]) {
    try {
      for (const h of commandTemplate(site.template).holes) out.push({ pointer: site.pointer, path: h.path });
    } catch {
      /* reported by validation */
    }
  }
  return out;
}

/** The variable a hole reads (`x` for `{{x.y}}` and `{{vars.x}}`), or undefined for a run-time root. */
function variableOf(path: string): { key: string; parts: string[] } | undefined {
  const parts = path.split('.');
  if (parts[0] === 'vars' && parts.length > 1) return { key: parts[1], parts: parts.slice(1) };
  if (RUN_TIME.has(parts[0]) || parts[0] === 'item' || parts[0] === 'vars') return undefined;
  return { key: parts[0], parts };
}

/**
 * Gates every value a host's commands will use. `fromExtra(key)` names the `-e` argument a
 * variable came from: such a problem is reported once, naming it, without a host.
 */
export function commandValueIssues(pb: LoadedPlaybook, sites: CommandSite[], vars: Record<string, unknown>, host: string, fromExtra: (key: string) => string | undefined): HostIssue[] {
  const issues: HostIssue[] = [];
  // A typed input with a wrong value is reported by the input check (same type predicates).
  const badInput = (key: string) => {
    const decl = pb.spec.inputs?.[key];
    return decl !== undefined && vars[key] !== undefined && validateVarValue(decl, vars[key]) !== undefined;
  };
  const report = (site: CommandSite, hole: Hole, key: string, err: unknown) => {
    if (!(err instanceof TemplateError)) throw err;
    const what = err.message.replace(/ \(template line \d+, column \d+\)$/, '');
    const extra = fromExtra(key);
    const message = `${what} (${site.level === 'api' ? 'in an api: path' : `in a ${site.level} command`})`;
    if (extra) issues.push({ issue: { code: 'invalid-variable', message: `${extra}: ${message}` } });
    else issues.push({ host, issue: { code: 'invalid-variable', message, location: pb.locate(site.pointer, { offset: hole.offset }), hint: 'fix the value in the inventory or the playbook (docs/commands.md: types of command values)' } });
  };
  for (const site of sites) {
    let holes: readonly Hole[];
    try {
      holes = commandTemplate(site.template).holes;
    } catch {
      continue;
    }
    const typeOf = stepHoleTypes(pb.spec, site.step);
    const before = issues.length;
    // A read-only step whose values are all known now is rendered and judged as a whole, by the
    // run's own renderer (a curl URL operand must be http(s) whatever the value's type).
    if (site.readOnly) wholeCommand(pb, site, holes, vars, badInput, (hole, key, err) => report(site, hole, key, err));
    if (issues.length > before) continue;
    for (const hole of holes) {
      if (hole.path === 'item') {
        const lp = site.step?.loop !== undefined ? loopPath(site.step.loop) : undefined;
        const v = lp !== undefined ? variableOf(lp) : undefined;
        if (!v || badInput(v.key)) continue;
        const list = getPath(vars, v.parts);
        if (!Array.isArray(list)) continue;
        for (const item of list) {
          try {
            fillHole(item, typeOf('item'), site.level, 'item', hole);
          } catch (err) {
            report(site, hole, v.key, err);
            break;
          }
        }
        continue;
      }
      const v = variableOf(hole.path);
      if (!v || badInput(v.key)) continue;
      const value = getPath(vars, v.parts);
      if (value === undefined) continue; // undefined variables are reported on their own
      try {
        fillHole(value, typeOf(hole.path), site.level, hole.path, hole);
      } catch (err) {
        report(site, hole, v.key, err);
      }
    }
  }
  // `api:` paths (docs/playbooks.md "API steps"): rendered with the plan's values when every hole
  // is a variable known now, so a value that is not one path segment is refused before any run.
  for (const site of apiSites(pb.spec)) {
    let holes: readonly Hole[];
    try {
      holes = commandTemplate(site.template).holes;
    } catch {
      continue;
    }
    const known = holes.map((h) => ({ h, v: variableOf(h.path) }));
    if (holes.length === 0 || known.some(({ v }) => !v || badInput(v.key) || getPath(vars, v.parts) === undefined)) continue;
    try {
      renderApiPath(site.template, { ...vars, vars }, stepHoleTypes(pb.spec, site.step));
    } catch (err) {
      const hole = holes.find((h) => err instanceof TemplateError && err.line === h.line && err.col === h.col) ?? holes[0];
      report({ pointer: site.pointer, template: site.template, level: 'api', readOnly: true, step: site.step }, hole, variableOf(hole.path)!.key, err);
    }
  }
  return issues;
}

/** Renders a read-only step with the plan's values (each loop item) when every hole is known
 * now; a refusal is reported on the first hole of the template. */
function wholeCommand(pb: LoadedPlaybook, site: CommandSite, holes: readonly Hole[], vars: Record<string, unknown>, badInput: (key: string) => boolean, report: (hole: Hole, key: string, err: unknown) => void): void {
  if (holes.length === 0) return;
  const keys: string[] = [];
  let items: unknown[] = [undefined];
  for (const hole of holes) {
    const path = hole.path === 'item' && site.step?.loop !== undefined ? loopPath(site.step.loop) : hole.path === 'item' ? undefined : hole.path;
    const v = path !== undefined ? variableOf(path) : undefined;
    if (!v || badInput(v.key) || getPath(vars, v.parts) === undefined) return;
    keys.push(v.key);
    if (hole.path === 'item') {
      const list = getPath(vars, v.parts);
      if (!Array.isArray(list)) return;
      items = list;
    }
  }
  const typeOf = stepHoleTypes(pb.spec, site.step);
  for (const item of items) {
    try {
      renderReadOnly(site.template, { ...vars, vars, item }, site.level, typeOf, pb.spec.readonly_commands, site.file);
    } catch (err) {
      report(holes[0], keys[0], err);
      return;
    }
  }
}
