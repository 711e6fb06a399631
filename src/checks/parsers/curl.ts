/**
 * `curl -v` output plus its exit code. Message wording differs by curl version
 * (docs/devices.md "curl and nslookup": `Couldn't resolve host 'x'` vs `Could not resolve host: x`), so the
 * exit code is the primary signal and texts are matched loosely.
 */
import type { Fields } from '../../model/result.js';
import type { ParseResult } from './types.js';
import { contentLines, unrecognised } from './common.js';

const CURL_ERROR = /^curl: \((\d+)\)\s*(.*)$/;
// `< HTTP/1.1 403 Forbidden` (verbose) or `HTTP/2 200` (with -i). With -L the last one counts.
const STATUS_LINE = /^(?:<\s*)?HTTP\/[\d.]+\s+(\d{3})\b/;
const CONNECTED = /^\*\s*Connected to\s+(\S+)\s+\(([^)]*)\)\s+port\s+(\d+)/;
const TRYING = /^\*\s*Trying\s+\S+/;
const RESOLVE_FAILED = /(Couldn't|Could not) resolve (host|proxy)|getaddrinfo\(\d*\) failed|Resolving timed out/i;
const TLS_SEEN = /^\*\s*(SSL connection using|TLSv[\d.]+ \(IN\), TLS handshake|ALPN, server accepted)/;
const VERIFY_OK = /SSL certificate verify ok/i;
const VERIFY_BAD = /SSL certificate verify result: (?!ok)|SSL certificate problem|certificate verify failed/i;

/** Parses curl's verbose output. `reachable` = an HTTP status line was received (403 counts). */
export function parseCurl(output: string, exitCode: number | null): ParseResult {
  const lines = contentLines(output);
  let httpStatus: number | null = null;
  let errorCode: number | undefined;
  let errorText: string | null = null;
  let connectedIp: string | null = null;
  let sawConnected = false;
  let sawTrying = false;
  let sawTls = false;
  let sawVerbose = false;
  let verify: boolean | null = null;
  for (const line of lines) {
    const err = CURL_ERROR.exec(line);
    if (err) {
      errorCode = Number(err[1]);
      errorText = line.trim();
      continue;
    }
    const status = STATUS_LINE.exec(line);
    if (status) {
      httpStatus = Number(status[1]);
      continue;
    }
    if (line.startsWith('*')) sawVerbose = true;
    const connected = CONNECTED.exec(line);
    if (connected) {
      sawConnected = true;
      connectedIp = connected[2];
    }
    if (TRYING.test(line)) sawTrying = true;
    if (TLS_SEEN.test(line)) sawTls = true;
    if (VERIFY_OK.test(line)) verify = true;
    else if (VERIFY_BAD.test(line)) verify = false;
  }
  const text = lines.join('\n');
  if (exitCode === 127 || /curl: (command )?not found/.test(text)) {
    return { fields: {}, error: 'curl: command not found on the device' };
  }
  const curlExit = exitCode ?? errorCode ?? (httpStatus !== null ? 0 : null);
  if (curlExit === null && !sawVerbose) return { fields: {}, error: unrecognised('curl', lines) };
  if (curlExit === 0 && httpStatus === null) {
    // Exit 0 means curl got an answer; without a status line we cannot tell what it was.
    return { fields: {}, error: 'curl: exit 0 but no HTTP status line in the output (was -v given?)' };
  }
  if (curlExit === 60 || curlExit === 51) verify = false;
  const resolveFailed = curlExit === 6 || RESOLVE_FAILED.test(text);
  const fields: Fields = {
    curl_exit: curlExit,
    resolved: !resolveFailed,
    connected: sawConnected || httpStatus !== null || sawTls,
    connected_ip: connectedIp,
    http_status: httpStatus,
    tls: sawTls,
    cert_verify_ok: verify,
    error: errorText,
    reachable: httpStatus !== null,
  };
  // `Trying` without `Connected` is still proof the name resolved.
  if (sawTrying) fields.resolved = true;
  return { fields };
}
