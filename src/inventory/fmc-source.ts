/**
 * The `plugin: firebook.fmc` source at work (docs/fmc.md "The inventory source"): asks the
 * FMC through a reader it is given (the API client of src/fmc/, wired in by the CLI), maps the
 * answers (fmc-map.ts) and keeps them in a cache file that holds no secret.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../model/errors.js';
import { redact } from '../model/redact.js';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from '../io/atomic-file.js';
import type { FmcSourceConfig } from './fmc-config.js';
import { FmcMappingError, mapFmcAnswers, type ApiRecord, type FmcMapped } from './fmc-map.js';
import type { Vault } from './vault.js';
import type { FmcConnectOptions } from '../fmc/client.js';

/** What the source needs of an FMC API client: the logged-in domain and paged GETs. */
export interface FmcReader {
  readonly domainUuid: string;
  readonly domainName: string;
  readonly serverVersion?: string;
  /** Every item of a collection (all pages, expanded), `path` absolute under `/api/`. */
  getAll(path: string): Promise<ApiRecord[]>;
}

/** What a connect function is given: src/fmc's options, less its tuning knobs. */
export type FmcConnectSettings = Pick<FmcConnectOptions, 'url' | 'username' | 'password' | 'domain' | 'caFile' | 'validateCerts' | 'rateLimit'>;

/** Logs in to an FMC. Errors carrying `triage` and `nextStep` are shown to the user. */
export type FmcConnect = (settings: FmcConnectSettings) => Promise<FmcReader>;

/** Options of the source, passed down by loadInventory. */
export interface FmcSourceOptions {
  /** The API client's connect (default: the one given to setFmcConnector). */
  connect?: FmcConnect;
  /** Ask the FMC even when the cache is fresh (`--flush-cache`); the cache is rewritten. */
  flushCache?: boolean;
  /** For `password_env` and the cache folder (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds since the epoch (default: Date.now), for the cache's age. */
  now?: () => number;
  /** Where warnings go (default: stderr). */
  warn?: (line: string) => void;
}

let registered: FmcConnect | undefined;

/** Sets the connect function every `firebook.fmc` source uses unless given one (tests give a
 * recorded FMC; by default it is src/fmc's connectFmc). */
export function setFmcConnector(connect: FmcConnect | undefined): void {
  registered = connect;
}

/** The collections the source reads, relative to the domain (docs/fmc.md "The mapping"). */
export const FMC_PATHS = {
  devices: '/devices/devicerecords',
  haPairs: '/devicehapairs/ftddevicehapairs',
  deviceGroups: '/devicegroups/devicegrouprecords',
} as const;

/** Absolute path of a domain collection. */
export function domainPath(domainUuid: string, rel: string): string {
  return `/api/fmc_config/v1/domain/${encodeURIComponent(domainUuid)}${rel}`;
}

/** The cache's format version: a file of another version is a miss. */
const CACHE_VERSION = 1;

/** The cache folder: `$XDG_CACHE_HOME/firebook`, else `~/.cache/firebook`. */
export function fmcCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'firebook');
}

/** One cache file per (URL, user, domain): `fmc-<16 hex of sha256>.json`. */
export function fmcCacheFile(cfg: Pick<FmcSourceConfig, 'url' | 'username' | 'domain'>, env: NodeJS.ProcessEnv = process.env): string {
  const h = createHash('sha256').update(`${cfg.url}\0${cfg.username}\0${cfg.domain}`).digest('hex').slice(0, 16);
  return join(fmcCacheDir(env), `fmc-${h}.json`);
}

/** What the mapping depends on besides the answers: a cache written under other settings is a miss. */
function fingerprint(cfg: FmcSourceConfig): string {
  const parts = { url: cfg.url, username: cfg.username, domain: cfg.domain, includeFmc: cfg.includeFmc, keyedGroups: cfg.keyedGroups, leadingSeparator: cfg.leadingSeparator, compose: cfg.compose };
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

interface CacheDoc {
  version: number;
  writtenAt: string;
  url: string;
  username: string;
  domain: string;
  fingerprint: string;
  inventory: FmcMapped;
}

function readCache(file: string, cfg: FmcSourceConfig, now: number): FmcMapped | undefined {
  let doc: CacheDoc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as CacheDoc;
  } catch {
    return undefined; // absent or damaged: ask the FMC, then rewrite it
  }
  const age = now - Date.parse(doc?.writtenAt);
  if (doc?.version !== CACHE_VERSION || doc.fingerprint !== fingerprint(cfg) || !(age >= 0 && age < cfg.cacheTtl * 1000)) return undefined;
  if (!Array.isArray(doc.inventory?.hosts) || !Array.isArray(doc.inventory?.groups)) return undefined;
  return doc.inventory;
}

function writeCache(file: string, cfg: FmcSourceConfig, mapped: FmcMapped, now: number): void {
  const doc: CacheDoc = { version: CACHE_VERSION, writtenAt: new Date(now).toISOString(), url: cfg.url, username: cfg.username, domain: cfg.domain, fingerprint: fingerprint(cfg), inventory: mapped };
  mkdirSync(join(file, '..'), { recursive: true, mode: PRIVATE_DIR_MODE });
  writeFileAtomic(file, JSON.stringify(doc, null, 1) + '\n', PRIVATE_FILE_MODE);
}

/** The password: from the file (plain or vaulted) or the named environment variable. */
function passwordOf(cfg: FmcSourceConfig, env: NodeJS.ProcessEnv): string {
  if (cfg.password !== undefined) return cfg.password;
  const value = env[cfg.passwordEnv!];
  if (value === undefined || value === '') {
    throw new UserError({ code: 'inventory', message: `the environment variable ${cfg.passwordEnv} (password_env) is not set`, location: cfg.at('password_env'), hint: `export ${cfg.passwordEnv}=... before running firebook (the FMC password of ${cfg.username})` });
  }
  return value;
}

/** The settings a connect function gets for this source (the password read now). */
export function connectSettingsOf(cfg: FmcSourceConfig, env: NodeJS.ProcessEnv = process.env): FmcConnectSettings {
  return {
    url: cfg.url,
    username: cfg.username,
    password: passwordOf(cfg, env),
    domain: cfg.domain,
    ...(cfg.caFile !== undefined ? { caFile: cfg.caFile } : {}),
    validateCerts: cfg.validateCerts,
    rateLimit: cfg.rateLimit,
  };
}

/** An API client's error as a user error (exit 4, nothing ran); anything else is a bug and is rethrown. */
function apiFailure(err: unknown, cfg: FmcSourceConfig, secrets: string[]): unknown {
  const e = err as { triage?: unknown; nextStep?: unknown; message?: unknown };
  if (!(err instanceof Error) || typeof e.triage !== 'string') return err;
  const msg = redact(`could not read the FMC at ${cfg.url} (${e.triage}): ${err.message}`, secrets);
  return new UserError({ code: 'inventory', message: msg, location: cfg.at('url'), hint: typeof e.nextStep === 'string' ? redact(e.nextStep, secrets) : 'check the url, the account and the network' });
}

/**
 * The hosts and groups of one `firebook.fmc` file: from the cache when `cache: true` and it is
 * younger than `cache_ttl`, else from the FMC (then cached). `vault` learns the password, so
 * every output redacts it.
 */
export async function loadFmcSource(cfg: FmcSourceConfig, vault: Vault, opts: FmcSourceOptions = {}): Promise<FmcMapped> {
  const env = opts.env ?? process.env;
  const now = (opts.now ?? Date.now)();
  const warn = opts.warn ?? ((line: string) => void process.stderr.write(line + '\n'));
  if (!cfg.validateCerts) {
    const at = cfg.at('validate_certs');
    warn(`firebook: warning: ${at.file}:${at.line}:${at.col}: validate_certs: false — the FMC's certificate is not checked, so anyone on the path can read the password of ${cfg.username}; use ca_file instead`);
  }
  const cacheFile = cfg.cache ? fmcCacheFile(cfg, env) : undefined;
  if (cacheFile && !opts.flushCache) {
    const cached = readCache(cacheFile, cfg, now);
    if (cached) return cached;
  }
  const settings = connectSettingsOf(cfg, env);
  vault.markRevealed(settings.password);
  const secrets = [settings.password];
  // The API client of src/fmc/ unless a test gave a recorded one; loaded only when an FMC is asked.
  const connect: FmcConnect = opts.connect ?? registered ?? (await import('../fmc/client.js')).connectFmc;
  let mapped: FmcMapped;
  try {
    const reader = await connect(settings);
    const read = (rel: string) => reader.getAll(domainPath(reader.domainUuid, rel));
    const devices = await read(FMC_PATHS.devices);
    const haPairs = await read(FMC_PATHS.haPairs);
    const deviceGroups = await read(FMC_PATHS.deviceGroups);
    mapped = mapFmcAnswers({ devices, haPairs, deviceGroups, domain: { uuid: reader.domainUuid, name: reader.domainName }, ...(reader.serverVersion ? { serverVersion: reader.serverVersion } : {}) }, cfg);
  } catch (err) {
    if (err instanceof FmcMappingError) throw new UserError({ code: 'inventory', message: redact(err.message, secrets), location: cfg.at('url'), hint: 'rename it in the FMC, or list these devices in a static inventory' });
    throw apiFailure(err, cfg, secrets);
  }
  if (cacheFile) writeCache(cacheFile, cfg, mapped, now);
  return mapped;
}
