import type { Clock } from "../util/clock.ts";

/** A clock a test moves by hand, to expire entries without waiting. Starts at the real time. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
