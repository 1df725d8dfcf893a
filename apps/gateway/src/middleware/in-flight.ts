import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * Counts requests in flight so graceful shutdown can wait for them to drain. A streaming
 * route takes over its request's count (`holdForStream`) and releases it when the stream
 * ends or the client goes away.
 */
export class InFlightTracker {
  #count = 0;
  #waiters: Array<() => void> = [];

  get count(): number {
    return this.#count;
  }

  enter(): void {
    this.#count++;
  }

  leave(): void {
    this.#count--;
    if (this.#count === 0) {
      for (const resolve of this.#waiters.splice(0)) resolve();
    }
  }

  /** Resolves when nothing is in flight. */
  idle(): Promise<void> {
    if (this.#count === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

export function inFlightMiddleware(tracker: InFlightTracker) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    tracker.enter();
    try {
      await next();
    } finally {
      if (!c.get("streamHeld")) tracker.leave();
    }
  });
}
