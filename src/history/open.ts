/**
 * Which results database a command uses, and opening it (docs/history.md "Recording"):
 * `--db PATH|URL`, else env FIREBOOK_DB, else `firebook.db` in the reports root (the folder
 * that holds the run folders). A `postgres://` or `postgresql://` URL is PostgreSQL; anything
 * else is a SQLite file.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../model/errors.js';
import { migrate, type HistoryDb } from './db.js';
import { BUSY_TIMEOUT_MS, openSqlite } from './sqlite.js';
import { urlLabel } from './url.js';

/** The default database's file name, in the reports root. */
export const DEFAULT_DB_FILE = 'firebook.db';

export interface DbChoice {
  /** `--db`. */
  db?: string;
  /** `--no-db`: nothing is recorded by this command. */
  noDb?: boolean;
}

export const isPostgresUrl = (spec: string) => /^postgres(?:ql)?:\/\//i.test(spec);

/** A spec as messages name it: a URL without its password. */
export const dbLabel = (spec: string) => (isPostgresUrl(spec) ? urlLabel(spec) : spec);

/** The database spec a command uses, or undefined with `--no-db`. A relative path is taken
 * from `cwd`; the default is `<reportsRoot>/firebook.db`. */
export function resolveDbSpec(choice: DbChoice, env: NodeJS.ProcessEnv, cwd: string, reportsRoot: string): string | undefined {
  if (choice.noDb) return undefined;
  const spec = choice.db ?? (env.FIREBOOK_DB || undefined) ?? join(resolve(cwd, reportsRoot), DEFAULT_DB_FILE);
  return isPostgresUrl(spec) ? spec : resolve(cwd, spec);
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  /** Only an existing database (a SQLite file that exists; PostgreSQL that already has the
   * schema): undefined otherwise, nothing created. */
  existing?: boolean;
}

function busyMs(env: NodeJS.ProcessEnv | undefined): number {
  const raw = env?.FIREBOOK_DB_BUSY_MS;
  if (raw === undefined || raw === '') return BUSY_TIMEOUT_MS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UserError({ code: 'history', message: `FIREBOOK_DB_BUSY_MS must be a whole number of milliseconds, not '${raw}'`, hint: `unset it for the default (${BUSY_TIMEOUT_MS})` });
  return n;
}

/** Opens the database named by `spec` and brings its schema up to date (a newer schema is
 * refused, UserError `history`). */
export async function openHistoryDb(spec: string, opts: OpenOptions & { existing: true }): Promise<HistoryDb | undefined>;
export async function openHistoryDb(spec: string, opts?: OpenOptions): Promise<HistoryDb>;
export async function openHistoryDb(spec: string, opts: OpenOptions = {}): Promise<HistoryDb | undefined> {
  let db: HistoryDb;
  if (isPostgresUrl(spec)) {
    // Loaded only for a PostgreSQL URL: most runs never need the client (startup, heap).
    const { openPostgres } = await import('./postgres.js');
    db = openPostgres(spec);
    if (opts.existing) {
      try {
        const found = await db.query<{ t: string | null }>("SELECT to_regclass('firebook_schema')::text AS t");
        if (!found[0]?.t) {
          await db.close();
          return undefined;
        }
      } catch (err) {
        await db.close();
        throw err;
      }
    }
  } else {
    if (opts.existing && !existsSync(spec)) return undefined;
    db = openSqlite(spec, { busyMs: busyMs(opts.env) });
  }
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

/** openHistoryDb for a command that exists to use the database (history import, prune): a
 * database that cannot be opened is one clear error naming it (UserError `history`). */
export async function openForCommand(command: string, spec: string, opts: OpenOptions = {}): Promise<HistoryDb | undefined> {
  try {
    return await openHistoryDb(spec, opts);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError({
      code: 'history',
      message: `firebook ${command}: cannot open the results database ${dbLabel(spec)}: ${((err as Error).message ?? String(err)).split('\n')[0]}`,
      hint: 'check --db (or FIREBOOK_DB): the file and its folder, or the server and its URL',
    });
  }
}
