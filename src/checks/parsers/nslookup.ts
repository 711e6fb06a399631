/**
 * `nslookup NAME` (BIND or BusyBox; which one the device ships is unconfirmed, docs/devices.md "curl and nslookup").
 * Matched on text, not exit code: BusyBox may exit 0 on NXDOMAIN.
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { contentLines, detectShellError, unrecognised } from './common.js';

const TIMEOUT = /connection timed out; no servers could be reached/i;
const CANT_FIND = /\*\*\s*(?:server )?can't find\s+\S+?:?\s+(NXDOMAIN|SERVFAIL|REFUSED)/i;
const SERVER = /^Server:\s+(\S+)/;
const NAME = /^Name:\s+(\S+)/;
// BIND `Address: 1.2.3.4`, BusyBox `Address 1: 1.2.3.4 host`, server line `Address:\t1.2.3.4#53`.
const ADDRESS = /^Address(?:\s+\d+)?:\s+(\S+)/;

/** Parses nslookup: status `ok` | `timeout` | `nxdomain` (| `servfail` | `refused`), server, addresses[]. */
export function parseNslookup(output: string): ParseResult {
  const lines = contentLines(output);
  const text = lines.join('\n');
  let server: string | null = null;
  const addresses: string[] = [];
  let inAnswer = false;
  for (const line of lines) {
    const s = SERVER.exec(line);
    if (s && server === null) {
      server = s[1];
      continue;
    }
    if (NAME.test(line)) {
      inAnswer = true;
      continue;
    }
    const a = ADDRESS.exec(line);
    if (a && inAnswer) addresses.push(a[1]);
  }
  const base: Fields = { server, addresses };
  if (TIMEOUT.test(text)) return { fields: { ...base, status: 'timeout' } };
  const cant = CANT_FIND.exec(text);
  if (cant) return { fields: { ...base, status: cant[1].toLowerCase() } };
  if (addresses.length > 0) return { fields: { ...base, status: 'ok' } };
  return { fields: {}, error: detectShellError(output) ?? unrecognised('nslookup', lines) };
}
