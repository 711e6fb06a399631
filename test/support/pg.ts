/**
 * PostgreSQL for the results-database suites (docs/history.md "Databases"): the server named by
 * FIREBOOK_TEST_PG (CI: `.ci/run` starts one with `.ci/pg-start.sh`), else a throwaway cluster
 * this file starts with that script when Debian's `postgresql` package is installed, else the
 * suite is skipped with ONE line naming the package (a failure in CI, where nothing may skip).
 * Each test gets a database of its own (`freshDatabase`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ROOT = join(import.meta.dirname, '../..');
const SKIP_LINE = 'skipped: PostgreSQL suite — needs initdb (apt-get install postgresql)';

function pgBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin/initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : undefined;
}

let announced = false;

/** Whether PostgreSQL can be had; prints the skip line once when not (throws in CI). */
export function postgresAvailable(): boolean {
  if (process.env.FIREBOOK_TEST_PG) return true;
  if (pgBin()) return true;
  if (process.env.CI === 'true') throw new Error(`${SKIP_LINE}; CI must run every suite`);
  if (!announced) {
    announced = true;
    process.stderr.write(`${SKIP_LINE}\n`);
  }
  return false;
}

export interface TestPostgres {
  /** The server's URL (its `postgres` database). */
  url: string;
  /** A new empty database on it, as a URL. */
  freshDatabase(): Promise<string>;
  stop(): void;
}

/** Connects to FIREBOOK_TEST_PG or starts a cluster (call in beforeAll; allow ~60 s). */
export function startTestPostgres(): TestPostgres {
  let url = process.env.FIREBOOK_TEST_PG;
  let dir: string | undefined;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'fb-test-pg-'));
    url = execFileSync('bash', [join(ROOT, '.ci/pg-start.sh'), dir], { encoding: 'utf8', timeout: 120_000 }).trim();
  }
  const server = url;
  return {
    url: server,
    async freshDatabase() {
      const name = `fb_${randomBytes(6).toString('hex')}`;
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      const u = new URL(server);
      u.pathname = `/${name}`;
      return u.toString();
    },
    stop() {
      if (!dir) return;
      const as = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
      try {
        execFileSync(as[0] ?? join(pgBin()!, 'pg_ctl'), [...as.slice(1), ...(as.length ? [join(pgBin()!, 'pg_ctl')] : []), '-D', join(dir, 'data'), 'stop', '-m', 'immediate'], { stdio: 'ignore', timeout: 60_000 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
