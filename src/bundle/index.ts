/** Troubleshoot bundles read offline (docs/bundles.md). */
export { readArchive, BundleError, DEFAULT_LIMITS } from './archive.js';
export type { ArchiveMember, ArchiveLink, ArchiveLimits, OpenedArchive } from './archive.js';
