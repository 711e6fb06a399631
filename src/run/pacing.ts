/** Login pacing: at most N new SSH logins per second across the run (TACACS+/ISE friendly),
 * separate from --forks. */
export function createLoginPacer(
  perSecond: number | undefined,
  signal?: AbortSignal,
  clock: { now(): number; sleep(ms: number, signal?: AbortSignal): Promise<void> } = { now: Date.now, sleep },
): () => Promise<void> {
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
