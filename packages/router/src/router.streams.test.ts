import { RateLimitError, TimeoutError, UpstreamError } from "@org/core";
import type { GatewayError } from "@org/core";
import { describe, expect, it, vi } from "vitest";
import { chatRequest, entry, readStream, usage } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import { ClientClosedError } from "./errors/client-closed-error.ts";
import type { PostCallOutcome } from "./hooks/router-hooks.ts";
import type { RequestContext } from "./context/request-context.ts";

const streamRequest = (model: string) => chatRequest(model, { stream: true });

function recorder() {
  const outcomes: Array<{ ctx: RequestContext; outcome: PostCallOutcome }> = [];
  return {
    outcomes,
    hooks: {
      postCall: (ctx: RequestContext, outcome: PostCallOutcome) =>
        void outcomes.push({ ctx, outcome }),
    },
  };
}

describe("Router: streams", () => {
  it("resolves at the first chunk and streams the rest", async () => {
    const rec = recorder();
    const { router, store } = testRouter({
      modelList: [entry("g", "openai/gpt-a", {}, { id: "a" })],
      script: { "gpt-a": [{ stream: ["Hel", "lo"], usage: usage(7, 2) }] },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"));
    expect(result.kind).toBe("stream");
    expect(result.context.timings.firstToken).toBeDefined();
    expect(rec.outcomes).toHaveLength(0);
    if (result.kind !== "stream") throw new Error("not a stream");
    expect(await readStream(result.parts)).toBe("Hello");
    expect(rec.outcomes).toHaveLength(1);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "success", usage: usage(7, 2) });
    expect(rec.outcomes[0]?.outcome.response?.choices[0]?.message.content).toBe("Hello");
    expect(store.view("a")).toMatchObject({ inflight: 0, tpm: 9 });
    expect(Number.isNaN(store.view("a").ttft)).toBe(false);
  });

  it("retries a failure before the first chunk invisibly", async () => {
    const { router, fake } = testRouter({
      modelList: [
        entry("g", "openai/gpt-a", { weight: 1 }, { id: "a" }),
        entry("g", "openai/gpt-b", { weight: 0 }, { id: "b" }),
      ],
      script: {
        "gpt-a": [
          {
            stream: ["never"],
            failAfter: 0,
            failWith: new UpstreamError("died before first byte"),
          },
        ],
        "gpt-b": [{ stream: ["from b"] }],
      },
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    expect(await readStream(result.parts)).toBe("from b");
    expect(result.deployment.id).toBe("b");
    expect(fake.calls.map((c) => c.model)).toEqual(["gpt-a", "gpt-b"]);
  });

  it("falls back before the first chunk too", async () => {
    const { router } = testRouter({
      modelList: [entry("g", "openai/gpt-a"), entry("other", "openai/gpt-o")],
      settings: { num_retries: 0, fallbacks: [{ g: ["other"] }] },
      script: {
        "gpt-a": [{ error: new RateLimitError("429") }],
        "gpt-o": [{ stream: ["fallback"] }],
      },
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    expect(await readStream(result.parts)).toBe("fallback");
    expect(result.headers["x-litellm-model-group"]).toBe("other");
  });

  it("throws a typed error from the iterator after the first chunk, and reports a partial failure", async () => {
    const rec = recorder();
    const { router, fake, store } = testRouter({
      modelList: [entry("g", "openai/gpt-a", {}, { id: "a" })],
      settings: { allowed_fails: 0 },
      script: {
        "gpt-a": [
          { stream: ["one", "two"], failAfter: 1, failWith: new UpstreamError("mid-stream") },
        ],
      },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    let text = "";
    const error = await (async () => {
      for await (const part of result.parts)
        text += part.chunks[0]?.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(text).toBe("one");
    expect(error).toBeInstanceOf(UpstreamError);
    expect(fake.calls).toHaveLength(1);
    expect(rec.outcomes).toHaveLength(1);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "failure", partial: true });
    expect(rec.outcomes[0]?.outcome.response?.choices[0]?.message.content).toBe("one");
    // The failure counts: with allowed_fails 0 the deployment is now cooling down.
    expect(store.view("a").cooldownUntil).toBeGreaterThan(Date.now());
    expect(store.view("a").inflight).toBe(0);
  });

  it("times out a stream without a first chunk within stream_timeout, and retries elsewhere", async () => {
    const { router, fake, store } = testRouter({
      modelList: [
        entry("g", "openai/gpt-a", { weight: 1 }, { id: "a" }),
        entry("g", "openai/gpt-b", { weight: 0 }, { id: "b" }),
      ],
      settings: { stream_timeout: 0.05 },
      script: { "gpt-a": [{ hangStream: true }], "gpt-b": [{ stream: ["b"] }] },
    });
    // Fake time: no answer before stream_timeout (50 ms), the retry on b once it passed.
    vi.useFakeTimers();
    let settled = false;
    let result: Awaited<ReturnType<typeof router.chatCompletion>>;
    try {
      const pending = router.chatCompletion(streamRequest("g")).finally(() => (settled = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      result = await pending;
    } finally {
      vi.useRealTimers();
    }
    expect(result.deployment.id).toBe("b");
    expect(result.attempts[0]).toMatchObject({ deploymentId: "a", errorClass: "TimeoutError" });
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    // Timeouts cool the deployment down.
    expect(store.view("a").cooldownUntil).toBeGreaterThan(Date.now());
  });

  it("ends a stream that stalls between chunks with a TimeoutError", async () => {
    const rec = recorder();
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { stream_timeout: 0.05 })],
      script: { "gpt-a": [{ stream: ["one", "two"], gapMs: 500 }] },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    const error = await readStream(result.parts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "failure", partial: true });
    expect((rec.outcomes[0]?.outcome.error as GatewayError).status).toBe(408);
  });

  it("a slow consumer does not trip the idle timeout", async () => {
    const { router } = testRouter({
      modelList: [entry("g", "openai/gpt-a", { stream_timeout: 0.05 })],
      script: { "gpt-a": [{ stream: ["one", "two", "three"] }] },
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    let text = "";
    for await (const part of result.parts) {
      await new Promise((r) => setTimeout(r, 80));
      text += part.chunks[0]?.choices[0]?.delta.content ?? "";
    }
    expect(text).toBe("onetwothree");
  });

  it("reports a client disconnect mid-stream once, as partial, and aborts the upstream", async () => {
    const rec = recorder();
    const client = new AbortController();
    const { router, fake, store } = testRouter({
      modelList: [entry("g", "openai/gpt-a", {}, { id: "a" })],
      settings: { allowed_fails: 0 },
      script: { "gpt-a": [{ stream: ["one", "two", "three"], gapMs: 200 }] },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"), { signal: client.signal });
    if (result.kind !== "stream") throw new Error("not a stream");
    const iterator = result.parts[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    client.abort();
    await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(rec.outcomes).toHaveLength(1);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "failure", partial: true });
    expect(rec.outcomes[0]?.outcome.usageEstimated).toBe(true);
    // A client leaving is not the deployment's fault.
    expect(store.view("a")).toMatchObject({ cooldownUntil: 0, inflight: 0 });
  });

  it("treats a consumer that stops reading like a disconnect", async () => {
    const rec = recorder();
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      script: { "gpt-a": [{ stream: ["one", "two", "three"] }] },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    for await (const _ of result.parts) break;
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(rec.outcomes).toHaveLength(1);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "failure", partial: true });
  });
  describe("a stream that ends before the upstream's usage is charged for what it delivered", () => {
    const priced = () =>
      entry(
        "g",
        "openai/gpt-a",
        { input_cost_per_token: 0.01, output_cost_per_token: 0.1 },
        {
          id: "a",
        },
      );
    /** The completion counter sees exactly the delivered text; one token per character here. */
    const counted: string[] = [];
    const countCompletionTokens = (text: string) => {
      counted.push(text);
      return text.length;
    };

    it("a client disconnect: prompt plus delivered text, at the answering deployment's price", async () => {
      const rec = recorder();
      const client = new AbortController();
      counted.length = 0;
      const { router } = testRouter({
        modelList: [priced()],
        script: { "gpt-a": [{ stream: ["one", "two", "three"], gapMs: 200 }] },
        hooks: rec.hooks,
        extra: { countTokens: () => 5, countCompletionTokens },
      });
      const result = await router.chatCompletion(streamRequest("g"), { signal: client.signal });
      if (result.kind !== "stream") throw new Error("not a stream");
      const iterator = result.parts[Symbol.asyncIterator]();
      await iterator.next();
      const pending = iterator.next();
      client.abort();
      await expect(pending).rejects.toBeInstanceOf(ClientClosedError);
      expect(counted).toEqual(["one"]);
      const outcome = rec.outcomes[0]?.outcome;
      expect(outcome).toMatchObject({
        status: "failure",
        partial: true,
        usageEstimated: true,
        usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
      });
      expect(outcome?.cost).toBeCloseTo(5 * 0.01 + 3 * 0.1, 10);
    });

    it("an upstream error mid-stream: the text delivered before it", async () => {
      const rec = recorder();
      counted.length = 0;
      const { router } = testRouter({
        modelList: [priced()],
        script: {
          "gpt-a": [
            { stream: ["one", "two"], failAfter: 2, failWith: new UpstreamError("mid-stream") },
          ],
        },
        hooks: rec.hooks,
        extra: { countTokens: () => 5, countCompletionTokens },
      });
      const result = await router.chatCompletion(streamRequest("g"));
      if (result.kind !== "stream") throw new Error("not a stream");
      await expect(readStream(result.parts)).rejects.toBeInstanceOf(UpstreamError);
      expect(counted).toEqual(["onetwo"]);
      expect(rec.outcomes[0]?.outcome.cost).toBeCloseTo(5 * 0.01 + 6 * 0.1, 10);
    });

    it("the upstream's usage wins when it arrived", async () => {
      const rec = recorder();
      counted.length = 0;
      const { router } = testRouter({
        modelList: [priced()],
        script: { "gpt-a": [{ stream: ["one"], usage: usage(7, 2) }] },
        hooks: rec.hooks,
        extra: { countCompletionTokens },
      });
      const result = await router.chatCompletion(streamRequest("g"));
      if (result.kind !== "stream") throw new Error("not a stream");
      await readStream(result.parts);
      expect(counted).toEqual([]);
      expect(rec.outcomes[0]?.outcome.cost).toBeCloseTo(7 * 0.01 + 2 * 0.1, 10);
    });
  });

  it("throw(error) ends the stream with that error: charged, and the pending read rejects", async () => {
    const rec = recorder();
    const { router, fake } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      script: { "gpt-a": [{ stream: ["one", "two", "three"], gapMs: 200 }] },
      hooks: rec.hooks,
    });
    const result = await router.chatCompletion(streamRequest("g"));
    if (result.kind !== "stream") throw new Error("not a stream");
    const iterator = result.parts[Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    const cut = new TimeoutError("shutting down");
    await expect(iterator.throw!(cut)).rejects.toBe(cut);
    await expect(pending).rejects.toBe(cut);
    expect(fake.calls[0]?.signal?.aborted).toBe(true);
    expect(rec.outcomes).toHaveLength(1);
    expect(rec.outcomes[0]?.outcome).toMatchObject({ status: "failure", partial: true });
    expect(rec.outcomes[0]?.outcome.error).toBe(cut);
  });

  it("a stream stopped while nobody was reading throws on the next read instead of ending cleanly", async () => {
    const client = new AbortController();
    const { router } = testRouter({
      modelList: [entry("g", "openai/gpt-a")],
      script: { "gpt-a": [{ stream: ["one", "two", "three"], gapMs: 50 }] },
    });
    const result = await router.chatCompletion(streamRequest("g"), { signal: client.signal });
    if (result.kind !== "stream") throw new Error("not a stream");
    const iterator = result.parts[Symbol.asyncIterator]();
    await iterator.next();
    client.abort();
    // A consumer between reads must not take the cut stream for a finished one.
    await expect(iterator.next()).rejects.toBeInstanceOf(ClientClosedError);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});
