import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../logger/logger.ts";
import { SinkQueue, type Sink } from "./sink-queue.ts";

// Every timer here is fake: the tests move time and assert counts and order, never durations.

function recordingLogger(): Logger & { warnings: { message: string; fields?: object }[] } {
  const warnings: { message: string; fields?: object }[] = [];
  const logger = {
    warnings,
    debug() {},
    info() {},
    warn(message: string, fields?: Record<string, unknown>) {
      warnings.push({ message, fields });
    },
    error() {},
    child: () => logger,
  };
  return logger;
}

function collectingSink(name = "collect"): Sink<number> & { batches: number[][] } {
  const batches: number[][] = [];
  return {
    name,
    batches,
    async deliver(batch) {
      batches.push([...batch]);
    },
  };
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("SinkQueue batching", () => {
  it("delivers full batches at once and a partial batch after the flush interval, in order", async () => {
    const sink = collectingSink();
    const queue = new SinkQueue(sink, { maxBatch: 100, flushIntervalMs: 1_000 });
    for (const n of range(250)) expect(queue.publish(n)).toBe(true);

    await vi.advanceTimersByTimeAsync(0);
    // The first full batch goes at once; the rest waits for a full batch or the interval.
    expect(sink.batches.map((b) => b.length)).toEqual([100, 100]);
    expect(queue.depth()).toBe(50);

    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sink.batches.flat()).toEqual(range(250));
    expect(queue.stats()).toMatchObject({ depth: 0, delivered: 250, dropped: 0, failed: 0 });
  });

  it("a partial batch that fills up while waiting is delivered without waiting out the interval", async () => {
    const sink = collectingSink();
    const queue = new SinkQueue(sink, { maxBatch: 10, flushIntervalMs: 60_000 });
    for (const n of range(4)) queue.publish(n);
    await vi.advanceTimersByTimeAsync(10);
    expect(sink.batches).toHaveLength(0);
    for (const n of range(6, 4)) queue.publish(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches).toEqual([range(10)]);
  });
});

describe("SinkQueue with a dead sink", () => {
  it("retries each batch a bounded number of times with capped exponential backoff, then gives it up", async () => {
    const calls: number[] = [];
    const sink: Sink<number> = {
      name: "dead",
      deliver: async () => {
        calls.push(Date.now());
        throw new Error("connection refused");
      },
    };
    const logger = recordingLogger();
    const queue = new SinkQueue(sink, {
      maxBatch: 5,
      flushIntervalMs: 0,
      maxRetries: 4,
      retryBaseMs: 100,
      retryMaxMs: 300,
      logger,
    });
    for (const n of range(5)) queue.publish(n);
    await vi.advanceTimersByTimeAsync(10_000);

    expect(calls).toHaveLength(5); // the first try and 4 retries
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(gaps).toEqual([100, 200, 300, 300]);
    expect(queue.stats()).toMatchObject({ depth: 0, delivered: 0, failed: 5, deliveryErrors: 5 });
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]!.message).toContain("given up");
  });

  it("never throws from publish, drops past capacity, counts drops, and logs once per interval", async () => {
    let calls = 0;
    const sink: Sink<number> = {
      name: "dead",
      // A synchronous throw, not even a rejected promise.
      deliver: () => {
        calls += 1;
        throw new Error("boom");
      },
    };
    const logger = recordingLogger();
    const queue = new SinkQueue(sink, {
      capacity: 20,
      maxBatch: 10,
      flushIntervalMs: 50,
      maxRetries: 1,
      retryBaseMs: 10,
      logIntervalMs: 60_000,
      logger,
    });

    const accepted = range(1_000).map((n) => queue.publish(n));
    expect(accepted.filter(Boolean)).toHaveLength(20);
    expect(queue.dropped()).toBe(980);
    expect(queue.depth()).toBe(20);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toBe(4); // two batches of 10, each tried twice
    expect(queue.stats()).toMatchObject({ depth: 0, failed: 20, delivered: 0, dropped: 980 });
    // 980 drops and 2 failed batches: one line each for drops and for failures in this interval.
    expect(logger.warnings.map((w) => w.message)).toEqual([
      "sink queue full: events dropped",
      "sink delivery failed: batch given up",
    ]);

    // The next interval logs again, with how many lines were suppressed meanwhile.
    await vi.advanceTimersByTimeAsync(60_000);
    queue.publish(1);
    queue.publish(2);
    expect(queue.dropped()).toBe(980);
    for (const n of range(30)) queue.publish(n);
    expect(queue.dropped()).toBe(992);
    const dropLines = logger.warnings.filter((w) => w.message.includes("dropped"));
    expect(dropLines).toHaveLength(2);
    expect(dropLines[1]!.fields).toMatchObject({ suppressed: 979, dropped: 981 });
  });
});

describe("SinkQueue with a hanging sink", () => {
  it("bounds each deliver with a timeout, keeps publish synchronous, and moves on to later batches", async () => {
    let calls = 0;
    let hang = true;
    const delivered: number[][] = [];
    const sink: Sink<number> = {
      name: "hanging",
      deliver: (batch) => {
        calls += 1;
        if (hang) return new Promise<void>(() => {}); // never settles
        delivered.push([...batch]);
        return Promise.resolve();
      },
    };
    const queue = new SinkQueue(sink, {
      capacity: 10,
      maxBatch: 5,
      flushIntervalMs: 0,
      maxRetries: 1,
      retryBaseMs: 100,
      deliverTimeoutMs: 1_000,
    });

    for (const n of range(5)) queue.publish(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1); // the first batch is in flight and hangs

    // While it hangs, publish still answers at once: it fills the queue, then drops.
    const results = range(20, 100).map((n) => queue.publish(n));
    expect(results.every((r) => typeof r === "boolean")).toBe(true);
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(queue.dropped()).toBe(10);

    // First try times out, a retry after 100 ms times out too: the batch is given up.
    // The loop moves straight on to the next batch (which hangs too).
    await vi.advanceTimersByTimeAsync(1_000 + 100 + 1_000);
    expect(calls).toBe(3);
    expect(queue.stats()).toMatchObject({ failed: 5, depth: 5 });

    // The sink recovers: the hanging try times out, its retry and the last batch go through.
    hang = false;
    await vi.advanceTimersByTimeAsync(1_000 + 100);
    expect(delivered.flat()).toEqual(range(10, 100));
    expect(queue.stats()).toMatchObject({
      depth: 0,
      delivered: 10,
      failed: 5,
      dropped: 10,
      deliveryErrors: 3,
    });
  });

  it("close gives up on a hanging sink after flushTimeoutMs and counts what it abandons", async () => {
    const sink: Sink<number> = { name: "hanging", deliver: () => new Promise<void>(() => {}) };
    const queue = new SinkQueue(sink, {
      maxBatch: 2,
      flushIntervalMs: 0,
      deliverTimeoutMs: 60_000,
    });
    for (const n of range(6)) queue.publish(n);
    await vi.advanceTimersByTimeAsync(0);
    expect(queue.depth()).toBe(4); // one batch of 2 in flight

    const closing = queue.close({ flushTimeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(500);
    await expect(closing).resolves.toEqual({ drained: false, abandoned: 4 });
    expect(queue.depth()).toBe(0);
    expect(queue.dropped()).toBe(4);
    expect(queue.publish(99)).toBe(false);
    expect(queue.dropped()).toBe(5);
  });
});

describe("SinkQueue with a slow sink", () => {
  it("delivers every accepted event exactly once; accepted + dropped = published", async () => {
    const delivered: number[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const sink: Sink<number> = {
      name: "slow",
      deliver: async (batch) => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        delivered.push(...batch);
        concurrent -= 1;
      },
    };
    const queue = new SinkQueue(sink, { capacity: 50, maxBatch: 10, flushIntervalMs: 100 });

    let accepted = 0;
    // Bursts of 30 every 500 ms while the sink takes 2 s per batch of 10: the queue fills.
    for (let burst = 0; burst < 10; burst += 1) {
      for (const n of range(30, burst * 30)) if (queue.publish(n)) accepted += 1;
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(queue.depth()).toBeLessThanOrEqual(50);
    expect(queue.dropped()).toBeGreaterThan(0);
    expect(accepted + queue.dropped()).toBe(300);

    const closed = queue.close({ flushTimeoutMs: 60_000 });
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(closed).resolves.toEqual({ drained: true, abandoned: 0 });
    expect(delivered).toHaveLength(accepted);
    expect(new Set(delivered).size).toBe(accepted);
    expect(delivered).toEqual([...delivered].sort((a, b) => a - b)); // in publish order
    expect(maxConcurrent).toBe(1); // one batch at a time per sink
    expect(queue.stats()).toMatchObject({ delivered: accepted, failed: 0, depth: 0 });
  });

  it("close delivers a partial batch at once instead of waiting for the interval", async () => {
    const sink = collectingSink();
    const queue = new SinkQueue(sink, { maxBatch: 100, flushIntervalMs: 3_600_000 });
    for (const n of range(3)) queue.publish(n);
    const closed = queue.close({ flushTimeoutMs: 1_000 });
    await vi.advanceTimersByTimeAsync(0);
    await expect(closed).resolves.toEqual({ drained: true, abandoned: 0 });
    expect(sink.batches).toEqual([[0, 1, 2]]);
  });
});
