import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";

type Cut = (reason: Error) => void;

/**
 * Counts requests in flight so graceful shutdown can wait for them to drain. A streaming
 * route takes over its request's count (`holdForStream`) and releases it when the stream
 * ends or the client goes away. Streams registered with `cuttable` can be ended by
 * `cutStreams` when the drain deadline passes.
 */
export class InFlightTracker {
  #count = 0;
  #waiters: Array<() => void> = [];
  readonly #streams = new Set<Cut>();

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

  /**
   * `parts` as a stream the shutdown can cut: `cutStreams(reason)` ends it with `reason`. The
   * router's streams take it as their end (the upstream call is closed and what was delivered is
   * charged), and the read the route is waiting on (or its next one) throws `reason`, so the
   * route ends the response with an error event in its own format instead of a bare TCP close.
   */
  cuttable<T>(parts: AsyncIterable<T>): AsyncIterable<T> {
    const streams = this.#streams;
    return {
      [Symbol.asyncIterator](): AsyncIterator<T> {
        const inner = parts[Symbol.asyncIterator]();
        let cutBy: Error | undefined;
        const cut: Cut = (reason) => {
          streams.delete(cut);
          cutBy = reason;
          if (inner.throw) inner.throw(reason).catch(() => {});
          else inner.return?.()?.catch(() => {});
        };
        const release = () => streams.delete(cut);
        streams.add(cut);
        return {
          async next() {
            if (cutBy !== undefined) throw cutBy;
            try {
              const result = await inner.next();
              if (result.done === true) release();
              return result;
            } catch (error) {
              release();
              throw error;
            }
          },
          async return(value?: unknown) {
            release();
            const result = await inner.return?.(value);
            return result ?? { done: true, value: undefined };
          },
        };
      },
    };
  }

  /** Ends every open `cuttable` stream with `reason`; returns how many there were. */
  cutStreams(reason: Error): number {
    const cuts = [...this.#streams];
    for (const cut of cuts) cut(reason);
    return cuts.length;
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
