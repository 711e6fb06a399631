/** The FMC REST API client: read-only (GET), one login per (FMC, user) per process shared by
 * every caller, token refresh before expiry, one pacer per FMC, bounded 429/5xx retries, full
 * paging, verified TLS, errors classed with a next step and never holding a secret.
 * The rules and their sources: docs/fmc.md ("The API client"). */
import { Agent, request } from 'node:https';
import { readFileSync } from 'node:fs';
import { FmcError, socketTriage } from './errors.js';
import { Pacer } from './pacer.js';

export interface FmcConnectOptions {
  url: string;
  username: string;
  password: string;
  /** Domain name (`Global`, `Global/ Child`, or `Child`) or UUID; default Global. */
  domain?: string;
  caFile?: string;
  /** Default true; false must be said. */
  validateCerts?: boolean;
  /** Requests per minute, default 110 (the FMC allows 120). */
  rateLimit?: number;
  /** Per-request timeout, default 60 s. */
  timeoutMs?: number;
  /** Access-token lifetime in seconds (default 1800); refreshed at 5/6 of it. */
  tokenLifetimeSec?: number;
  /** Refreshes per login (default 3), then a fresh login. */
  maxRefreshes?: number;
  /** 429/5xx retries: tries per request (default 6), total wait per request (default 120 s),
   * first backoff (default 2 s, ×3 per try, capped at 60 s, jitter 50–100 %). */
  retry?: { tries?: number; totalMs?: number; baseMs?: number };
}

export interface FmcStats {
  requests: number;
  logins: number;
  refreshes: number;
  retries429: number;
}

export interface FmcClient {
  readonly domainUuid: string;
  readonly domainName: string;
  /** Set once `/api/fmc_platform/v1/info/serverversion` was read through any client of this FMC. */
  readonly serverVersion?: string;
  get(path: string): Promise<unknown>;
  getAll(path: string): Promise<Record<string, unknown>[]>;
  readonly stats: FmcStats;
}

const LOGIN = '/api/fmc_platform/v1/auth/generatetoken';
const REFRESH = '/api/fmc_platform/v1/auth/refreshtoken';
const SERVER_VERSION = '/api/fmc_platform/v1/info/serverversion';
type AuthPath = typeof LOGIN | typeof REFRESH;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

interface Token {
  access: string;
  refresh: string;
  issuedAt: number;
  refreshes: number;
  /** Bumped at each login or refresh: a 401 on an older generation just retries. */
  gen: number;
  /** Made by a login that a 401 forced, and not yet used successfully. */
  after401: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pacers = new Map<string, Pacer>();
const sessions = new Map<string, Session>();

function header(h: Answer['headers'], name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The FMC's own error text (`{"error":{"messages":[{"description":…}]}}`), if any. */
function fmcDescription(body: string): string {
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

/** One login, its tokens and counters, shared by every client of one (FMC, user). */
class Session {
  readonly stats: FmcStats = { requests: 0, logins: 0, refreshes: 0, retries429: 0 };
  domains: Array<{ name: string; uuid: string }> = [];
  loginDomain = '';
  serverVersion?: string;
  private token?: Token;
  private gen = 0;
  private flight?: Promise<Token>;
  private failed?: FmcError;
  private readonly agent: Agent;
  private readonly pacer: Pacer;
  private readonly host: string;
  private readonly port: number;
  private readonly lifetimeMs: number;
  private readonly maxRefreshes: number;
  private readonly timeoutMs: number;
  private readonly tries: number;
  private readonly totalMs: number;
  private readonly baseMs: number;
  private readonly secrets: string[];

  constructor(
    readonly origin: string,
    private readonly username: string,
    private readonly password: string,
    opts: FmcConnectOptions,
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
    this.lifetimeMs = (opts.tokenLifetimeSec ?? 1800) * 1000;
    this.maxRefreshes = opts.maxRefreshes ?? 3;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.tries = opts.retry?.tries ?? 6;
    this.totalMs = opts.retry?.totalMs ?? 120_000;
    this.baseMs = opts.retry?.baseMs ?? 2000;
    this.secrets = [password].filter((s) => s.length >= 4);
  }

  /** Removes every secret this session knows from a text (belt and braces: none is put in). */
  private clean(text: string): string {
    let out = text;
    for (const s of [...this.secrets, this.token?.access, this.token?.refresh]) if (s) out = out.split(s).join('***');
    return out;
  }

  private fail(triage: ConstructorParameters<typeof FmcError>[0], what: string, next: string): FmcError {
    return new FmcError(triage, this.clean(`FMC ${this.origin}: ${what}`), this.clean(next));
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
  private async withRetries(method: 'GET' | 'POST', pathAndQuery: string, headers: () => Record<string, string>, retry5xx = true): Promise<Answer> {
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

  private authPost(path: AuthPath, headers: () => Record<string, string>): Promise<Answer> {
    // A 429 is retried (the FMC refused before looking); a 5xx is not: never log in in a loop.
    return this.withRetries('POST', path, headers, false);
  }

  /** The one login (single flight). A failed login is never tried again in this process. */
  private login(after401: boolean): Promise<Token> {
    return (this.flight ??= this.inFlight(() => this.postLogin(after401)));
  }

  /** Refresh (single flight), or a fresh login when refreshes are spent or refused. */
  private renew(old: Token): Promise<Token> {
    return (this.flight ??= this.inFlight(async () => {
      if (old.refreshes < this.maxRefreshes) {
        const a = await this.authPost(REFRESH, () => ({ 'x-auth-access-token': old.access, 'x-auth-refresh-token': old.refresh, 'content-length': '0' }));
        if (a.status !== 401 && a.status !== 403) {
          this.stats.refreshes++;
          return this.take(a, old.refreshes + 1, false, 'refresh');
        }
        // the refresh token is dead (`Invalid refresh token`): log in afresh, in this same flight
      }
      return this.postLogin(false);
    }));
  }

  /** Runs one authentication flight; the flight ends when it settles. */
  private async inFlight(work: () => Promise<Token>): Promise<Token> {
    try {
      return await work();
    } finally {
      this.flight = undefined;
    }
  }

  private async postLogin(after401: boolean): Promise<Token> {
    if (this.failed) throw this.failed;
    const basic = Buffer.from(`${this.username}:${this.password}`).toString('base64');
    const a = await this.authPost(LOGIN, () => ({ authorization: `Basic ${basic}`, 'content-length': '0' }));
    this.stats.logins++;
    if (a.status >= 500) throw this.fail('http-5xx', `login answered HTTP ${a.status}${fmcDescription(a.body)}`, 'the FMC failed internally: check its health, then run again (a login is not retried)');
    if (a.status === 401 || a.status === 403) {
      this.failed = this.fail('auth', `login refused for user ${this.username} (HTTP ${a.status})`, 'check the username and password (firebook does not retry a refused login, so one-time-password accounts are not locked)');
      throw this.failed;
    }
    return this.take(a, 0, after401, 'login');
  }

  private take(a: Answer, refreshes: number, after401: boolean, what: string): Token {
    const access = header(a.headers, 'x-auth-access-token');
    const refresh = header(a.headers, 'x-auth-refresh-token');
    if (a.status >= 500) throw this.fail('http-5xx', `${what} answered HTTP ${a.status}${fmcDescription(a.body)}`, 'the FMC failed internally: check its health, then run again');
    if (a.status < 200 || a.status >= 300 || !access || !refresh)
      throw this.fail('bad-response', `${what} answered HTTP ${a.status} without tokens${fmcDescription(a.body)}`, 'check that the URL is the FMC itself (not a proxy or a portal)');
    const domains = header(a.headers, 'domains');
    if (domains !== undefined) {
      try {
        const list = JSON.parse(domains) as Array<{ name?: unknown; uuid?: unknown }>;
        this.domains = list.filter((d) => typeof d.name === 'string' && typeof d.uuid === 'string').map((d) => ({ name: d.name as string, uuid: d.uuid as string }));
      } catch {
        throw this.fail('bad-response', `${what}: the DOMAINS header is not JSON`, 'check that the URL is the FMC itself');
      }
    }
    this.loginDomain = header(a.headers, 'domain_uuid') ?? this.loginDomain;
    this.token = { access, refresh, issuedAt: Date.now(), refreshes, gen: ++this.gen, after401 };
    return this.token;
  }

  get loggedIn(): boolean {
    return this.token !== undefined;
  }

  /** A live token: the current one, renewed at 5/6 of its lifetime, or a first login. */
  async current(): Promise<Token> {
    if (this.flight) return this.flight;
    const t = this.token;
    if (!t) return this.login(false);
    if (Date.now() - t.issuedAt >= (this.lifetimeMs * 5) / 6) return this.renew(t);
    return t;
  }

  /** GET an absolute path under /api/ (already checked), with the 401 rule. */
  async get(pathAndQuery: string): Promise<unknown> {
    let t = await this.current();
    for (;;) {
      const used = t;
      const a = await this.withRetries('GET', pathAndQuery, () => ({ 'x-auth-access-token': used.access }));
      const where = pathAndQuery.split('?')[0];
      if (a.status === 401) {
        if (this.token && this.token.gen !== used.gen) {
          t = this.token; // someone renewed meanwhile: use theirs
          continue;
        }
        if (used.after401)
          throw this.fail('auth', `HTTP 401 on ${where} right after a fresh login${fmcDescription(a.body)}`, 'another session with the same account is logging in (a second login ends the first): give firebook its own API account');
        t = await this.login(true);
        continue;
      }
      if (a.status === 404 && /domain/i.test(fmcDescription(a.body))) throw this.fail('domain-not-found', `HTTP 404 on ${where}${fmcDescription(a.body)}`, 'check the domain name or UUID (the domains this user sees are in the DOMAINS header of the login)');
      if (a.status < 200 || a.status >= 300) throw this.fail('bad-response', `HTTP ${a.status} on GET ${where}${fmcDescription(a.body)}`, a.status === 403 ? 'the account lacks the right to read this: give it a read-only role that covers it' : 'check the path against the FMC API Explorer of this FMC version');
      used.after401 = false;
      let body: unknown;
      try {
        body = JSON.parse(a.body);
      } catch {
        throw this.fail('bad-response', `GET ${where} answered HTTP ${a.status} with a body that is not JSON (${a.body.length} bytes)`, 'check that the URL is the FMC itself (not a proxy or a portal), then run again');
      }
      if (where === SERVER_VERSION) {
        const v = (body as { items?: Array<{ serverVersion?: unknown }> }).items?.[0]?.serverVersion;
        if (typeof v === 'string') this.serverVersion = v;
      }
      return body;
    }
  }
}

/** `path` relative to the domain, or absolute under /api/, as an absolute path; refuses the rest. */
function resolvePath(origin: string, domainUuid: string, path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//') || /[\s\\#]|%2e|(^|\/)\.\.?(\/|$|\?)/i.test(path) || /[\u0000-\u001f\u007f]/.test(path))
    throw new FmcError('bad-response', `FMC ${origin}: refused API path '${path.slice(0, 100)}'`, 'write a path like /devices/devicerecords (relative to the domain) or /api/… ');
  const full = path.startsWith('/api/') ? path : `/api/fmc_config/v1/domain/${domainUuid}${path}`;
  const u = new URL(full, origin);
  if (u.origin !== origin) throw new FmcError('bad-response', `FMC ${origin}: refused API path '${path.slice(0, 100)}'`, 'the path must stay on the FMC');
  return u.pathname + u.search;
}

function pickDomain(s: Session, wanted: string | undefined): { uuid: string; name: string } | undefined {
  const norm = (n: string) => n.toLowerCase().replace(/\/\s+/g, '/').trim();
  if (wanted === undefined || norm(wanted) === 'global') {
    return s.domains.find((d) => norm(d.name) === 'global') ?? (s.loginDomain ? { uuid: s.loginDomain, name: 'Global' } : undefined);
  }
  return s.domains.find((d) => d.uuid.toLowerCase() === wanted.toLowerCase() || norm(d.name) === norm(wanted) || norm(d.name) === `global/${norm(wanted)}`);
}

/** Connects to an FMC: the first caller of a (URL, user) logs in, every later one shares that login. */
export async function connectFmc(opts: FmcConnectOptions): Promise<FmcClient> {
  let origin: string;
  try {
    const u = new URL(opts.url);
    if (u.protocol !== 'https:') throw new Error('not https');
    origin = u.origin;
  } catch {
    throw new FmcError('tls', `FMC url '${opts.url}' is not an https:// URL`, 'write the FMC address as https://host[:port]');
  }
  const key = `${origin}\n${opts.username}`;
  let session = sessions.get(key);
  if (!session) {
    session = new Session(origin, opts.username, opts.password, opts);
    sessions.set(key, session);
  }
  try {
    await session.current();
  } catch (err) {
    // Never reached the FMC's login (TLS, network): a later caller may bring other settings.
    // A refused login stays: it is never sent again in this process.
    if (err instanceof FmcError && (err.triage === 'tls' || err.triage === 'timeout') && !session.loggedIn) sessions.delete(key);
    throw err;
  }
  const domain = pickDomain(session, opts.domain);
  if (!domain)
    throw new FmcError('domain-not-found', `FMC ${origin}: no domain '${opts.domain ?? 'Global'}' for user ${opts.username}`, `use one of: ${session.domains.map((d) => d.name).join(', ') || '(none listed)'}`);
  const s = session;
  const client: FmcClient = {
    domainUuid: domain.uuid,
    domainName: domain.name,
    get serverVersion() {
      return s.serverVersion;
    },
    stats: s.stats,
    get: async (path) => s.get(resolvePath(origin, domain.uuid, path)),
    async getAll(path) {
      const first = new URL(resolvePath(origin, domain.uuid, path), origin);
      first.searchParams.set('limit', '1000');
      first.searchParams.set('expanded', 'true');
      const items: Record<string, unknown>[] = [];
      let next: string | undefined = first.pathname + first.search;
      for (let pages = 0; next !== undefined; pages++) {
        const page = (await s.get(next)) as { items?: unknown; paging?: { next?: unknown; count?: unknown; offset?: unknown; limit?: unknown } } | null;
        if (page === null || typeof page !== 'object' || (page.items !== undefined && !Array.isArray(page.items)))
          throw new FmcError('bad-response', `FMC ${origin}: ${first.pathname} answered a page without an items list`, 'check the path names a collection');
        const got = (page.items as Record<string, unknown>[] | undefined) ?? [];
        items.push(...got);
        const link = Array.isArray(page.paging?.next) ? page.paging.next[0] : undefined;
        const count = typeof page.paging?.count === 'number' ? page.paging.count : items.length;
        next = undefined;
        if (typeof link === 'string') {
          const u = new URL(link, origin);
          if (u.origin !== origin) throw new FmcError('bad-response', `FMC ${origin}: paging.next leaves the FMC`, 'check that the URL is the FMC itself');
          next = resolvePath(origin, domain.uuid, u.pathname + u.search);
        } else if (got.length > 0 && items.length < count) {
          const u = new URL(first);
          u.searchParams.set('offset', String(items.length));
          next = u.pathname + u.search;
        }
        if (pages > 100_000) throw new FmcError('bad-response', `FMC ${origin}: paging of ${first.pathname} does not end`, 'report this FMC version');
      }
      return items;
    },
  };
  return client;
}
