/** The lab's FMC: an HTTPS emulation of the read-only parts of the FMC REST API that firebook
 * uses (login, refresh, server version, domains, devices, HA pairs, device groups, cloud
 * settings), with the behaviours users of FMC clients trip on (25-item default page, 120/min
 * limiter, 30-minute tokens, a second login invalidating the first) and switchable faults.
 * Shapes and behaviours, with what is confirmed and what is not: docs/fmc.md ("The lab's FMC"). */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { generateLabTls, type LabTlsMaterial } from './fmc-cert.js';
import { fmcFleet } from './fmc-fleet.js';

export { generateFmcFleet } from './fmc-fleet.js';

/** One device the emulated FMC manages. */
export interface FmcDeviceSpec {
  name: string;
  /** Management address (`hostName`), e.g. the lab device's 127.0.0.1. */
  hostName: string;
  model?: string;
  sw_version?: string;
  healthStatus?: string;
  isConnected?: boolean;
  deviceGroup?: string;
  /** Name of the child domain holding it; default Global. */
  domain?: string;
  id?: string;
}

/** An HA pair by device names. */
export interface FmcHaPairSpec {
  name: string;
  primary: string;
  secondary: string;
}

/** Fault switches; each can be set at start or changed with setFault. */
export interface FmcFaults {
  /** The next N API requests (login included) answer 429; Infinity = a storm that never ends. */
  storm429?: number;
  /** Seconds sent in `Retry-After` with 429s (storm and limiter); absent = no header. */
  retryAfterSec?: number;
  /** The next N requests answer 500 (`http5xx`). */
  http5xx?: number;
  /** Delay every answer by this many ms. */
  slowMs?: number;
  /** The next N GETs of data answer 200 with a body that is not JSON. */
  malformedJson?: number;
  /** Serve a certificate from another CA (not the one written to caFile). */
  unknownCa?: boolean;
}

export interface FmcEmulatorOptions {
  /** The devices, or a count to generate (ftd0001.., HA pairs and groups among them). */
  devices: FmcDeviceSpec[] | number;
  haPairs?: FmcHaPairSpec[];
  username?: string;
  password?: string;
  /** Access-token lifetime in seconds (FMC: 1800). */
  tokenLifetimeSec?: number;
  /** Refreshes allowed per login (FMC: 3). */
  maxRefreshes?: number;
  /** Requests allowed per window (FMC: 120 per 60 s); above it the answer is 429. */
  rateLimit?: number;
  rateWindowMs?: number;
  /** `hostname` of serverversion (the FMC's own name). */
  fmcName?: string;
  serverVersion?: string;
  /** `name` of the current cloud region (`/integration/cloudregions`; value format UNCONFIRMED). */
  cloudRegion?: string;
  /** `/integration/securexconfigs` `enabled` (default true). */
  securexEnabled?: boolean;
  /** `/integration/cloudeventsconfigs` send* flags (default true). */
  cloudEvents?: boolean;
  /** Name of the child domain (shown as `Global/ <name>`). */
  childDomain?: string;
  /** Where to write ca.pem; default a temp dir removed by close(). */
  dir?: string;
  faults?: FmcFaults;
}

export interface FmcEmulatorStats {
  /** Every HTTP request received (answered or not). */
  requests: number;
  logins: number;
  refreshes: number;
  /** Requests per path without query (e.g. `/api/fmc_config/v1/domain/<uuid>/devices/devicerecords`). */
  byPath: Record<string, number>;
  /** 429 answers sent (limiter and storm). */
  answered429: number;
  /** The largest number of requests seen in one limiter window. */
  maxInWindow: number;
  /** Requests that arrived while a Retry-After the emulator sent had not elapsed. */
  earlyAfterRetryAfter: number;
  /** Requests with an access token that a newer login or expiry had invalidated. */
  rejectedTokens: number;
}

export interface FmcEmulator {
  url: string;
  caFile: string;
  username: string;
  password: string;
  globalDomainUuid: string;
  childDomainUuid: string;
  devices: Array<FmcDeviceSpec & { id: string }>;
  haPairs: Array<FmcHaPairSpec & { id: string }>;
  stats: FmcEmulatorStats;
  setFault(faults: FmcFaults): void;
  /** Changes the cloud settings (`cloudRegion`, `securexEnabled`, `cloudEvents`) while running. */
  setIntegration(s: Pick<FmcEmulatorOptions, 'cloudRegion' | 'securexEnabled' | 'cloudEvents'>): void;
  /** Changes a device's `isConnected` / `healthStatus` while running. */
  setDevice(name: string, s: Pick<FmcDeviceSpec, 'isConnected' | 'healthStatus'>): void;
  /** Every access and refresh token issued so far (for canary tests). */
  tokensIssued(): string[];
  /** Invalidate the live tokens now (a token expiring mid-run). */
  expireTokens(): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

interface Token {
  access: string;
  refresh: string;
  issuedAt: number;
  refreshes: number;
}

function matches(secret: string, given: string): boolean {
  const a = Buffer.from(secret);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Starts the emulator on 127.0.0.1 (a free port); resolves once it listens. */
export async function startFmcEmulator(opts: FmcEmulatorOptions): Promise<FmcEmulator> {
  const { devices, byName, haPairs, globalUuid, childUuid, childName, domainOf, collection } = fmcFleet(opts);
  const username = opts.username ?? 'firebook-ro';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const lifetimeMs = (opts.tokenLifetimeSec ?? 1800) * 1000;
  const maxRefreshes = opts.maxRefreshes ?? 3;
  const rateLimit = opts.rateLimit ?? 120;
  const rateWindowMs = opts.rateWindowMs ?? 60_000;
  const faults: FmcFaults = { ...opts.faults };
  const stats: FmcEmulatorStats = { requests: 0, logins: 0, refreshes: 0, byPath: {}, answered429: 0, maxInWindow: 0, earlyAfterRetryAfter: 0, rejectedTokens: 0 };
  let token: Token | undefined;
  const issued: string[] = [];
  let windowStart = Date.now();
  let inWindow = 0;
  let quietUntil = 0;

  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'firebook-fmc-')));
  const tls = generateLabTls();
  let otherTls: LabTlsMaterial | undefined;
  const caFile = join(dir, 'fmc-ca.pem');
  await writeFile(caFile, tls.caCert);

  function send(res: ServerResponse, status: number, body?: Json | string, headers: Record<string, string> = {}): void {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
    res.end(text);
  }
  const fmcError = (description: string) => ({ error: { category: 'FRAMEWORK', messages: [{ description }], severity: 'ERROR' } });

  function too429(res: ServerResponse): void {
    stats.answered429++;
    const headers: Record<string, string> = {};
    if (faults.retryAfterSec !== undefined) {
      headers['retry-after'] = String(faults.retryAfterSec);
      quietUntil = Math.max(quietUntil, Date.now() + faults.retryAfterSec * 1000);
    }
    send(res, 429, fmcError('Too Many Requests'), headers);
  }

  function liveToken(req: IncomingMessage): boolean {
    const given = req.headers['x-auth-access-token'];
    if (typeof given !== 'string') return false;
    const ok = token !== undefined && matches(token.access, given) && Date.now() - token.issuedAt < lifetimeMs;
    if (!ok) stats.rejectedTokens++;
    return ok;
  }

  function issue(res: ServerResponse, refreshes: number): void {
    token = { access: randomUUID(), refresh: randomUUID(), issuedAt: Date.now(), refreshes };
    issued.push(token.access, token.refresh);
    send(res, 204, undefined, {
      'X-auth-access-token': token.access,
      'X-auth-refresh-token': token.refresh,
      DOMAIN_UUID: globalUuid,
      DOMAINS: JSON.stringify([
        { name: 'Global', uuid: globalUuid },
        { name: childName, uuid: childUuid },
      ]),
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'https://fmc.lab.invalid');
    const path = url.pathname;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const now = Date.now();
    if (now < quietUntil) stats.earlyAfterRetryAfter++;
    if (now - windowStart >= rateWindowMs) {
      windowStart = now - ((now - windowStart) % rateWindowMs);
      inWindow = 0;
    }
    inWindow++;
    stats.maxInWindow = Math.max(stats.maxInWindow, inWindow);
    if (faults.storm429 !== undefined && faults.storm429 > 0) {
      faults.storm429--;
      return too429(res);
    }
    if (inWindow > rateLimit) return too429(res);
    if (faults.http5xx !== undefined && faults.http5xx > 0) {
      faults.http5xx--;
      return send(res, 500, fmcError('Internal Server Error'));
    }

    if (path === '/api/fmc_platform/v1/auth/generatetoken' && req.method === 'POST') {
      const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
      const [user, ...pw] = m ? Buffer.from(m[1], 'base64').toString().split(':') : [];
      if (!m || !matches(username, user ?? '') || !matches(password, pw.join(':'))) return send(res, 401, fmcError('Unauthorized'));
      stats.logins++;
      return issue(res, 0); // the previous token dies: a second login invalidates the first
    }
    if (path === '/api/fmc_platform/v1/auth/refreshtoken' && req.method === 'POST') {
      const refresh = req.headers['x-auth-refresh-token'];
      const access = req.headers['x-auth-access-token'];
      if (!token || typeof refresh !== 'string' || typeof access !== 'string' || !matches(token.refresh, refresh) || !matches(token.access, access) || token.refreshes >= maxRefreshes)
        return send(res, 401, fmcError('Invalid refresh token'));
      stats.refreshes++;
      return issue(res, token.refreshes + 1);
    }
    if (req.method !== 'GET') return send(res, 405, fmcError('Method not allowed in the lab'));
    if (!liveToken(req)) return send(res, 401, fmcError('Access token invalid.'));
    if (faults.malformedJson !== undefined && faults.malformedJson > 0) {
      faults.malformedJson--;
      return send(res, 200, '{"items": [{"id": "trunc');
    }
    if (path === '/api/fmc_platform/v1/info/serverversion')
      return send(res, 200, { items: [{ serverVersion: opts.serverVersion ?? '7.2.4 (build 169)', hostname: opts.fmcName ?? 'fmc01', platform: 'Cisco Secure Firewall Management Center for VMware', model: 'Secure Firewall Management Center for VMware' }] });
    if (path === '/api/fmc_platform/v1/info/domain')
      return send(res, 200, { items: [{ uuid: globalUuid, name: 'Global', type: 'Domain' }, { uuid: childUuid, name: childName, type: 'Domain' }], paging: { offset: 0, limit: 25, count: 2, pages: 1 } });
    const m = /^\/api\/fmc_config\/v1\/domain\/([^/]+)(\/.*)$/.exec(path);
    if (!m) return send(res, 404, fmcError('Resource not found'));
    if (!domainOf(m[1])) return send(res, 404, fmcError(`Invalid domain UUID: ${m[1]}`));
    const found = collection(m[1], m[2]);
    if (found === undefined) return send(res, 404, fmcError('Resource not found'));
    if (!Array.isArray(found)) return send(res, 200, found);
    const num = (key: string, dflt: number) => {
      const v = url.searchParams.get(key);
      return v !== null && /^\d+$/.test(v) ? Number(v) : dflt;
    };
    const limit = Math.min(Math.max(num('limit', 25), 1), 1000); // the FMC's default page is 25, its maximum 1000
    const offset = num('offset', 0);
    const expanded = /^true$/i.test(url.searchParams.get('expanded') ?? '');
    const page = found.slice(offset, offset + limit).map((it) => (expanded ? it : { id: it.id, type: it.type, name: it.name, links: it.links }));
    const self = (o: number) => `https://${req.headers.host}${path}?offset=${o}&limit=${limit}${expanded ? '&expanded=true' : ''}`;
    const paging: Json = { offset, limit, count: found.length, pages: Math.ceil(found.length / limit) };
    if (offset + limit < found.length) paging.next = [self(offset + limit)];
    if (offset > 0) paging.previous = [self(Math.max(0, offset - limit))];
    return send(res, 200, { links: { self: self(offset) }, ...(page.length ? { items: page } : {}), paging });
  }

  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    stats.requests++;
    req.resume();
    req.on('end', () => {
      const delay = faults.slowMs ?? 0;
      const go = () => {
        if (!res.destroyed) handle(req, res);
      };
      if (delay > 0) setTimeout(go, delay);
      else go();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  function applyFaults(f: FmcFaults): void {
    Object.assign(faults, f);
    if (f.unknownCa !== undefined) {
      otherTls ??= generateLabTls('an unknown CA');
      const use = f.unknownCa ? otherTls : tls;
      server.setSecureContext({ cert: use.cert, key: use.key });
    }
  }
  if (faults.unknownCa) applyFaults({ unknownCa: true });

  let closed: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile,
    username,
    password,
    globalDomainUuid: globalUuid,
    childDomainUuid: childUuid,
    devices,
    haPairs,
    stats,
    setFault: applyFaults,
    setIntegration: (s) => void Object.assign(opts, s),
    setDevice: (name, s) => {
      const d = byName.get(name);
      if (!d) throw new Error(`fmc emulator: no device '${name}'`);
      Object.assign(d, s);
    },
    tokensIssued: () => [...issued],
    expireTokens: () => {
      if (token) token.issuedAt = -Infinity;
    },
    close: () =>
      (closed ??= (async () => {
        for (const s of sockets) s.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (ownsDir) await rm(dir, { recursive: true, force: true });
      })()),
  };
}
