/** The history views on SQLite (the numbers: views-suite.ts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { migrate } from '../../src/history/db.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { viewsSuite } from './views-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-hist-views-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('history views (SQLite)', () => {
  viewsSuite(async () => {
    const db = openSqlite(join(dir, 'known.db'));
    await migrate(db);
    return db;
  });
});
