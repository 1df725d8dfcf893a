import type { Logger } from "../logger/logger.ts";
import { noopLogger } from "../logger/create-logger.ts";
import { logOncePerInterval } from "../util/log-once-per-interval.ts";
import type { RequestEvent } from "../events/request-event.ts";

/** Where events go (Langfuse, a webhook, spend logs ...): slow work, done off the request. */
export interface Sink<T = RequestEvent> {
  readonly name: string;
  /** Rejects (or throws) to have the batch retried; may hang, the queue bounds it with a timeout. */
  deliver(batch: readonly T[]): Promise<void>;
}

export interface SinkQueueOptions {
  /** Events held at most; past it `publish` drops and counts. Default 10 000. */
  readonly capacity?: number;
  /** Events per `deliver` call at most. Default 100. */
  readonly maxBatch?: number;
  /** How long a partial batch waits for more events before it is delivered. Default 1 000 ms. */
  readonly flushIntervalMs?: number;
  /** Retries of a failed batch after the first try; then the batch is given up. Default 3. */
  readonly maxRetries?: number;
  /** Backoff before retry n is min(retryMaxMs, retryBaseMs * 2^(n-1)). Defaults 200 and 5 000 ms. */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** A `deliver` that has not settled by then counts as failed (a hanging sink). Default 10 000 ms. */
  readonly deliverTimeoutMs?: number;
  /** Drops and failures are logged at most once per this interval. Default 60 000 ms. */
  readonly logIntervalMs?: number;
  readonly logger?: Logger;
  /** Milliseconds since the epoch, for the log interval. Default Date.now. */
  readonly now?: () => number;
}

export interface SinkQueueStats {
  readonly depth: number;
  /** Events refused because the queue was full or closed, or abandoned at close. */
  readonly dropped: number;
  readonly delivered: number;
  /** Events in batches given up after every retry failed. */
  readonly failed: number;
  /** `deliver` calls that rejected, threw or timed out (retries included). */
  readonly deliveryErrors: number;
}

export interface CloseResult {
  /** True when every queued event was delivered or given up before the timeout. */
  readonly drained: boolean;
  /** Events still queued at the timeout (counted as dropped). */
  readonly abandoned: number;
}

class DeliverTimeout extends Error {
  constructor(ms: number) {
    super(`deliver did not settle within ${ms} ms`);
  }
}

/**
 * A bounded queue in front of one sink. `publish` is synchronous, O(1) and never throws, so
 * a request never waits for (or fails because of) a sink; a consumer loop delivers batches
 * with retries and a timeout, so a dead or hanging sink only fills its own queue, and once it
 * is full new events are dropped and counted (`dropped()`, exported as a metric).
 */
export class SinkQueue<T = RequestEvent> {
  readonly name: string;
  private readonly sink: Sink<T>;
  private readonly capacity: number;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly deliverTimeoutMs: number;
  private readonly logDrop: (message: string, fields?: Record<string, unknown>) => void;
  private readonly logFailure: (message: string, fields?: Record<string, unknown>) => void;

  private buffer: T[] = [];
  private running = false;
  private closing = false;
  private wakeWaiter: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];
  private droppedCount = 0;
  private deliveredCount = 0;
  private failedCount = 0;
  private errorCount = 0;

  constructor(sink: Sink<T>, options: SinkQueueOptions = {}) {
    this.sink = sink;
    this.name = sink.name;
    this.capacity = positive(options.capacity, 10_000);
    this.maxBatch = positive(options.maxBatch, 100);
    this.flushIntervalMs = nonNegative(options.flushIntervalMs, 1_000);
    this.maxRetries = nonNegative(options.maxRetries, 3);
    this.retryBaseMs = nonNegative(options.retryBaseMs, 200);
    this.retryMaxMs = nonNegative(options.retryMaxMs, 5_000);
    this.deliverTimeoutMs = positive(options.deliverTimeoutMs, 10_000);
    const logger = (options.logger ?? noopLogger).child({ sink: sink.name });
    const interval = nonNegative(options.logIntervalMs, 60_000);
    this.logDrop = logOncePerInterval(logger, interval, options.now);
    this.logFailure = logOncePerInterval(logger, interval, options.now);
  }

  /** Queues one event; false when it was dropped (queue full or closed). Never throws. */
  publish(event: T): boolean {
    if (this.closing || this.buffer.length >= this.capacity) {
      this.droppedCount += 1;
      this.logDrop(
        this.closing ? "sink queue closed: event dropped" : "sink queue full: events dropped",
        { dropped: this.droppedCount, capacity: this.capacity },
      );
      return false;
    }
    this.buffer.push(event);
    if (!this.running) this.start();
    else if (this.buffer.length >= this.maxBatch) this.wake();
    return true;
  }

  depth(): number {
    return this.buffer.length;
  }

  dropped(): number {
    return this.droppedCount;
  }

  stats(): SinkQueueStats {
    return {
      depth: this.buffer.length,
      dropped: this.droppedCount,
      delivered: this.deliveredCount,
      failed: this.failedCount,
      deliveryErrors: this.errorCount,
    };
  }

  /**
   * Stops accepting events, delivers what is queued at once (no batching wait), and resolves
   * when the queue is empty or after `flushTimeoutMs`, whichever is first; what is left then is
   * abandoned and counted as dropped. Never rejects.
   */
  async close(options: { flushTimeoutMs?: number } = {}): Promise<CloseResult> {
    this.closing = true;
    this.wake();
    if (!this.running && this.buffer.length === 0) return { drained: true, abandoned: 0 };
    const timeoutMs = nonNegative(options.flushTimeoutMs, 5_000);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = await new Promise<boolean>((resolve) => {
      this.idleWaiters.push(() => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
      unref(timer);
    });
    clearTimeout(timer);
    if (drained) return { drained: true, abandoned: 0 };
    const abandoned = this.buffer.length;
    this.buffer = [];
    this.droppedCount += abandoned;
    if (abandoned > 0) {
      this.logFailure("sink queue closed before it drained: events abandoned", { abandoned });
    }
    return { drained: false, abandoned };
  }

  private start(): void {
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        if (this.buffer.length < this.maxBatch && !this.closing) await this.waitForBatch();
        const batch = this.buffer.splice(0, this.maxBatch);
        if (batch.length > 0) await this.deliverWithRetry(batch);
      }
    } finally {
      this.running = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Waits for a full batch, for the flush interval, or for close, whichever is first. */
  private waitForBatch(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.flushIntervalMs);
      unref(timer);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        self.wakeWaiter = undefined;
        resolve();
      }
      this.wakeWaiter = done;
    });
  }

  private wake(): void {
    this.wakeWaiter?.();
  }

  private async deliverWithRetry(batch: T[]): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.deliverOnce(batch);
        this.deliveredCount += batch.length;
        return;
      } catch (error) {
        this.errorCount += 1;
        if (attempt >= this.maxRetries) {
          this.failedCount += batch.length;
          this.logFailure("sink delivery failed: batch given up", {
            events: batch.length,
            attempts: attempt + 1,
            failed: this.failedCount,
            error: error instanceof Error ? error.message : String(error),
          });
          return;
        }
        await sleep(Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt));
      }
    }
  }

  /** One `deliver`, bounded by the timeout; a synchronous throw counts as a rejection. */
  private deliverOnce(batch: readonly T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new DeliverTimeout(this.deliverTimeoutMs)),
        this.deliverTimeoutMs,
      );
      unref(timer);
      let pending: Promise<void>;
      try {
        pending = Promise.resolve(this.sink.deliver(batch));
      } catch (error) {
        clearTimeout(timer);
        reject(error);
        return;
      }
      pending.then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => unref(setTimeout(resolve, ms)));
}

/** Queue timers must not keep a process alive that is otherwise done. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void } | undefined)?.unref?.();
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
}
