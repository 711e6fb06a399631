/** HTTPS to one FMC: every exchange paced by that FMC's one pacer (shared by every login to it),
 * 429 and 5xx retried within bounds, socket and TLS failures classed (docs/fmc.md "The API
 * client"). Tokens and paging are the client's (client.ts). */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { FmcError, socketTriage } from './errors.js';
import { Pacer } from './pacer.js';
import type { FmcConnectOptions, FmcStats } from './client.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pacers = new Map<string, Pacer>();

/** One response header (the first, if repeated). */
export function header(h: Answer['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The FMC's own error text (`{"error":{"messages":[{"description":…}]}}`), if any. */
export function fmcDescription(body: string): string {
  try {
    const d = (JSON.parse(body) as { error?: { messages?: Array<{ description?: unknown }> } }).error?.messages?.[0]?.description;
    return typeof d === 'string' ? `: ${d.slice(0, 200)}` : '';
  } catch {
    return '';
  }
}

/** Seconds or an HTTP date, as ms from now; undefined when absent or unreadable. */
function retryAfterMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A classed error whose texts hold no secret (the client's: it knows the tokens). */
type Fail = (triage: ConstructorParameters<typeof FmcError>[0], what: string, next: string) => FmcError;

export class FmcHttp {
  private readonly agent: Agent;
  private readonly pacer: Pacer;
  private readonly host: string;
  private readonly port: number;
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly totalMs: number;
  private readonly baseMs: number;

  constructor(
    readonly origin: string,
    opts: FmcConnectOptions,
    private readonly stats: FmcStats,
    private readonly fail: Fail,
  ) {
    const u = new URL(origin);
    this.host = u.hostname.replace(/^\[|\]$/g, '');
    this.port = u.port ? Number(u.port) : 443;
    let ca: string | undefined;
    if (opts.caFile !== undefined) {
      try {
        ca = readFileSync(opts.caFile, 'utf8');
      } catch (err) {
        throw new FmcError('tls', `FMC ${origin}: cannot read ca_file ${opts.caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'give the path of the PEM file of the CA that signed the FMC certificate');
      }
    }
    this.agent = new Agent({ keepAlive: true, maxSockets: 8, ca, rejectUnauthorized: opts.validateCerts !== false });
    this.pacer = pacers.get(origin) ?? new Pacer(opts.rateLimit ?? 110);
    pacers.set(origin, this.pacer);
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.tries = opts.retry?.tries ?? 6;
    this.totalMs = opts.retry?.totalMs ?? 120_000;
    this.baseMs = opts.retry?.baseMs ?? 2000;
  }

  /** One HTTPS exchange, paced. No retry here. */
  private async exchange(method: 'GET' | 'POST', pathAndQuery: string, headers: Record<string, string>): Promise<Answer> {
    await this.pacer.take();
    this.stats.requests++;
    return new Promise<Answer>((resolve, reject) => {
      const req = request({ host: this.host, port: this.port, method, path: pathAndQuery, agent: this.agent, headers: { accept: 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(this.socketError(err, pathAndQuery)));
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'FIREBOOK_TIMEOUT' })));
      req.on('error', (err) => reject(this.socketError(err, pathAndQuery)));
      req.end();
    });
  }

  private socketError(err: Error, path: string): FmcError {
    const code = (err as NodeJS.ErrnoException).code;
    const where = path.split('?')[0];
    if (code === 'FIREBOOK_TIMEOUT') return this.fail('timeout', `no answer to GET ${where} within ${this.timeoutMs} ms`, 'the FMC is slow or unreachable: check it answers in a browser, or raise the timeout');
    if (socketTriage(code) === 'tls')
      return this.fail('tls', `the TLS certificate was not trusted (${code})`, "give the FMC's CA with ca_file (PEM); validate_certs: false only if you accept an unverified FMC");
    return this.fail('timeout', `cannot reach ${where} (${code ?? err.message})`, 'check the URL, the port and that this host can reach the FMC');
  }

  /** An exchange with the bounded retry rule for 429 and 5xx. */
  async withRetries(method: 'GET' | 'POST', pathAndQuery: string, headers: () => Record<string, string>, retry5xx = true): Promise<Answer> {
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const a = await this.exchange(method, pathAndQuery, headers());
      const is429 = a.status === 429;
      if (!is429 && (a.status < 500 || !retry5xx)) return a;
      const asked = is429 ? retryAfterMs(header(a.headers, 'retry-after')) : undefined;
      const backoff = Math.min(60_000, this.baseMs * 3 ** attempt) * (0.5 + Math.random() * 0.5);
      const wait = asked ?? backoff;
      const where = pathAndQuery.split('?')[0];
      if (attempt + 1 >= this.tries || Date.now() - started + wait > this.totalMs) {
        if (is429)
          throw this.fail('rate-limited', `still 429 Too Many Requests on ${where} after ${attempt + 1} tries`, 'another client may share the FMC rate limit (120/min): lower rate_limit or run later');
        throw this.fail('http-5xx', `HTTP ${a.status} on ${where} after ${attempt + 1} tries${fmcDescription(a.body)}`, "the FMC failed internally: check its health and its logs, then run again");
      }
      if (is429) {
        this.stats.retries429++;
        this.pacer.pauseUntil(Date.now() + wait);
      }
      await sleep(wait);
    }
  }
}
