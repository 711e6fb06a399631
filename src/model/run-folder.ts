/** File names of a run folder that more than one room relies on: the manifest store/checksums.ts
 * writes and the signature sign/evidence.ts writes over it (docs/history.md "Signed evidence"). */
export const CHECKSUMS_FILE = 'SHA256SUMS';
/** Never listed in SHA256SUMS: it is made from SHA256SUMS, after it. */
export const CHECKSUMS_SIGNATURE_FILE = 'SHA256SUMS.sig';
