/** The history views on PostgreSQL: the same numbers as on SQLite (views-suite.ts), on the
 * server of test/support/pg.ts (FIREBOOK_TEST_PG, or a cluster it starts; skipped with one line
 * when Debian's postgresql package is missing, never in CI). */
import { afterAll, beforeAll, describe } from 'vitest';
import { migrate } from '../../src/history/db.js';
import { openPostgres } from '../../src/history/postgres.js';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../support/pg.js';
import { viewsSuite } from './views-suite.js';

describe.skipIf(!postgresAvailable())('history views (PostgreSQL)', () => {
  let server: TestPostgres;
  beforeAll(() => {
    server = startTestPostgres();
  }, 120_000);
  afterAll(() => server?.stop());
  viewsSuite(async () => {
    const db = openPostgres(await server.freshDatabase());
    await migrate(db);
    return db;
  });
});
