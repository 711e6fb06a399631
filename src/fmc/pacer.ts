/** One pacer per FMC: a token bucket (GCRA form) that spaces requests to `perMinute` with a
 * small burst, so that no 60-second window sees more than `perMinute + burst` requests.
 * Why 110 with a burst of 9 stays under the FMC's 120: docs/fmc.md ("The API client"). */

export class Pacer {
  private readonly interval: number;
  private readonly tolerance: number;
  private tat = 0;
  constructor(perMinute: number) {
    if (!(perMinute > 0)) throw new RangeError('rate limit must be > 0 requests per minute');
    this.interval = 60_000 / perMinute;
    const burst = Math.min(10, Math.max(1, Math.floor(perMinute / 12)));
    this.tolerance = (burst - 1) * this.interval;
  }

  /** Resolves when the next request may go; slots are handed out in call order. */
  take(): Promise<void> {
    const now = Date.now();
    const tat = Math.max(this.tat, now);
    const at = tat - this.tolerance;
    this.tat = tat + this.interval;
    return at > now ? new Promise((resolve) => setTimeout(resolve, Math.ceil(at - now))) : Promise.resolve();
  }

  /** Nobody sends before `until` (a Retry-After the FMC asked for). */
  pauseUntil(until: number): void {
    this.tat = Math.max(this.tat, until + this.tolerance);
  }
}
