/**
 * The `plugin: firebook.fmc` inventory file (docs/fmc.md "The inventory source"): its keys,
 * checked one by one with their position, before anything is asked of the FMC. Pure apart
 * from checking that `ca_file` exists.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import type { SourceLocation } from '../model/playbook.js';
import { suggest } from '../model/suggest.js';

/** The plugin name a file names in its `plugin:` key. */
export const FMC_PLUGIN = 'firebook.fmc';

/** One `keyed_groups` entry: hosts go to `prefix + separator + value` (sanitised). */
export interface KeyedGroup {
  /** A field path of the device record (or a variable the source sets). */
  key: string;
  prefix: string;
  separator: string;
}

/** A checked `firebook.fmc` file. Holds the password in memory only: never written anywhere. */
export interface FmcSourceConfig {
  /** The inventory file. */
  file: string;
  /** `https://host[:port]`, no trailing slash. */
  url: string;
  username: string;
  /** From `password:` (plain or `!vault`). */
  password?: string;
  /** From `password_env:`; read when the FMC is asked (a cache hit needs no password). */
  passwordEnv?: string;
  domain: string;
  /** Absolute path. */
  caFile?: string;
  validateCerts: boolean;
  rateLimit: number;
  includeFmc: boolean;
  keyedGroups: KeyedGroup[];
  /** Ansible's `leading_separator` (a key of the file, not of an entry): with an empty prefix,
   * `_value` (true) or `value` (false). */
  leadingSeparator: boolean;
  /** variable → field path. */
  compose: Record<string, string>;
  cache: boolean;
  /** Seconds. */
  cacheTtl: number;
  /** Where each key was written, for later messages (the password env, validate_certs). */
  at: (key: string) => SourceLocation;
}

/** Every key the file may hold. */
export const FMC_KEYS = ['plugin', 'url', 'username', 'password', 'password_env', 'domain', 'ca_file', 'validate_certs', 'rate_limit', 'include_fmc', 'keyed_groups', 'leading_separator', 'compose', 'cache', 'cache_ttl'] as const;

/** Defaults (docs/fmc.md "Keys"). */
export const FMC_DEFAULTS = { domain: 'Global', validateCerts: true, rateLimit: 110, includeFmc: false, cacheTtl: 3600 } as const;
/** The FMC allows 120 requests a minute, 300 from 7.4.1 (docs/fmc.md). */
export const MAX_RATE_LIMIT = 300;

/** A field path: names and list indexes joined by dots (`hostName`, `metadata.domain.name`). */
export const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.(?:[A-Za-z_][A-Za-z0-9_]*|\d+))*$/;
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYED_KEYS = ['key', 'prefix', 'separator'];

/** Locates a key path in the file: the value's node (or the key's, `wantKey`). */
export type Locate = (path: unknown[], wantKey?: boolean) => SourceLocation;

/**
 * Checks the parsed file (`data`: the YAML mapping, Maps for mappings) and returns its
 * configuration; every mistake is a UserError (`inventory`, exit 4) at its line and column.
 * All problems are reported together.
 */
export function parseFmcConfig(data: Map<unknown, unknown>, file: string, locate: Locate): FmcSourceConfig {
  const issues: UserError['issues'] = [];
  const problem = (path: unknown[], message: string, hint?: string, wantKey = false) => {
    issues.push({ code: 'inventory', message, location: locate(path, wantKey), ...(hint ? { hint } : {}) });
  };
  const plugin = data.get('plugin');
  if (plugin !== FMC_PLUGIN) {
    const near = typeof plugin === 'string' ? suggest(plugin, [FMC_PLUGIN]) : undefined;
    throw new UserError({
      code: 'inventory',
      message: `unknown inventory plugin ${JSON.stringify(plugin)}`,
      location: locate(['plugin'], true),
      hint: near ? `did you mean '${near}'? (firebook's one inventory plugin)` : `firebook knows one inventory plugin, ${FMC_PLUGIN} (docs/fmc.md); other inventories are static YAML or INI`,
    });
  }
  for (const key of data.keys()) {
    if (typeof key === 'string' && (FMC_KEYS as readonly string[]).includes(key)) continue;
    const near = typeof key === 'string' ? suggest(key, FMC_KEYS) : undefined;
    problem([key], `unknown key '${String(key)}' in a ${FMC_PLUGIN} inventory`, near ? `did you mean '${near}'? (docs/fmc.md lists the keys)` : `the keys are ${FMC_KEYS.join(', ')}`, true);
  }
  const str = (key: string, required: boolean): string | undefined => {
    const v = data.get(key);
    if (v === undefined || v === null) {
      if (required) problem([], `'${key}' is missing`, `add '${key}:' (docs/fmc.md "Keys")`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      problem([key], `'${key}' must be a non-empty string`, `quote it: ${key}: "..."`);
      return undefined;
    }
    return v;
  };
  const bool = (key: string, dflt: boolean): boolean => {
    const v = data.get(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') problem([key], `'${key}' must be true or false, got ${JSON.stringify(v)}`, `write ${key}: true or ${key}: false`);
    return v === true || (typeof v !== 'boolean' && dflt);
  };
  const int = (key: string, dflt: number, min: number, max: number): number => {
    const v = data.get(key);
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problem([key], `'${key}' must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`, `the default is ${dflt}`);
      return dflt;
    }
    return v;
  };

  let url = str('url', true) ?? '';
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      problem(['url'], `'url' ${JSON.stringify(url)} is not a URL`, 'write url: https://fmc.example.net');
    }
    if (parsed) {
      if (parsed.protocol !== 'https:') problem(['url'], `'url' must use https://, got ${parsed.protocol}//`, 'the FMC REST API is served over HTTPS only; the password must never cross the network in clear');
      else if (parsed.username || parsed.password) problem(['url'], "'url' must not hold a user or password", "use 'username:' and 'password_env:'");
      else if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) problem(['url'], `'url' must be the FMC's address only, without a path, got ${JSON.stringify(url)}`, `write url: ${parsed.origin}`);
      url = parsed.origin;
    }
  }
  const username = str('username', true) ?? '';
  const password = data.get('password');
  const passwordEnv = str('password_env', false);
  if (password !== undefined && password !== null && (typeof password !== 'string' || password === '')) problem(['password'], "'password' must be a non-empty string", 'prefer password_env: FMC_PASSWORD, or a `!vault |` value');
  if (password !== undefined && passwordEnv !== undefined) problem(['password_env'], "'password' and 'password_env' are both given", 'keep one of them', true);
  if ((password === undefined || password === null) && data.get('password_env') === undefined) problem([], "neither 'password' nor 'password_env' is given", 'add password_env: FMC_PASSWORD (the variable holding the password), or a `password: !vault |` value');
  if (passwordEnv !== undefined && !VAR_NAME.test(passwordEnv)) problem(['password_env'], `'password_env' must name an environment variable, got ${JSON.stringify(passwordEnv)}`, 'write password_env: FMC_PASSWORD (the name, never the password itself)');
  const domain = str('domain', false) ?? FMC_DEFAULTS.domain;
  const caRaw = str('ca_file', false);
  const caFile = caRaw !== undefined ? resolve(dirname(file), caRaw) : undefined;
  if (caFile !== undefined && !existsSync(caFile)) problem(['ca_file'], `ca_file ${caRaw} does not exist`, `the path is relative to ${file}`);
  const validateCerts = bool('validate_certs', FMC_DEFAULTS.validateCerts);
  if (!validateCerts && caRaw !== undefined) problem(['validate_certs'], "'validate_certs: false' contradicts 'ca_file'", 'keep ca_file and remove validate_certs: false (the certificate is then checked against that CA)');
  const rateLimit = int('rate_limit', FMC_DEFAULTS.rateLimit, 1, MAX_RATE_LIMIT);
  const includeFmc = bool('include_fmc', FMC_DEFAULTS.includeFmc);
  const leadingSeparator = bool('leading_separator', true);
  const cache = bool('cache', false);
  const cacheTtl = int('cache_ttl', FMC_DEFAULTS.cacheTtl, 0, 31 * 86_400);

  const keyedGroups: KeyedGroup[] = [];
  const kg = data.get('keyed_groups');
  if (kg !== undefined && kg !== null) {
    if (!Array.isArray(kg)) problem(['keyed_groups'], "'keyed_groups' must be a list", 'write keyed_groups: [{ key: model, prefix: model }]');
    else {
      kg.forEach((entry, i) => {
        const path = ['keyed_groups', i];
        if (!(entry instanceof Map)) return problem(path, `keyed_groups entry ${i + 1} must be a mapping with key: and prefix:`, 'write { key: model, prefix: model }');
        for (const k of entry.keys()) {
          if (typeof k === 'string' && KEYED_KEYS.includes(k)) continue;
          const near = typeof k === 'string' ? suggest(k, KEYED_KEYS) : undefined;
          problem([...path, k], `unknown key '${String(k)}' in keyed_groups entry ${i + 1}`, near ? `did you mean '${near}'? (an entry may hold ${KEYED_KEYS.join(', ')})` : `an entry may hold ${KEYED_KEYS.join(', ')}`, true);
        }
        const key = entry.get('key');
        if (typeof key !== 'string' || !FIELD_PATH.test(key)) {
          return problem(key === undefined ? path : [...path, 'key'], `keyed_groups entry ${i + 1}: 'key' must be a field path such as model or metadata.domain.name, got ${JSON.stringify(key ?? null)}`, 'firebook reads a field of the device record; it never evaluates an expression (Ansible evaluates Jinja here: docs/fmc.md "Differences from Ansible")');
        }
        const text = (k: string, dflt: string): string => {
          const v = entry.get(k);
          if (v === undefined || v === null) return dflt;
          if (typeof v !== 'string') {
            problem([...path, k], `keyed_groups entry ${i + 1}: '${k}' must be a string`, `quote it: ${k}: "..."`);
            return dflt;
          }
          return v;
        };
        keyedGroups.push({ key, prefix: text('prefix', ''), separator: text('separator', '_') });
      });
    }
  }
  const compose: Record<string, string> = {};
  const cp = data.get('compose');
  if (cp !== undefined && cp !== null) {
    if (!(cp instanceof Map)) problem(['compose'], "'compose' must be a mapping of variable: field path", 'write compose: { ansible_host: hostName }');
    else {
      for (const [k, v] of cp) {
        if (typeof k !== 'string' || !VAR_NAME.test(k)) {
          problem(['compose', k], `compose: ${JSON.stringify(k)} is not a variable name`, 'letters, digits and _, not starting with a digit', true);
          continue;
        }
        if (typeof v !== 'string' || !FIELD_PATH.test(v)) {
          problem(['compose', k], `compose: '${k}' must be a field path such as hostName or metadata.deviceSerialNumber, got ${JSON.stringify(v ?? null)}`, 'firebook reads a field of the device record; it never evaluates an expression (Ansible evaluates Jinja here: docs/fmc.md "Differences from Ansible")');
          continue;
        }
        compose[k] = v;
      }
    }
  }
  if (issues.length > 0) throw new UserError(issues);
  return {
    file,
    url,
    username,
    ...(typeof password === 'string' ? { password } : {}),
    ...(passwordEnv !== undefined ? { passwordEnv } : {}),
    domain,
    ...(caFile !== undefined ? { caFile } : {}),
    validateCerts,
    rateLimit,
    includeFmc,
    keyedGroups,
    leadingSeparator,
    compose,
    cache,
    cacheTtl,
    at: (key) => locate([key], true),
  };
}
