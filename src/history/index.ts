/** The results database and the history views (docs/history.md). */
export { migrate, type HistoryDb, type SqlValue } from './db.js';
export { MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { openSqlite, BUSY_TIMEOUT_MS } from './sqlite.js';

export { openHistoryDb, openForCommand, resolveDbSpec, dbLabel, isPostgresUrl, DEFAULT_DB_FILE, type DbChoice } from './open.js';
export { recordRun, recordRunFolder, NotARunFolder, type Recorded } from './record.js';
export { pruneHistory, markEvidenceGone, isFolderOfRun, DEFAULT_KEEP_DAYS, type PruneRule, type PruneAction } from './retention.js';
export { urlLabel } from './url.js';
