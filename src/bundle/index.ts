/** Troubleshoot bundles read offline (docs/bundles.md). */
export {};
