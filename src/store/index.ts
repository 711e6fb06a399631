/** Persistence: the event log, checksums, report loading, shard merging and the result store. */
export { openEventLog, readEventLog, parseEventLog, type EventLog } from './event-log.js';
export { loadReportInput } from './load-report.js';
export { writeChecksums } from './checksums.js';
