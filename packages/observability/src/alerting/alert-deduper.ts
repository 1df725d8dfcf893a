/**
 * Once per condition per window: a budget crossed by 1 000 requests, or 1 000 slow responses
 * from one deployment, is one alert, and the next one (after the window) says how many times
 * the condition was seen meanwhile. Bounded: past `maxTracked` conditions the expired ones
 * are pruned, then the oldest, so a flood of distinct ids cannot grow memory without limit.
 */
export class AlertDeduper {
  private readonly seen = new Map<string, { sentAt: number; suppressed: number }>();
  private readonly maxTracked: number;
  private readonly now: () => number;
  private suppressedTotal = 0;

  constructor(options: { maxTracked?: number; now?: () => number } = {}) {
    this.maxTracked = Math.max(1, options.maxTracked ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  /**
   * Records one occurrence of `key`. Returns how many occurrences this alert stands for
   * (1 + those suppressed since the last alert), or 0 when it is inside the window.
   */
  admit(key: string, windowMs: number): number {
    const t = this.now();
    const entry = this.seen.get(key);
    if (entry !== undefined && t - entry.sentAt < windowMs) {
      entry.suppressed += 1;
      this.suppressedTotal += 1;
      return 0;
    }
    const occurrences = 1 + (entry?.suppressed ?? 0);
    if (entry !== undefined) this.seen.delete(key);
    else if (this.seen.size >= this.maxTracked) this.prune(t, windowMs);
    // Re-inserted so the Map's order is the order of last alerts (oldest first).
    this.seen.set(key, { sentAt: t, suppressed: 0 });
    return occurrences;
  }

  suppressed(): number {
    return this.suppressedTotal;
  }

  tracked(): number {
    return this.seen.size;
  }

  private prune(t: number, windowMs: number): void {
    for (const [key, entry] of this.seen) {
      if (t - entry.sentAt >= windowMs) this.seen.delete(key);
    }
    while (this.seen.size >= this.maxTracked) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
  }
}
