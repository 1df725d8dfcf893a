/** Milliseconds since the epoch; tests move a fake one to expire entries without waiting. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
