/** The history views on PostgreSQL: the same numbers as on SQLite (views-suite.ts). Uses the
 * server named by FIREBOOK_TEST_PG; without it the suite is skipped with one line.
 * (The integrator points this at hist-db's test/support/pg.ts, which also starts a cluster.) */
import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import pg from 'pg';
import { migrate, type HistoryDb } from '../../src/history/db.js';
import { viewsSuite } from './views-suite.js';

const server = process.env.FIREBOOK_TEST_PG;
if (!server) process.stderr.write('skipped: history views on PostgreSQL — set FIREBOOK_TEST_PG=postgres://… (apt-get install postgresql)\n');

/** hist-db's driver (src/history/postgres.ts), by a computed path so this file compiles before it lands. */
async function openPostgres(url: string): Promise<HistoryDb> {
  const driver = '../../src/history/postgres.js';
  const mod = (await import(driver)) as { openPostgres(url: string): HistoryDb };
  return mod.openPostgres(url);
}

describe.skipIf(!server)('history views (PostgreSQL)', () => {
  viewsSuite(async () => {
    const name = `fb_views_${randomBytes(6).toString('hex')}`;
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const u = new URL(server!);
    u.pathname = `/${name}`;
    const db = await openPostgres(u.toString());
    await migrate(db);
    return db;
  });
});
