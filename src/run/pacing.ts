/** Time as the pacer sees it (injected in tests). */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Login pacing: at most N SSH login attempts per second across the run (TACACS+/ISE friendly),
 * separate from --forks. Every attempt counts: first logins, connect retries and reconnects. */
export function createLoginPacer(perSecond: number | undefined, signal?: AbortSignal, clock: PacerClock = { now: Date.now, sleep }): () => Promise<void> {
  if (!perSecond || perSecond <= 0) return async () => {};
  const intervalMs = 1000 / perSecond;
  let next = 0;
  return async () => {
    const now = clock.now();
    // Each login takes the next free slot; slots are 1/N s apart whatever the forks.
    const at = Math.max(now, next);
    next = at + intervalMs;
    if (at > now) await clock.sleep(at - now, signal);
  };
}

/** Sleeps, waking early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
