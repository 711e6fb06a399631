/** Persistence: the event log, checksums, report loading, shard merging and the result store. */
export { openEventLog, readEventLog, streamEventLog, parseEventLog, type EventLog } from './event-log.js';
export { readRunInput, reportValidator, type RunInput, type KeepHost } from './load-report.js';
export { mergeShardReports, type ShardReport } from './merge.js';
export { fileResultStore, lazyFileResultStore, memoryResultStore, summaryOf, type ResultStore } from './result-store.js';
export { writeChecksums, checkChecksums, readChecksums, type ChecksumFinding } from './checksums.js';
