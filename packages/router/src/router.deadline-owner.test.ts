import type { Transport, TransportOptions, TransportResponse } from "@org/core";
import { TimeoutError, defaultProviders } from "@org/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chatRequest, entry } from "./__fixtures__/fakes.ts";
import { Router } from "./router.ts";
import { MemoryStateStore } from "./state/memory-state-store.ts";

/**
 * The router computes each attempt's deadlines and @org/core's call enforces them: exactly one
 * timer runs per attempt (two owners would arm two, and their errors would race). These run the
 * real callChat over an in-memory transport under fake timers and count the timers mid-attempt.
 */

const encoder = new TextEncoder();
const firstChunk = encoder.encode(
  `data: ${JSON.stringify({
    id: "c1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-a",
    choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }],
  })}\n\n`,
);

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** An upstream that answers only when released, with a first chunk and then silence. */
function stallingTransport() {
  const sends: TransportOptions[] = [];
  let release: (() => void) | undefined;
  const transport: Transport = {
    async send(_request, options = {}) {
      sends.push(options);
      await Promise.race([
        new Promise<void>((resolve) => (release = resolve)),
        untilAborted(options.signal),
      ]);
      const response: TransportResponse = {
        status: 200,
        headers: { "content-type": "text/event-stream" },
        body: (async function* () {
          yield firstChunk;
          await untilAborted(options.signal);
        })(),
        text: () => untilAborted(options.signal),
        dump: async () => {},
      };
      return response;
    },
    close: async () => {},
  };
  return { transport, sends, release: () => release?.() };
}

function routerOver(transport: Transport, settings: Record<string, unknown>) {
  return new Router({
    modelList: [
      entry("g", "openai/gpt-a", {
        api_key: "sk-test-deadline",
        api_base: "http://127.0.0.1:9/v1",
      }),
    ],
    settings: { num_retries: 0, ...settings },
    registry: defaultProviders(),
    transport,
    store: new MemoryStateStore(),
  });
}

/** Lets every pending promise chain run, without moving the fake clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe("Router: one owner for an attempt's deadlines", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("arms one timer for a non-streamed attempt, which answers 408 and aborts the upstream", async () => {
    const upstream = stallingTransport();
    const router = routerOver(upstream.transport, { timeout: 5 });
    const before = vi.getTimerCount();
    const outcome = router.chatCompletion(chatRequest("g")).catch((error: unknown) => error);
    await settle();
    expect(upstream.sends).toHaveLength(1);
    expect(vi.getTimerCount() - before).toBe(1);

    await vi.advanceTimersByTimeAsync(5000);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      status: 408,
      message: "Request to openai timed out after 5000 ms",
    });
    expect(upstream.sends[0]?.signal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(before);
  });

  it("arms one timer until a stream's first chunk, then one idle timer between chunks", async () => {
    const upstream = stallingTransport();
    const router = routerOver(upstream.transport, { timeout: 60, stream_timeout: 2 });
    const before = vi.getTimerCount();
    const pending = router.chatCompletion(chatRequest("g", { stream: true }));
    await settle();
    expect(upstream.sends[0]).toMatchObject({ headersTimeoutMs: 2000, bodyTimeoutMs: 2000 });
    expect(vi.getTimerCount() - before).toBe(1);

    upstream.release();
    const result = await pending;
    if (result.kind !== "stream") throw new Error("expected a stream");
    const parts = result.parts[Symbol.asyncIterator]();
    expect((await parts.next()).done).toBe(false);
    const next = parts.next().catch((error: unknown) => error);
    await settle();
    expect(vi.getTimerCount() - before).toBe(1);

    await vi.advanceTimersByTimeAsync(2000);
    const error = await next;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ status: 408, message: "openai sent no stream data for 2000 ms" });
    expect(upstream.sends[0]?.signal?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(before);
  });

  it("times out a stream whose first chunk never comes, with the same error as before", async () => {
    const upstream = stallingTransport();
    const router = routerOver(upstream.transport, { stream_timeout: 1 });
    const outcome = router
      .chatCompletion(chatRequest("g", { stream: true }))
      .catch((error: unknown) => error);
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({
      status: 408,
      message: "openai sent no first chunk within 1000 ms",
    });
    expect(upstream.sends[0]?.signal?.aborted).toBe(true);
  });
});
