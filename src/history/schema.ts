/**
 * The results database's schema (docs/history.md "Tables"): versioned migrations in SQL that
 * SQLite and PostgreSQL both accept. Times are ISO 8601 UTC text (`2026-12-07T11:12:30.744Z`),
 * so they sort as text and a day is `substr(t, 1, 10)` on both.
 * A migration is appended, never edited; `SCHEMA_VERSION` is the number of migrations.
 */

export const MIGRATIONS: readonly string[] = [
  // 1: runs, hosts per run, checks per host per run, groups per host per run, change steps.
  `CREATE TABLE runs (
    run_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    mode TEXT NOT NULL,
    playbooks TEXT NOT NULL,
    inventory TEXT,
    operator TEXT,
    exit_code INTEGER,
    shard TEXT,
    merged_from TEXT,
    signer TEXT,
    folder TEXT,
    sums_sha256 TEXT,
    evidence INTEGER NOT NULL DEFAULT 1,
    hosts_total INTEGER NOT NULL DEFAULT 0,
    checks_pass INTEGER NOT NULL DEFAULT 0,
    checks_fail INTEGER NOT NULL DEFAULT 0,
    checks_error INTEGER NOT NULL DEFAULT 0,
    checks_skipped INTEGER NOT NULL DEFAULT 0,
    checks_waived INTEGER NOT NULL DEFAULT 0,
    recorded_at TEXT NOT NULL
  );
  CREATE INDEX runs_started ON runs (started_at);
  CREATE TABLE run_hosts (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    host TEXT NOT NULL,
    status TEXT NOT NULL,
    triage TEXT,
    platform TEXT,
    version TEXT,
    model TEXT,
    started_at TEXT NOT NULL,
    checks_pass INTEGER NOT NULL DEFAULT 0,
    checks_fail INTEGER NOT NULL DEFAULT 0,
    checks_error INTEGER NOT NULL DEFAULT 0,
    checks_skipped INTEGER NOT NULL DEFAULT 0,
    checks_waived INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, host)
  );
  CREATE INDEX run_hosts_host ON run_hosts (host, started_at);
  CREATE INDEX run_hosts_started ON run_hosts (started_at);
  CREATE TABLE run_host_groups (
    run_id TEXT NOT NULL,
    host TEXT NOT NULL,
    group_name TEXT NOT NULL,
    PRIMARY KEY (run_id, host, group_name),
    FOREIGN KEY (run_id, host) REFERENCES run_hosts (run_id, host) ON DELETE CASCADE
  );
  CREATE INDEX run_host_groups_group ON run_host_groups (group_name, run_id);
  CREATE TABLE run_checks (
    run_id TEXT NOT NULL,
    host TEXT NOT NULL,
    check_id TEXT NOT NULL,
    playbook TEXT NOT NULL,
    started_at TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT,
    cause TEXT,
    waiver TEXT,
    PRIMARY KEY (run_id, host, check_id),
    FOREIGN KEY (run_id, host) REFERENCES run_hosts (run_id, host) ON DELETE CASCADE
  );
  CREATE INDEX run_checks_host_check ON run_checks (host, check_id, started_at);
  CREATE INDEX run_checks_check ON run_checks (check_id, started_at);
  CREATE TABLE change_steps (
    run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    host TEXT NOT NULL,
    step_id TEXT NOT NULL,
    phase TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    approved_by TEXT,
    ticket TEXT,
    PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX change_steps_host ON change_steps (host, at);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
