/**
 * The results database on PostgreSQL (docs/history.md "Databases"): for shards that finish on
 * many machines and teams that share one history. Same SQL as SQLite (`?` placeholders,
 * rewritten to `$1…$n` here); a transaction holds one client of the pool for its whole length.
 */
import pg from 'pg';
import type { HistoryDb, SqlValue } from './db.js';
import { urlLabel } from './url.js';

/** How long to wait for a connection before the database counts as unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;

/** `?` → `$n`, outside quoted strings (the SQL of history/ never puts `?` in a literal, but a
 * quoted one is left alone all the same). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let quoted = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    out += ch === '?' && !quoted ? `$${++n}` : ch;
  }
  return out;
}

/** COUNT(*), SUM() and BIGINT come back from pg as text (they may exceed 2^53): the counts
 * history/ reads are far below that, so every all-digit text of an integer type is a number. */
const INT_TYPES = new Set([20, 1700]); // int8, numeric

function toNumbers(rows: Record<string, unknown>[], fields: pg.FieldDef[]): void {
  const ints = fields.filter((f) => INT_TYPES.has(f.dataTypeID)).map((f) => f.name);
  if (ints.length === 0) return;
  for (const row of rows) for (const k of ints) if (typeof row[k] === 'string') row[k] = Number(row[k]);
}

type Queryable = pg.Pool | pg.PoolClient;

/** Rows per INSERT of insertMany. */
const BATCH = 5000;

function over(runner: Queryable, kind: 'postgres', label: string, inTx: boolean, pool: pg.Pool): HistoryDb {
  const db: HistoryDb = {
    kind,
    label,
    async query<T extends object>(sql: string, params: readonly SqlValue[] = []) {
      const res = await runner.query(numberPlaceholders(sql), [...params]);
      toNumbers(res.rows as Record<string, unknown>[], res.fields);
      return res.rows as T[];
    },
    async exec(sql: string, params: readonly SqlValue[] = []) {
      // Without params a text of several statements goes as one simple query (a migration).
      if (params.length) await runner.query(numberPlaceholders(sql), [...params]);
      else await runner.query(sql);
    },
    async insertMany(table: string, columns: readonly string[], rows: readonly (readonly SqlValue[])[]) {
      // One statement per BATCH rows: each column as one array parameter, unnested into rows.
      for (let i = 0; i < rows.length; i += BATCH) {
        const part = rows.slice(i, i + BATCH);
        const arrays = columns.map((_, c) => part.map((r) => r[c] ?? null));
        const types = arrays.map((values) => (values.some((v) => typeof v === 'number') ? 'bigint[]' : 'text[]'));
        await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${types.map((t, n) => `$${n + 1}::${t}`).join(', ')})`, arrays);
      }
    },
    async transaction<T>(fn: (tx: HistoryDb) => Promise<T>): Promise<T> {
      if (inTx) return fn(db);
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn(over(client, kind, label, true, pool));
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

/** Opens (lazily: the first query connects) the PostgreSQL database at `url`. */
export function openPostgres(url: string): HistoryDb {
  // JIT off for our sessions: the history queries are short, and PostgreSQL's JIT, started by
  // high row estimates on time ranges, cost the fleet trend 2.6 s instead of 0.5 s on a
  // synthetic year (docs/history.md "Speed"). An `options` parameter in the URL
  // replaces this one.
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, options: '-c jit=off' });
  // An idle client losing its server must not crash the process: the next query fails instead.
  pool.on('error', () => undefined);
  return over(pool, 'postgres', urlLabel(url), false, pool);
}
