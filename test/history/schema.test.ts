import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/history/db.js';
import { SCHEMA_VERSION } from '../../src/history/schema.js';
import { openSqlite } from '../../src/history/sqlite.js';
import { UserError } from '../../src/model/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'fb-hist-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('results database schema (SQLite file)', () => {
  it('migrates a new file and a second migrate changes nothing', async () => {
    const db = openSqlite(join(dir, 'a.db'));
    await migrate(db);
    await migrate(db);
    expect(await db.query('SELECT version FROM firebook_schema')).toEqual([{ version: SCHEMA_VERSION }]);
    expect((await db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((r) => r.name)).toEqual(
      ['change_steps', 'firebook_schema', 'run_checks', 'run_host_groups', 'run_hosts', 'runs'],
    );
    await db.close();
  });

  it('refuses a database written by a newer firebook and leaves it as it was', async () => {
    const db = openSqlite(join(dir, 'b.db'));
    await migrate(db);
    await db.exec('UPDATE firebook_schema SET version = ?', [SCHEMA_VERSION + 1]);
    const err = await migrate(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toContain(`schema version ${SCHEMA_VERSION + 1}, newer than this firebook's (${SCHEMA_VERSION})`);
    expect(await db.query('SELECT version FROM firebook_schema')).toEqual([{ version: SCHEMA_VERSION + 1 }]);
    await db.close();
  });
});
