import type { Clock } from "../util/clock.ts";

export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock tests move by hand (budget windows, key expiry, cache TTLs). */
export function createFakeClock(start = Date.UTC(2025, 2, 12, 10, 0, 0)): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}
