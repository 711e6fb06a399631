/** The FMC API client against the lab's FMC emulator over real HTTPS (docs/fmc.md). */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { connectFmc, FmcError, type FmcConnectOptions } from '../../src/fmc/index.js';
import { startFmcEmulator, type FmcEmulator, type FmcEmulatorOptions } from '../../src/lab/fmc-emulator.js';

const open: FmcEmulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function emulator(opts: Partial<FmcEmulatorOptions> = {}): Promise<FmcEmulator> {
  const e = await startFmcEmulator({ devices: 30, rateLimit: 100_000, ...opts });
  open.push(e);
  return e;
}

const optsOf = (e: FmcEmulator, more: Partial<FmcConnectOptions> = {}): FmcConnectOptions => ({ url: e.url, username: e.username, password: e.password, caFile: e.caFile, retry: { baseMs: 10 }, rateLimit: 60_000, ...more });
// (a fast pacer, so that tests of other rules do not wait; the rate tests set their own)

async function failure(p: Promise<unknown>): Promise<FmcError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(FmcError);
    return err as FmcError;
  }
  throw new Error('expected an FmcError, got success');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Page = { items?: Array<Record<string, unknown>>; paging: { count: number; limit: number } };

describe('paging', () => {
  it('reads 2,500 devices in 3 pages of 1,000 with expanded items', async () => {
    const e = await emulator({ devices: 2500 });
    const c = await connectFmc(optsOf(e));
    const items = await c.getAll('/devices/devicerecords');
    expect(items).toHaveLength(2500);
    expect(new Set(items.map((d) => d.name)).size).toBe(2500);
    expect(items[2499]).toMatchObject({ name: 'ftd2500', hostName: expect.any(String), sw_version: expect.any(String), isConnected: expect.any(Boolean) });
    expect(e.stats.byPath[`/api/fmc_config/v1/domain/${e.globalDomainUuid}/devices/devicerecords`]).toBe(3);
    expect(c.stats.requests).toBe(4); // login + 3 pages
  });

  it('the emulator answers 25 unexpanded items when no limit is given (what a careless client gets)', async () => {
    const e = await emulator({ devices: 100 });
    const c = await connectFmc(optsOf(e));
    const page = (await c.get('/devices/devicerecords')) as Page;
    expect(page.items).toHaveLength(25);
    expect(page.paging).toMatchObject({ count: 100, limit: 25, pages: 4 });
    expect(page.items![0].hostName).toBeUndefined();
  });

  it('follows the offset when a page has no paging.next', async () => {
    const e = await emulator({ devices: 60 });
    const c = await connectFmc(optsOf(e));
    // limit in the path is overridden to 1000: one page
    expect(await c.getAll('/devices/devicerecords?limit=5')).toHaveLength(60);
  });

  it('reads HA pairs and device groups, and a child domain by its short name', async () => {
    const e = await emulator({
      devices: [
        { name: 'a', hostName: '127.0.0.1', deviceGroup: 'east' },
        { name: 'b', hostName: '127.0.0.1', deviceGroup: 'east' },
        { name: 'c', hostName: '127.0.0.1', domain: 'Lab' },
      ],
      haPairs: [{ name: 'ha-ab', primary: 'a', secondary: 'b' }],
    });
    const c = await connectFmc(optsOf(e));
    const pairs = await c.getAll('/devicehapairs/ftddevicehapairs');
    expect(pairs).toMatchObject([{ name: 'ha-ab', primary: { name: 'a' }, secondary: { name: 'b' } }]);
    expect(await c.getAll('/devicegroups/devicegrouprecords')).toMatchObject([{ name: 'east', members: [{ name: 'a' }, { name: 'b' }] }]);
    const child = await connectFmc(optsOf(e, { domain: 'Lab' }));
    expect(child.domainUuid).toBe(e.childDomainUuid);
    expect(child.domainName).toBe('Global/ Lab');
    expect((await child.getAll('/devices/devicerecords')).map((d) => d.name)).toEqual(['c']);
    expect((await connectFmc(optsOf(e, { domain: e.childDomainUuid }))).domainUuid).toBe(e.childDomainUuid);
    const err = await failure(connectFmc(optsOf(e, { domain: 'Nope' })));
    expect(err.triage).toBe('domain-not-found');
    expect(err.nextStep).toContain('Global/ Lab');
    expect(e.stats.logins).toBe(1);
  });

  it('reads the server version once asked', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e));
    expect(c.serverVersion).toBeUndefined();
    await c.get('/api/fmc_platform/v1/info/serverversion');
    expect(c.serverVersion).toBe('7.2.4 (build 169)');
  });
});

describe('one login per FMC and user', () => {
  it('50 parallel callers share one login', async () => {
    const e = await emulator({ devices: 50 });
    const results = await Promise.all(Array.from({ length: 50 }, () => connectFmc(optsOf(e)).then((c) => c.getAll('/devices/devicerecords'))));
    expect(results.every((r) => r.length === 50)).toBe(true);
    expect(e.stats.logins).toBe(1);
    expect(e.stats.rejectedTokens).toBe(0);
  });

  it('the emulator: a second login invalidates the first', async () => {
    const e = await emulator();
    const a = await connectFmc(optsOf(e));
    await a.get('/devices/devicerecords');
    // a second process with the same account (here: the same user on another URL spelling)
    const b = await connectFmc(optsOf(e, { url: e.url.replace('127.0.0.1', 'localhost') }));
    await b.get('/devices/devicerecords');
    expect(e.stats.logins).toBe(2);
    // a's token is dead: a logs in again once and goes on (b's turn to be logged out)
    await a.get('/devices/devicerecords');
    expect(e.stats.rejectedTokens).toBe(1);
    expect(e.stats.logins).toBe(3);
  });

  it('a refused login is tried once, however many callers wait for it', async () => {
    const e = await emulator();
    const errs = await Promise.all(Array.from({ length: 10 }, () => failure(connectFmc(optsOf(e, { password: 'wrong-password' })))));
    expect(errs.every((x) => x.triage === 'auth')).toBe(true);
    expect(errs[0].nextStep).toMatch(/password/);
    expect(e.stats.byPath['/api/fmc_platform/v1/auth/generatetoken']).toBe(1);
    await failure(connectFmc(optsOf(e, { password: 'wrong-password' })));
    expect(e.stats.byPath['/api/fmc_platform/v1/auth/generatetoken']).toBe(1);
  });
});

describe('tokens', () => {
  it('refreshes before expiry, at most 3 times, then logs in afresh', async () => {
    // the FMC's tokens live 1.2 s; the client is told 0.9 s, renews at 0.75 s: a renewed token is
    // always used well inside its life, however loaded the machine
    const e = await emulator({ tokenLifetimeSec: 1.2 });
    const c = await connectFmc(optsOf(e, { tokenLifetimeSec: 0.9 }));
    for (let i = 0; i < 4; i++) {
      await sleep(800);
      await c.get('/devices/devicerecords');
    }
    expect(e.stats.refreshes).toBe(3);
    expect(e.stats.logins).toBe(2);
    expect(e.stats.rejectedTokens).toBe(0); // never sent an expired token
    expect(c.stats).toMatchObject({ refreshes: 3, logins: 2 });
  });

  it('a refused refresh (Invalid refresh token) is followed by one fresh login, shared by 20 parallel callers', async () => {
    const e = await emulator({ tokenLifetimeSec: 1.2, maxRefreshes: 1 }); // the FMC allows fewer refreshes than the client expects
    const c = await connectFmc(optsOf(e, { tokenLifetimeSec: 0.9 }));
    for (let i = 0; i < 2; i++) {
      await sleep(800);
      await Promise.all(Array.from({ length: 20 }, () => c.get('/devices/devicerecords')));
    }
    expect(e.stats.refreshes).toBe(1);
    expect(e.stats.byPath['/api/fmc_platform/v1/auth/refreshtoken']).toBe(2);
    expect(e.stats.logins).toBe(2);
    expect(e.stats.rejectedTokens).toBe(0);
  });

  it('a token expiring mid-run: one fresh login, shared by 20 parallel callers, and the run goes on', async () => {
    const e = await emulator({ devices: 40 });
    const c = await connectFmc(optsOf(e));
    await c.get('/devices/devicerecords');
    e.expireTokens();
    const all = await Promise.all(Array.from({ length: 20 }, () => c.getAll('/devices/devicerecords')));
    expect(all.every((r) => r.length === 40)).toBe(true);
    expect(e.stats.logins).toBe(2);
  });

  it('a 401 right after a fresh login is a clear auth error, not a login loop', async () => {
    const e = await emulator({ tokenLifetimeSec: 0 }); // every token is dead on arrival
    const c = await connectFmc(optsOf(e));
    const err = await failure(c.get('/devices/devicerecords'));
    expect(err.triage).toBe('auth');
    expect(err.nextStep).toMatch(/own API account/);
    expect(e.stats.logins).toBe(2);
  });
});

describe('429, 5xx, slow answers, malformed JSON', () => {
  it('a 429 storm with Retry-After: waits as told, then succeeds', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e));
    e.setFault({ storm429: 2, retryAfterSec: 1 });
    expect(await c.getAll('/devices/devicerecords')).toHaveLength(30);
    expect(c.stats.retries429).toBe(2);
    expect(e.stats.earlyAfterRetryAfter).toBe(0);
  });

  it('a 429 storm without Retry-After: backs off and succeeds', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e));
    e.setFault({ storm429: 3 });
    expect(await c.getAll('/devices/devicerecords')).toHaveLength(30);
    expect(c.stats.retries429).toBe(3);
  });

  it('a 429 storm that never ends: rate-limited after a bounded number of tries', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e, { retry: { baseMs: 5, tries: 4 } }));
    e.setFault({ storm429: Infinity });
    const err = await failure(c.get('/devices/devicerecords'));
    expect(err.triage).toBe('rate-limited');
    expect(e.stats.answered429).toBe(4);
  });

  it('a 429 on the login is waited out (the login was not looked at)', async () => {
    const e = await emulator({ faults: { storm429: 2 } });
    const c = await connectFmc(optsOf(e));
    expect(c.stats.retries429).toBe(2);
    expect(e.stats.logins).toBe(1);
  });

  it('5xx: retried on a GET, then http-5xx; a login that gets a 5xx is not retried', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e, { retry: { baseMs: 5, tries: 3 } }));
    e.setFault({ http5xx: 1 });
    expect(await c.getAll('/devices/devicerecords')).toHaveLength(30);
    e.setFault({ http5xx: Infinity });
    const err = await failure(c.get('/devices/devicerecords'));
    expect(err.triage).toBe('http-5xx');
    expect(err.message).toMatch(/HTTP 500 .*after 3 tries/);

    const e2 = await emulator({ faults: { http5xx: Infinity } });
    expect((await failure(connectFmc(optsOf(e2)))).triage).toBe('http-5xx');
    expect(e2.stats.requests).toBe(1);
  });

  it('slow answers: timeout', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e, { timeoutMs: 150 }));
    e.setFault({ slowMs: 1000 });
    const err = await failure(c.get('/devices/devicerecords'));
    expect(err.triage).toBe('timeout');
    e.setFault({ slowMs: 0 });
  });

  it('malformed JSON: bad-response', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e));
    e.setFault({ malformedJson: 1 });
    const err = await failure(c.getAll('/devices/devicerecords'));
    expect(err.triage).toBe('bad-response');
    expect(err.message).toMatch(/not JSON/);
  });
});

describe('TLS', () => {
  it('refuses an FMC whose CA it was not given', async () => {
    const e = await emulator();
    const err = await failure(connectFmc(optsOf(e, { caFile: undefined })));
    expect(err.triage).toBe('tls');
    expect(err.nextStep).toMatch(/ca_file/);
    expect(e.stats.logins).toBe(0);
  });

  it('refuses a certificate from an unknown CA, even with a ca_file; validateCerts: false accepts it', async () => {
    const e = await emulator({ faults: { unknownCa: true } });
    expect((await failure(connectFmc(optsOf(e)))).triage).toBe('tls');
    expect(e.stats.logins).toBe(0);
    const c = await connectFmc(optsOf(e, { caFile: undefined, validateCerts: false })); // a TLS failure leaves no session behind
    expect(e.stats.logins).toBe(1);
    expect(await c.getAll('/devices/devicerecords')).toHaveLength(30);
  });

  it('refuses an http:// URL', async () => {
    expect((await failure(connectFmc({ url: 'http://127.0.0.1:1', username: 'u', password: 'p' }))).triage).toBe('tls');
  });
});

describe('GET only, on the FMC only', () => {
  it('has no method but get and getAll, and refuses paths that leave the API', async () => {
    const e = await emulator();
    const c = await connectFmc(optsOf(e));
    expect(Object.keys(c).filter((k) => typeof (c as unknown as Record<string, unknown>)[k] === 'function').sort()).toEqual(['get', 'getAll']);
    for (const bad of ['//evil.example/x', '/../../auth/generatetoken', 'devices', '/devices/%2e%2e/x', 'https://evil.example/api/x', '/a b'])
      expect((await failure(c.get(bad))).message).toMatch(/refused API path/);
    expect(e.stats.requests).toBe(1); // the login only
  });
});

describe('rate', () => {
  it('never exceeds the configured rate (the emulator counts per window and never had to answer 429)', async () => {
    // emulator: 20 requests per 500 ms window; client: 720/min = 6 per 500 ms, plus a burst of 10
    const e = await emulator({ rateLimit: 20, rateWindowMs: 500 });
    const c = await connectFmc(optsOf(e, { rateLimit: 720 }));
    await Promise.all(Array.from({ length: 40 }, () => c.get('/devices/devicerecords')));
    expect(e.stats.requests).toBe(41);
    expect(e.stats.answered429).toBe(0);
    expect(e.stats.maxInWindow).toBeLessThanOrEqual(20);
  });

  it('the emulator limiter answers 429 above its limit (a client too fast gets retried through it)', async () => {
    const e = await emulator({ rateLimit: 5, rateWindowMs: 400 });
    const c = await connectFmc(optsOf(e, { rateLimit: 60_000, retry: { baseMs: 50, tries: 10 } }));
    await Promise.all(Array.from({ length: 12 }, () => c.get('/devices/devicerecords')));
    expect(e.stats.answered429).toBeGreaterThan(0);
    expect(c.stats.retries429).toBe(e.stats.answered429);
  });
});

describe('secrets', () => {
  it('a canary password and the tokens appear in no error, next step or stats', async () => {
    const canary = 'CANARY-pw-7f3a9c';
    const texts: string[] = [];
    const keep = (err: FmcError) => texts.push(err.message, err.nextStep, String(err.stack), JSON.stringify(err), inspect(err, { depth: 5 }));
    const e = await emulator({ password: canary, tokenLifetimeSec: 0 }); // every token dead: a 401 after a fresh login
    const c1 = await connectFmc(optsOf(e));
    keep(await failure(c1.get('/devices/devicerecords')));
    texts.push(inspect(c1, { depth: 5 }), JSON.stringify(c1));
    const e2 = await emulator({ password: canary });
    const c2 = await connectFmc(optsOf(e2));
    for (const f of [{ storm429: Infinity }, { http5xx: Infinity }, { malformedJson: 1 }] as const) {
      e2.setFault({ storm429: 0, http5xx: 0, ...f });
      keep(await failure((await connectFmc(optsOf(e2, { retry: { baseMs: 1, tries: 2 } }))).get('/devices/devicerecords')));
    }
    keep(await failure(connectFmc({ ...optsOf(e2), url: e2.url.replace('127.0.0.1', 'localhost'), password: canary + 'x' })));
    keep(await failure(connectFmc({ ...optsOf(e2), caFile: undefined, url: e2.url.replace('127.0.0.1', '[::ffff:127.0.0.1]') })));
    texts.push(JSON.stringify(c2.stats));
    expect(texts.length).toBeGreaterThan(20);
    const secrets = [canary, ...e.tokensIssued(), ...e2.tokensIssued()];
    expect(secrets.length).toBeGreaterThan(3);
    for (const t of texts) for (const s of secrets) expect(t).not.toContain(s);
  });
});

describe('cloud settings', () => {
  it('reads the cloud region, SecureX and cloud-events singletons; an FMC older than an endpoint answers 404', async () => {
    const e = await emulator({ cloudRegion: 'eu-central-1', securexEnabled: false });
    const c = await connectFmc(optsOf(e));
    expect(await c.getAll('/integration/cloudregions')).toMatchObject([{ name: 'eu-central-1', current: true }]);
    expect(await c.getAll('/integration/securexconfigs')).toMatchObject([{ enabled: false }]);
    expect(await c.getAll('/integration/cloudeventsconfigs')).toMatchObject([{ sendIntrusionEvents: true, sendConnectionEvents: true }]);
    const old = await emulator({ serverVersion: '6.6.1 (build 91)' });
    const oc = await connectFmc(optsOf(old));
    const err = await failure(oc.getAll('/integration/securexconfigs'));
    expect(err).toMatchObject({ triage: 'bad-response' });
    expect(err.message).toMatch(/HTTP 404/);
    expect(await oc.getAll('/integration/cloudregions')).toHaveLength(1);
  });
});
