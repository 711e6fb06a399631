/** curl(1) as the SSE checks use it: verbose layout of the guide's captures (docs/securex.md
 * step 2: reachable with 403, DNS failure), exit 6 when DNS is broken, exit 28 (without waiting) when egress is blocked. */
import type { CommandImpl } from './shell-context.js';
import { resolvePath } from './shell-context.js';
import { readLabFile } from './files.js';
import { REGION_HOSTS, SSE_REGIONS } from './regions.js';

type CloudHost = { ip: string; status: number; reason: string; body: string };

/** Cloud hosts the lab's resolvers know (docs/securex.md step 3 and "Regions"), with their
 * answers: every region's API (403, as in the guide), eventing and mx hosts, and est.sco. */
export const CLOUD_HOSTS: Record<string, CloudHost> = {
  'est.sco.cisco.com': { ip: '192.0.2.70', status: 200, reason: 'OK', body: 'OK' },
  ...Object.fromEntries(
    SSE_REGIONS.flatMap((r, i) => {
      const h = REGION_HOSTS[r];
      const notFound = { status: 404, reason: 'Not Found', body: '404 page not found\n' };
      return [
        [h.api, { ip: `192.0.2.${66 + i}`, status: 403, reason: 'Forbidden', body: 'Forbidden' }],
        [h.eventing, { ip: i === 0 ? '192.0.2.246' : `198.51.100.${246 - i}`, ...notFound }],
        [h.mx, { ip: `192.0.2.${80 + i}`, ...notFound }],
      ];
    }),
  ),
};

interface CurlOptions {
  verbose: boolean;
  insecure: boolean;
  silent: boolean;
  showError: boolean;
  head: boolean;
  output?: string;
  writeOut?: string;
  cacert?: string;
  connectTimeoutS?: number;
  maxTimeS?: number;
  url?: string;
}

const WITH_VALUE = new Set(['-o', '--output', '-w', '--write-out', '--cacert', '--connect-timeout', '-m', '--max-time', '--max-redirs', '--max-filesize', '-X', '--request', '-H', '--header', '-d', '--data', '-A', '--user-agent', '-u', '--user']);
const SHORT_WITH_VALUE = 'owmXHdAu';

function parseCurlArgs(args: string[]): CurlOptions | string {
  const o: CurlOptions = { verbose: false, insecure: false, silent: false, showError: false, head: false };
  const set = (flag: string, value: string) => {
    if (flag === '-o' || flag === '--output') o.output = value;
    else if (flag === '-w' || flag === '--write-out') o.writeOut = value;
    else if (flag === '--cacert') o.cacert = value;
    else if (flag === '--connect-timeout') o.connectTimeoutS = Number(value);
    else if (flag === '-m' || flag === '--max-time') o.maxTimeS = Number(value);
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      if (WITH_VALUE.has(a)) set(a, args[++i] ?? '');
      else if (a === '--verbose') o.verbose = true;
      else if (a === '--insecure') o.insecure = true;
      else if (a === '--silent') o.silent = true;
      else if (a === '--show-error') o.showError = true;
      else if (a === '--head') o.head = true;
      else if (!['--location', '--fail', '--compressed', '--ipv4', '--http1.1'].includes(a)) return a;
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j];
        if (SHORT_WITH_VALUE.includes(f)) {
          set(`-${f}`, a.slice(j + 1) || args[++i] || '');
          break;
        }
        if (f === 'v') o.verbose = true;
        else if (f === 'k') o.insecure = true;
        else if (f === 's') o.silent = true;
        else if (f === 'S') o.showError = true;
        else if (f === 'I') o.head = true;
        else if (!'Lfi4'.includes(f)) return `-${f}`;
      }
    } else o.url = a;
  }
  return o;
}

/** `%{http_code}` & co., plus curl's own `\n` escapes in -w. */
function formatWriteOut(fmt: string, httpCode: number, exitCode: number, ip: string): string {
  return fmt
    .replace(/%\{http_code\}|%\{response_code\}/g, String(httpCode).padStart(3, '0'))
    .replace(/%\{exitcode\}/g, String(exitCode))
    .replace(/%\{remote_ip\}/g, ip)
    .replace(/%\{time_total\}/g, '0.142857')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t');
}

/** Runs curl against the lab's simulated internet. */
export const curl: CommandImpl = (ctx) => {
  const { io, term, shell } = ctx;
  const device = term.device;
  const o = parseCurlArgs(ctx.args);
  if (typeof o === 'string') {
    io.err(`curl: option ${o}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n`);
    return 2;
  }
  if (!o.url) {
    io.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  const m = /^(?:(https?):\/\/)?([^/:]+)(?::(\d+))?(\/.*)?$/.exec(o.url);
  const scheme = m?.[1] ?? 'http';
  const host = (m?.[2] ?? o.url).toLowerCase();
  const port = Number(m?.[3] ?? (scheme === 'https' ? 443 : 80));
  const path = m?.[4] ?? '/';
  const v = (line: string) => o.verbose && io.err(`${line}\n`);
  const fail = (code: number, message: string, ip: string) => {
    v(`* ${message}`);
    v('* Closing connection 0');
    if (o.writeOut !== undefined) io.out(formatWriteOut(o.writeOut, 0, code, ip));
    if (!o.silent || o.showError) io.err(`curl: (${code}) ${message}\n`);
    return code;
  };
  if (!m?.[4]) v(`* Rebuilt URL to: ${scheme}://${host}${m?.[3] ? `:${port}` : ''}/`);
  const cloud = CLOUD_HOSTS[host];
  if (!cloud || !device.isDnsWorking()) {
    v(`* getaddrinfo(3) failed for ${host}:${port}`);
    return fail(6, `Couldn't resolve host '${host}'`, '');
  }
  v(`* Trying ${cloud.ip}...`);
  if (device.isEgressBlocked(host)) {
    const limits = [o.connectTimeoutS, o.maxTimeS].filter((n): n is number => n !== undefined && n > 0);
    const ms = (limits.length ? Math.min(...limits) : 10) * 1000 + 1;
    return fail(28, `Connection timed out after ${ms} milliseconds`, cloud.ip);
  }
  v(`* Connected to ${host} (${cloud.ip}) port ${port} (#0)`);
  if (scheme === 'https') {
    const caFile = o.cacert ? resolvePath(shell, o.cacert) : undefined;
    if (caFile !== undefined && readLabFile(device, caFile) === undefined) {
      v('* successfully set certificate verify locations:');
      return fail(77, `error setting certificate verify locations:\n  CAfile: ${o.cacert}\n  CApath: /etc/ssl/certs`, cloud.ip);
    }
    // A re-signing proxy: the connector CA does not know its issuer (curl exit 60); -k goes on.
    if (device.isTlsIntercepted() && !o.insecure) {
      v('* ALPN, offering http/1.1');
      v(`* successfully set certificate verify locations:\n*   CAfile: ${o.cacert ?? '/etc/ssl/certs/ca-certificates.crt'}\n  CApath: /etc/ssl/certs`);
      v('* TLSv1.2 (OUT), TLS handshake, Client hello (1):');
      v('* TLSv1.2 (IN), TLS handshake, Server hello (2):');
      v('* TLSv1.2 (IN), TLS handshake, Certificate (11):');
      v('* TLSv1.2 (OUT), TLS alert, Server hello (2):');
      return fail(60, 'SSL certificate problem: self signed certificate in certificate chain', cloud.ip);
    }
    v('* ALPN, offering http/1.1');
    v('* Cipher selection: ALL:!EXPORT:!EXPORT40:!EXPORT56:!aNULL:!LOW:!RC4:@STRENGTH');
    v('* successfully set certificate verify locations:');
    v(`* CAfile: ${o.cacert ?? 'none'}`);
    v('CApath: /etc/ssl/certs');
    for (const l of TLS_LINES) v(l);
    v('* SSL connection using TLSv1.2 / ECDHE-RSA-AES128-GCM-SHA256');
    v('* ALPN, server accepted to use http/1.1');
    v('* Server certificate:');
    v(`* subject: C=US; ST=California; L=San Jose; O=Cisco Systems, Inc.; CN=${host}`);
    v('* start date: 2019-12-03 20:57:56 GMT');
    v('* expire date: 2031-12-03 21:07:00 GMT');
    v(device.isTlsIntercepted() ? '* issuer: O=Example Corp; CN=Example Corp Inspection CA' : '* issuer: C=US; O=HydrantID (Avalanche Cloud Corporation); CN=HydrantID SSL ICA G2');
    v(o.insecure ? '* SSL certificate verify result: self signed certificate in certificate chain (19), continuing anyway.' : '* SSL certificate verify ok.');
  }
  v(`> ${o.head ? 'HEAD' : 'GET'} ${path} HTTP/1.1`);
  v(`> Host: ${host}`);
  v('> User-Agent: curl/7.44.0');
  v('> Accept: */*');
  v('>');
  const headers = [
    `HTTP/1.1 ${cloud.status} ${cloud.reason}`,
    `Date: ${new Date().toUTCString()}`,
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(cloud.body)}`,
    'Connection: keep-alive',
    'Cache-Control: no-store',
    'Strict-Transport-Security: max-age=31536000; includeSubdomains;',
  ];
  for (const h of headers) v(`< ${h}`);
  v('<');
  const body = o.head ? headers.join('\r\n') + '\r\n\r\n' : cloud.body;
  if (o.output && o.output !== '/dev/null') device.writtenFiles.set(resolvePath(shell, o.output), body);
  else if (!o.output) io.out(body);
  v(`* Connection #0 to host ${host} left intact`);
  if (o.writeOut !== undefined) io.out(formatWriteOut(o.writeOut, cloud.status, 0, cloud.ip));
  return 0;
};

const TLS_LINES = [
  '* TLSv1.2 (OUT), TLS header, Certificate Status (22):',
  '* TLSv1.2 (OUT), TLS handshake, Client hello (1):',
  '* TLSv1.2 (IN), TLS handshake, Server hello (2):',
  '* TLSv1.2 (IN), TLS handshake, Certificate (11):',
  '* TLSv1.2 (IN), TLS handshake, Server key exchange (12):',
  '* TLSv1.2 (IN), TLS handshake, Request CERT (13):',
  '* TLSv1.2 (IN), TLS handshake, Server finished (14):',
  '* TLSv1.2 (OUT), TLS handshake, Certificate (11):',
  '* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):',
  '* TLSv1.2 (OUT), TLS change cipher, Client hello (1):',
  '* TLSv1.2 (OUT), TLS handshake, Finished (20):',
  '* TLSv1.2 (IN), TLS change cipher, Client hello (1):',
  '* TLSv1.2 (IN), TLS handshake, Finished (20):',
];
