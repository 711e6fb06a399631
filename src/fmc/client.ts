/** The FMC REST API client: read-only (GET), one login per (FMC, user) per process shared by
 * every caller, token refresh before expiry, one pacer per FMC, bounded 429/5xx retries, full
 * paging, verified TLS, errors classed with a next step and never holding a secret.
 * The rules and their sources: docs/fmc.md ("The API client"). */
import { FmcError } from './errors.js';
import { fmcDescription, FmcHttp, header, type Answer } from './http.js';

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

const sessions = new Map<string, Session>();

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
  private readonly http: FmcHttp;
  private readonly lifetimeMs: number;
  private readonly maxRefreshes: number;
  private readonly secrets: string[];

  constructor(
    readonly origin: string,
    private readonly username: string,
    private readonly password: string,
    opts: FmcConnectOptions,
  ) {
    this.http = new FmcHttp(origin, opts, this.stats, (triage, what, next) => this.fail(triage, what, next));
    this.lifetimeMs = (opts.tokenLifetimeSec ?? 1800) * 1000;
    this.maxRefreshes = opts.maxRefreshes ?? 3;
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

  private authPost(path: AuthPath, headers: () => Record<string, string>): Promise<Answer> {
    // A 429 is retried (the FMC refused before looking); a 5xx is not: never log in in a loop.
    return this.http.withRetries('POST', path, headers, false);
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
      const a = await this.http.withRetries('GET', pathAndQuery, () => ({ 'x-auth-access-token': used.access }));
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
