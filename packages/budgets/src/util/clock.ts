/** Milliseconds since the epoch. Injected everywhere so tests drive time with a fake clock. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
