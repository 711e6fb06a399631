/** Troubleshoot bundles read offline (docs/bundles.md). */
export { readArchive, BundleError, DEFAULT_LIMITS } from './archive.js';
export type { ArchiveMember, ArchiveLink, ArchiveLimits, OpenedArchive } from './archive.js';
export { answerFor, bundlePathOf, commandOutputName, commandWords, loadBundleMap, memberMatches, mergeBundleMaps, readBundleMapFile, wantOf, SHIPPED_BUNDLE_MAP } from './bundle-map.js';
export type { BundleAnswer, BundleMap, CommandEntry, EntryStatus, PathEntry, PrefixEntry, ReaderEntry } from './bundle-map.js';
export { BundleSession, NOT_IN_BUNDLE, identityPaths, openBundleSession, wantedPaths } from './session.js';
export { BundleConnector, routeBundles } from './connector.js';
