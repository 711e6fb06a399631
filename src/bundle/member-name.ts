/** Member names as a tar stores them: bytes, decoded as UTF-8 or refused, and shown safely in a message (docs/bundles.md "Hostile and damaged archives"). */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A name read as latin1 (one char per byte) decoded as UTF-8, or undefined when it is not UTF-8.
 * A pax `path`/`linkpath` was decoded as UTF-8 by tar-stream already: a U+FFFD there marks bytes
 * that were not UTF-8.
 */
export function decodeName(raw: string, fromPax: boolean): string | undefined {
  if (fromPax) return raw.includes('\uFFFD') ? undefined : raw;
  try {
    return strictUtf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    return undefined;
  }
}

/** A latin1 name for a message: bytes outside printable ASCII (and `"`, `\\`) as \\xNN. */
export function showBytes(raw: string): string {
  return raw.replace(/[^\x20-\x7e]|["\\]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
