/** The embedded SQLite results database (docs/history.md): one file, WAL, a busy timeout. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { HistoryDb, SqlValue } from './db.js';

/** How long a writer waits for another (four shards finishing at once) before giving up;
 * env FIREBOOK_DB_BUSY_MS overrides it (docs/history.md "Databases"). */
export const BUSY_TIMEOUT_MS = 15_000;

export function openSqlite(path: string, opts: { busyMs?: number } = {}): HistoryDb {
  mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path, { timeout: opts.busyMs ?? BUSY_TIMEOUT_MS });
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  let depth = 0;
  // Statements are prepared once per text: recording sends the same batch INSERT many times.
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let st = prepared.get(sql);
    if (!st) {
      st = raw.prepare(sql);
      if (prepared.size > 100) prepared.clear();
      prepared.set(sql, st);
    }
    return st;
  };
  const db: HistoryDb = {
    kind: 'sqlite',
    label: path,
    async query<T extends object>(sql: string, params: readonly SqlValue[] = []) {
      return statement(sql).all(...params) as T[];
    },
    async exec(sql: string, params: readonly SqlValue[] = []) {
      if (params.length) statement(sql).run(...params);
      else raw.exec(sql);
    },
    async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]) {
      if (rows.length === 0) return;
      const st = statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      for (const row of rows) st.run(...row);
    },
    async transaction<T>(fn: (tx: HistoryDb) => Promise<T>): Promise<T> {
      // better-sqlite3 is synchronous, so an async body is bracketed by hand. BEGIN IMMEDIATE
      // takes the write lock at once (waiting up to the busy timeout), so two writers never
      // both read and then fail to write.
      if (depth > 0) return fn(db);
      raw.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const out = await fn(db);
        raw.exec('COMMIT');
        return out;
      } catch (err) {
        if (raw.inTransaction) raw.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    async close() {
      raw.close();
    },
  };
  return db;
}
