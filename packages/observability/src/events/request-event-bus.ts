import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import type { SinkQueue } from "../sinks/sink-queue.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import type { RequestEvent } from "./request-event.ts";

/** A consumer cheap enough to run inline (in-process metrics): called synchronously. */
export interface EventObserver {
  observe(event: RequestEvent): void;
}

/**
 * The gateway's one call per request: `publish(event)` feeds the synchronous observers
 * (Prometheus counters) and every sink's bounded queue. It never throws and never waits:
 * an observer that throws is logged (once per interval) and skipped, a full queue drops.
 */
export class RequestEventBus {
  private readonly observers: readonly EventObserver[];
  private readonly queues: readonly SinkQueue<RequestEvent>[];
  private readonly logError: (message: string, fields?: Record<string, unknown>) => void;

  constructor(options: {
    observers?: readonly EventObserver[];
    queues?: readonly SinkQueue<RequestEvent>[];
    logger?: Logger;
    logIntervalMs?: number;
  }) {
    this.observers = options.observers ?? [];
    this.queues = options.queues ?? [];
    this.logError = logOncePerInterval(
      options.logger ?? noopLogger,
      options.logIntervalMs ?? 60_000,
    );
  }

  publish(event: RequestEvent): void {
    for (const observer of this.observers) {
      try {
        observer.observe(event);
      } catch (error) {
        this.logError("request event observer threw", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    for (const queue of this.queues) queue.publish(event);
  }

  /** Flushes every queue (in parallel), each bounded by `flushTimeoutMs`. */
  async close(options: { flushTimeoutMs?: number } = {}): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close(options)));
  }
}
