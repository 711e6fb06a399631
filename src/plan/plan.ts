/**
 * The plan: which checks run on which hosts, with which variables. Resolved once; nothing
 * downstream reads raw input. Every problem is collected before any host is touched.
 */
import type { ConnectionSpec, Inventory } from '../model/inventory.js';
import { playbookStem, type CheckSpec, type LoadedPlaybook, type LocalizedText, type Platform, type RemediationSpec, type Severity } from '../model/playbook.js';
import { UserError, type UserIssue } from '../model/errors.js';
import { connectionSecrets, isSecretName, redact, secretValuesOf } from '../model/redact.js';
import { connectionSpec, selectHosts, withExtraVars } from '../inventory/index.js';
import { checkDependencies, templateVariables } from '../checks/index.js';
import { canonicalChoice, commandSites, playbookTemplates, validateVarValue } from '../command/index.js';
import { RUNTIME_ROOTS } from '../validate/playbook-rules.js';
import { suggest } from '../model/suggest.js';
import { coerceInput } from '../model/inputs.js';
import { commandValueIssues, commandVariablesOf, sayOnce, type HostIssue } from './command-values.js';


/** One playbook as it runs on one host. */
export interface PlannedPlaybook {
  playbook: LoadedPlaybook;
  /** Resolved variables (precedence: input defaults < inventory < playbook vars < vars_by_input <
   * platform_vars < -e). */
  vars: Readonly<Record<string, unknown>>;
  /** With `platform_vars`: the variables for each platform, used when the device reports
   * another platform than the inventory says (the device wins). */
  varsByPlatform?: Partial<Record<Platform, Readonly<Record<string, unknown>>>>;
  /** Checks selected by tags, in playbook order. */
  checks: readonly CheckSpec[];
  /** Every check of the playbook, by id (verification may re-run a check not selected). */
  allChecks: ReadonlyMap<string, CheckSpec>;
  remediations: ReadonlyMap<string, RemediationSpec>;
}

export interface HostPlan {
  name: string;
  connection: ConnectionSpec;
  platform: Platform;
  playbooks: PlannedPlaybook[];
  /** Secret values to redact from everything this host produces. */
  secrets: string[];
  /** The inventory groups of the host, without `all` (the report keeps them for history). */
  groups?: string[];
  /** With `inputErrorsPerHost`: why this host cannot run (an inventory value its input refuses).
   * The host is not connected to; the runner reports this as its `error` (triage
   * `invalid-input`) and every other host runs (docs/faults.md "Input faults"). */
  inputError?: string;
}

export interface RunPlan {
  hosts: HostPlan[];
  checks: Array<{ id: string; title: LocalizedText; severity: Severity; playbook?: string }>;
}

export interface PlanOptions {
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  /** `-e`: the highest precedence, for playbook variables and connection variables alike
   * (`ansible_user`, `ansible_password`, `ansible_port`, `ansible_host`, ...). */
  extraVars?: Record<string, unknown>;
  /** The `-e` argument each extra variable came from (`dns_servers=x`, `@vars.yml`), so an
   * error about it names the argument once instead of the playbook once per host. */
  extraVarOrigins?: Record<string, string>;
  connectionDefaults?: Partial<ConnectionSpec>;
  /** Values that are secret whatever their name (decrypted from Ansible Vault in `-e @file`). */
  secretValues?: readonly string[];
  /** `run` in check mode: a host whose inventory value fails its input's type or `choices` is
   * that host's error (HostPlan.inputError) instead of refusing the whole run. */
  inputErrorsPerHost?: boolean;
}

/** Checks selected by tags, plus every earlier check they read (so `--tags` never turns a
 * dependency into an undecidable error). Playbook order is kept. */
export function selectChecks(checks: readonly CheckSpec[], tags?: string[], skipTags?: string[]): CheckSpec[] {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const chosen = new Set(checks.filter((c) => isCheckSelected(c, tags, skipTags)).map((c) => c.id));
  const queue = [...chosen];
  while (queue.length > 0) {
    for (const dep of checkDependencies(byId.get(queue.pop()!)!)) {
      if (byId.has(dep) && !chosen.has(dep)) {
        chosen.add(dep);
        queue.push(dep);
      }
    }
  }
  return checks.filter((c) => chosen.has(c.id));
}

/** A tag (or id) given on the command line that no check carries is a typo, not "run nothing". */
function unknownTags(playbooks: LoadedPlaybook[], opts: PlanOptions): UserIssue[] {
  const known = new Set(playbooks.flatMap((pb) => pb.spec.checks.flatMap((c) => [c.id, ...(c.tags ?? [])])));
  known.add('all');
  const issues: UserIssue[] = [];
  for (const [flag, list] of [['--tags', opts.tags], ['--skip-tags', opts.skipTags]] as const) {
    for (const t of list ?? []) {
      if (known.has(t)) continue;
      const guess = suggest(t, known);
      issues.push({ code: 'cli-usage', message: `${flag} '${t}' matches no check tag or id`, hint: guess ? `did you mean '${guess}'?` : "list them with 'firebook explain'" });
    }
  }
  return issues;
}

/** Tag selection. Applicability checks always run (like Ansible's `always` tag) unless skipped explicitly. */
export function isCheckSelected(check: CheckSpec, tags?: string[], skipTags?: string[]): boolean {
  const own = new Set([...(check.tags ?? []), check.id]);
  if (skipTags?.some((t) => own.has(t))) return false;
  if (check.applicability) return true;
  if (!tags || tags.length === 0 || tags.includes('all')) return true;
  return tags.some((t) => own.has(t));
}

/** Merges variables for one host and playbook in precedence order. */
export function resolveVars(pb: LoadedPlaybook, hostVars: Record<string, unknown>, platform: Platform, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(pb.spec.inputs ?? {})) if (d.default !== undefined) defaults[k] = d.default;
  const platformVars = pb.spec.platform_vars?.[platform] ?? {};
  // An input such as sse_region selects a block of variables; its own value follows the usual
  // precedence (default < inventory < -e), so it is read before the selected block is merged.
  const chosen = { ...defaults, ...hostVars, ...(pb.spec.vars ?? {}), ...platformVars, ...extra };
  const selected: Record<string, unknown> = {};
  for (const [input, blocks] of Object.entries(pb.spec.vars_by_input ?? {})) {
    const value = canonicalChoice(pb.spec.inputs?.[input], chosen[input]);
    if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(blocks, value)) Object.assign(selected, blocks[value]);
  }
  const merged = { ...defaults, ...hostVars, ...(pb.spec.vars ?? {}), ...selected, ...platformVars, ...extra };
  for (const [k, d] of Object.entries(pb.spec.inputs ?? {})) {
    if (merged[k] === undefined) continue;
    const v = canonicalChoice(d, coerceInput(d.type, merged[k]));
    // `-e dns_servers=` is "not set", never "set to nothing" (which would clear a device setting).
    if (v === '' || v === null || (Array.isArray(v) && v.length === 0)) delete merged[k];
    else merged[k] = v;
  }
  return merged;
}

export { coerceInput };

const USES = new WeakMap<LoadedPlaybook, Array<{ pointer: string; root: string }>>();

/** The variable roots a playbook's templates and commands use, with where (once per playbook). */
function variableUses(pb: LoadedPlaybook): Array<{ pointer: string; root: string }> {
  let uses = USES.get(pb);
  if (!uses) {
    uses = [
      // Messages render leniently (a missing value reads "(unknown)"), so `vars.x` there may be absent.
      ...playbookTemplates(pb.spec).flatMap(({ pointer, template }) => templateVariables(template).map((path) => ({ pointer, root: path.split('.')[0] }))),
      // A command cannot: `{{vars.x}}` needs x like `{{x}}` does.
      ...commandVariablesOf(pb.spec).map(({ pointer, path }) => ({ pointer, root: path.startsWith('vars.') ? path.split('.')[1] : path.split('.')[0] })),
    ];
    USES.set(pb, uses);
  }
  return uses;
}

/** Variables a playbook's templates need that the host does not have. */
export function undefinedVariables(pb: LoadedPlaybook, vars: Record<string, unknown>): UserIssue[] {
  const issues: UserIssue[] = [];
  for (const { pointer, root } of variableUses(pb)) {
    // Declared optional inputs may be absent: what uses them is gated by `when` (exists).
    if (RUNTIME_ROOTS.has(root) || root in vars || pb.spec.inputs?.[root]) continue;
    issues.push({ code: 'undefined-variable', message: `variable '${root}' is not defined`, location: pb.locate(pointer), hint: `define it in the playbook's vars, the inventory (host_vars/group_vars), or pass -e ${root}=...` });
  }
  return issues;
}

/** How an `-e` argument is named in messages; a secret's value is not repeated. */
function extraArgument(name: string, opts: PlanOptions, secret: boolean): string {
  if (secret || isSecretName(name)) return `-e ${name}=…`;
  const origin = opts.extraVarOrigins?.[name] ?? `${name}=${typeof opts.extraVars?.[name] === 'string' ? opts.extraVars[name] : JSON.stringify(opts.extraVars?.[name])}`;
  return `-e ${origin.length > 80 ? `${origin.slice(0, 77)}...` : origin}`;
}

/** Typed inputs given with -e: checked once, the error names the -e argument (one line). */
function extraVarIssues(playbooks: LoadedPlaybook[], opts: PlanOptions): UserIssue[] {
  const issues: UserIssue[] = [];
  for (const pb of playbooks) {
    for (const [name, decl] of Object.entries(pb.spec.inputs ?? {})) {
      if (!opts.extraVars || !(name in opts.extraVars)) continue;
      const v = coerceInput(decl.type, opts.extraVars[name]);
      if (v === '' || v === null || (Array.isArray(v) && v.length === 0)) continue;
      const err = validateVarValue(decl, v);
      if (err) issues.push({ code: 'invalid-variable', message: `${extraArgument(name, opts, !!decl.secret)}: input '${name}' must be ${decl.type}: ${err}` });
    }
  }
  // Said before any host: redact what is known to be secret whatever its name (vaulted values).
  return redactIssues(issues, opts.secretValues ?? []);
}

/** `-e` values checked without an inventory (`firebook validate PLAYBOOK -e …`): the typed
 * inputs, and every command hole they fill (they win over every other source on every host). */
export function checkExtraVars(playbooks: LoadedPlaybook[], opts: PlanOptions): UserIssue[] {
  const issues = extraVarIssues(playbooks, opts);
  for (const pb of playbooks) {
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(opts.extraVars ?? {})) {
      const decl = pb.spec.inputs?.[k];
      const value = decl ? coerceInput(decl.type, v) : v;
      if (!(decl && (value === '' || (Array.isArray(value) && value.length === 0)))) vars[k] = value;
    }
    const fromExtra = (key: string) => extraArgument(key, opts, !!pb.spec.inputs?.[key]?.secret);
    issues.push(...redactIssues(commandValueIssues(pb, commandSites(pb.spec), vars, '', fromExtra).map((i) => i.issue), opts.secretValues ?? []));
  }
  return sayOnce(issues.map((issue) => ({ issue })));
}

/** Typed inputs: required ones present, values of the declared type (those from -e: extraVarIssues). */
export function invalidInputs(pb: LoadedPlaybook, vars: Record<string, unknown>, host: string, extra: Record<string, unknown> = {}): HostIssue[] {
  const issues: HostIssue[] = [];
  for (const [name, decl] of Object.entries(pb.spec.inputs ?? {})) {
    if (name in extra) continue;
    const value = vars[name];
    if (value === undefined || value === null || value === '') {
      if (decl.required) issues.push({ host, issue: { code: 'undefined-variable', message: `required input '${name}' is not set`, location: pb.locate(`/inputs/${name}`), hint: `pass -e ${name}=... or set it in the inventory` } });
      continue;
    }
    const err = validateVarValue(decl, value);
    if (err) issues.push({ host, issue: { code: 'invalid-variable', message: `input '${name}': ${err}`, location: pb.locate(`/inputs/${name}`) } });
  }
  return issues;
}

/** Inputs whose value this host takes from the inventory and that the input refuses: one line
 * each, naming the input, the file the value comes from and what the input accepts. */
function inventoryInputErrors(pb: LoadedPlaybook, vars: Record<string, unknown>, inventory: Inventory, host: string, platform: Platform, extra: Record<string, unknown> = {}): string[] {
  const hostVars = inventory.hosts.get(host)?.vars ?? {};
  const playbookVars = { ...pb.spec.vars, ...pb.spec.platform_vars?.[platform] };
  const out: string[] = [];
  for (const [name, decl] of Object.entries(pb.spec.inputs ?? {})) {
    if (name in extra || !(name in hostVars) || name in playbookVars || vars[name] === undefined) continue;
    const err = validateVarValue(decl, vars[name]);
    if (!err) continue;
    const file = inventory.varSource?.(host, name) ?? inventory.source;
    out.push(`input '${name}' in ${file}${decl.choices ? '' : ` must be ${decl.type}`}: ${err}`);
  }
  return out;
}

/** Error messages are shown: a secret value that failed validation is not printed. */
function redactIssues(issues: UserIssue[], secrets: readonly string[]): UserIssue[] {
  return issues.map((i) => ({ ...i, message: redact(i.message, secrets), ...(i.hint ? { hint: redact(i.hint, secrets) } : {}) }));
}

/** Builds the plan; throws a UserError with every problem found (nothing has run yet). */
export function buildPlan(playbooks: LoadedPlaybook[], inventory: Inventory, opts: PlanOptions = {}): RunPlan {
  const issues: UserIssue[] = [...unknownTags(playbooks, opts), ...extraVarIssues(playbooks, opts)];
  const perHost: HostIssue[] = [];
  const seenIds = new Map<string, string>();
  for (const pb of playbooks) {
    pb.spec.checks.forEach((c, i) => {
      const other = seenIds.get(c.id);
      if (other && other !== pb.path) issues.push({ code: 'duplicate-id', message: `check id '${c.id}' is also defined in ${other}`, location: pb.locate(`/checks/${i}/id`) });
      seenIds.set(c.id, pb.path);
    });
  }
  const limited = opts.limit ? new Set(selectHosts(inventory, opts.limit)) : undefined;
  if (opts.limit && limited!.size === 0) {
    issues.push({ code: 'cli-usage', message: `--limit '${opts.limit}' matches no host in ${inventory.source}`, hint: "list hosts with 'firebook inventory -i FILE --graph'" });
  }
  const hosts = new Map<string, HostPlan>();
  /** With inputErrorsPerHost: each host's inventory values its inputs refuse. */
  const inputErrors = new Map<string, Set<string>>();
  for (const pb of playbooks) {
    const selected = selectChecks(pb.spec.checks, opts.tags, opts.skipTags);
    // The same for every host of this playbook: one of each, shared (memory grows with hosts).
    const allChecks = new Map(pb.spec.checks.map((c) => [c.id, c]));
    const remediations = new Map((pb.spec.remediations ?? []).map((r) => [r.id, r]));
    const targets = selectHosts(inventory, pb.spec.hosts ?? 'all');
    if (targets.length === 0) {
      issues.push({ code: 'unknown-reference', message: `hosts '${pb.spec.hosts ?? 'all'}' matches no host in ${inventory.source}`, location: pb.locate('/hosts'), hint: "list the inventory's groups with 'firebook inventory -i FILE --graph'" });
    }
    for (const name of targets) {
      if (limited && !limited.has(name)) continue;
      const invHost = inventory.hosts.get(name)!;
      const secretNames = Object.entries(pb.spec.inputs ?? {}).filter(([, d]) => d.secret).map(([k]) => k);
      // Known before anything can fail, so no message below can print a secret.
      const knownSecrets = [...secretValuesOf({ ...invHost.vars, ...opts.extraVars }, secretNames), ...(inventory.secretValues ?? []), ...(opts.secretValues ?? [])];
      let connection: ConnectionSpec;
      try {
        // `-e` wins over the inventory for connection variables too, as in Ansible.
        connection = connectionSpec({ ...invHost, vars: withExtraVars(invHost.vars, opts.extraVars) }, opts.connectionDefaults);
      } catch (err) {
        if (err instanceof UserError) issues.push(...redactIssues(err.issues, knownSecrets));
        else throw err;
        continue;
      }
      const vars = resolveVars(pb, invHost.vars, connection.platform, opts.extraVars);
      const plan = hosts.get(name) ?? { name, connection, platform: connection.platform, playbooks: [], secrets: [], groups: invHost.groups.filter((g) => g !== 'all') };
      plan.secrets = [...new Set([...plan.secrets, ...knownSecrets, ...secretValuesOf(vars, secretNames), ...connectionSecrets(connection)])];
      const fromExtra = (key: string) => (opts.extraVars && key in opts.extraVars ? extraArgument(key, opts, !!pb.spec.inputs?.[key]?.secret) : undefined);
      const found: HostIssue[] = [
        ...undefinedVariables(pb, vars).map((issue) => ({ issue, host: name })),
        ...invalidInputs(pb, vars, name, opts.extraVars),
        ...commandValueIssues(pb, commandSites(pb.spec), vars, name, fromExtra),
      ];
      perHost.push(...found.map((f) => ({ ...f, issue: redactIssues([f.issue], plan.secrets)[0] })));
      if (opts.inputErrorsPerHost) {
        const own = inventoryInputErrors(pb, vars, inventory, name, connection.platform, opts.extraVars);
        if (own.length > 0) inputErrors.set(name, new Set([...(inputErrors.get(name) ?? []), ...own]));
      }
      // The transport and recorder redact the same values (a recording must hold no secret).
      plan.connection = { ...plan.connection, secrets: plan.secrets };
      const platformVars = pb.spec.platform_vars;
      plan.playbooks.push({
        playbook: pb,
        vars,
        ...(platformVars
          ? { varsByPlatform: Object.fromEntries((['ftd', 'fmc', 'linux'] as const).map((p) => [p, p === connection.platform ? vars : resolveVars(pb, invHost.vars, p, opts.extraVars)])) }
          : {}),
        checks: selected,
        allChecks,
        remediations,
      });
      hosts.set(name, plan);
    }
  }
  // A host that cannot run for its own inventory value is that host's error, not everyone's:
  // what else is wrong with it (e.g. a variable its value would have selected) waits for the fix.
  for (const [name, errors] of inputErrors) {
    const plan = hosts.get(name)!;
    plan.inputError = redact([...errors].join('; '), plan.secrets);
  }
  issues.push(...sayOnce(perHost.filter((f) => f.host === undefined || !inputErrors.has(f.host))));
  if (issues.length === 0 && hosts.size === 0) issues.push({ code: 'cli-usage', message: 'nothing to run: no host is targeted by the playbooks and --limit', hint: "check the playbooks' hosts: and --limit against 'firebook inventory -i FILE --graph'" });
  if (issues.length > 0) throw new UserError(sayOnce(issues.map((issue) => ({ issue }))));
  const checks = playbooks.flatMap((pb) => selectChecks(pb.spec.checks, opts.tags, opts.skipTags).map((c) => {
    const dependsOn = checkDependencies(c);
    return { id: c.id, title: c.title, severity: c.severity, ...(dependsOn.length ? { dependsOn } : {}), playbook: playbookStem(pb.path) };
  }));
  return { hosts: [...hosts.values()], checks };
}
