/**
 * The one interface the history code uses to reach its database (docs/history.md), whether
 * SQLite (`sqlite.ts`) or PostgreSQL (`postgres.ts`). SQL is written once, with `?`
 * placeholders, in the dialect both accept (schema.ts).
 */
import { UserError } from '../model/errors.js';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.js';

export type SqlValue = string | number | null;

export interface HistoryDb {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is, for messages (a file path, or a URL without its password). */
  readonly label: string;
  query<T extends object>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** A statement that returns no rows (or several separated by `;` when params is empty). */
  exec(sql: string, params?: readonly SqlValue[]): Promise<void>;
  /** Inserts many rows into `table` (each row's values in `columns` order), the fastest way
   * the database has: one prepared statement on SQLite, arrays unnested on PostgreSQL. */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]): Promise<void>;
  /** Runs `fn` in one transaction: all of it is recorded, or none of it. */
  transaction<T>(fn: (tx: HistoryDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The advisory lock key of migrations on PostgreSQL (any constant). */
const MIGRATION_LOCK = 0x6669726562; // "fireb"

/**
 * Brings the schema up to `SCHEMA_VERSION`, one migration per transaction. A database written
 * by a newer firebook is refused before anything is written to it.
 */
export async function migrate(db: HistoryDb): Promise<void> {
  await db.transaction(async (tx) => {
    // Several processes may open a new database at once (four shards finishing together): on
    // SQLite the transaction's write lock orders them; on PostgreSQL a transaction-scoped
    // advisory lock does, so only the first creates the tables and the others find them.
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.exec('CREATE TABLE IF NOT EXISTS firebook_schema (version INTEGER NOT NULL)');
    const rows = await tx.query<{ version: number }>('SELECT version FROM firebook_schema');
    const current = rows.length ? Number(rows[0]!.version) : 0;
    if (current > SCHEMA_VERSION) {
      throw new UserError({
        code: 'history',
        message: `${db.label}: the results database has schema version ${current}, newer than this firebook's (${SCHEMA_VERSION}); nothing was written to it`,
        hint: 'upgrade firebook, or give another database with --db',
      });
    }
    for (let v = current; v < SCHEMA_VERSION; v++) await tx.exec(MIGRATIONS[v]!);
    if (!rows.length) await tx.exec('INSERT INTO firebook_schema (version) VALUES (?)', [SCHEMA_VERSION]);
    else if (current < SCHEMA_VERSION) await tx.exec('UPDATE firebook_schema SET version = ?', [SCHEMA_VERSION]);
  });
}
