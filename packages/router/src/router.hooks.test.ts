import { BudgetExceededError, UpstreamError } from "@org/core";
import { describe, expect, it } from "vitest";
import { chatRequest, completion, entry, usage } from "./__fixtures__/fakes.ts";
import { testRouter } from "./__fixtures__/test-router.ts";
import type { RequestContext } from "./context/request-context.ts";
import type { PostCallOutcome } from "./hooks/router-hooks.ts";

const priced = [
  entry(
    "g",
    "openai/gpt-a",
    { input_cost_per_token: 0.001, output_cost_per_token: 0.002, max_tokens: 1 },
    { id: "a" },
  ),
  entry(
    "g",
    "openai/gpt-b",
    { input_cost_per_token: 0.01, output_cost_per_token: 0.02 },
    { id: "b" },
  ),
];

describe("Router: hooks", () => {
  it("runs pre-call with an estimate, post-call once with usage and cost", async () => {
    const seen: RequestContext[] = [];
    let deploymentAtPreCall: unknown = "unset";
    const outcomes: PostCallOutcome[] = [];
    const { router } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ ok: "hi", usage: usage(100, 50) }] },
      hooks: {
        preCall: async (ctx) => {
          seen.push(ctx);
          deploymentAtPreCall = ctx.deployment;
        },
        postCall: (_ctx, outcome) => void outcomes.push(outcome),
      },
    });
    await router.chatCompletion(chatRequest("g", { max_tokens: 10 }), { metadata: { key: "k1" } });
    expect(seen[0]?.estimate).toMatchObject({ maxOutputTokens: 10 });
    expect(seen[0]?.estimate.promptTokens).toBeGreaterThan(0);
    expect(seen[0]?.estimate.maxCost).toBeCloseTo(
      0.001 * seen[0]!.estimate.promptTokens + 0.002 * 10,
    );
    expect(deploymentAtPreCall).toBeUndefined();
    expect(seen[0]?.deployment?.id).toBe("a");
    expect(outcomes).toEqual([
      expect.objectContaining({
        status: "success",
        usage: usage(100, 50),
        cost: expect.closeTo(0.1 + 0.1, 10),
      }),
    ]);
  });

  it("lets pre-call refuse with a typed error: no upstream call, post-call still runs once", async () => {
    const outcomes: PostCallOutcome[] = [];
    const { router, fake } = testRouter({
      modelList: priced,
      script: { "gpt-a": [{ ok: "hi" }] },
      hooks: {
        preCall: () => {
          throw new BudgetExceededError("Budget has been exceeded");
        },
        postCall: (_ctx, outcome) => void outcomes.push(outcome),
      },
    });
    await expect(router.chatCompletion(chatRequest("g"))).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    expect(fake.calls).toHaveLength(0);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.status).toBe("failure");
  });

  it("lets pre-call answer without an upstream call (cache hit)", async () => {
    const outcomes: Array<[RequestContext, PostCallOutcome]> = [];
    const { router, fake } = testRouter({
      modelList: priced,
      hooks: {
        preCall: () => ({
          response: { kind: "response", completion: completion("cached"), upstreamHeaders: {} },
        }),
        postCall: (ctx, outcome) => void outcomes.push([ctx, outcome]),
      },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    expect(fake.calls).toHaveLength(0);
    expect(result.kind === "response" && result.completion.choices[0]?.message.content).toBe(
      "cached",
    );
    expect(result.deployment).toMatchObject({ id: "cache", modelGroup: "g" });
    expect(outcomes[0]?.[0].cacheHit).toBe(true);
    expect(outcomes[0]?.[1].status).toBe("success");
  });

  it("reports a failed request to post-call once, with the attempts made", async () => {
    const outcomes: Array<[RequestContext, PostCallOutcome]> = [];
    const { router } = testRouter({
      modelList: priced,
      settings: { num_retries: 1, allowed_fails: 10 },
      script: {
        "gpt-a": [{ error: new UpstreamError("x") }],
        "gpt-b": [{ error: new UpstreamError("y") }],
      },
      hooks: { postCall: (ctx, outcome) => void outcomes.push([ctx, outcome]) },
    });
    await expect(router.chatCompletion(chatRequest("g"))).rejects.toBeDefined();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.[0].attempts).toHaveLength(2);
    expect(outcomes[0]?.[1]).toMatchObject({ status: "failure" });
  });

  it("reports an unknown model to post-call without running pre-call", async () => {
    let preCalls = 0;
    const outcomes: PostCallOutcome[] = [];
    const { router } = testRouter({
      modelList: priced,
      hooks: { preCall: () => void preCalls++, postCall: (_c, o) => void outcomes.push(o) },
    });
    await expect(router.chatCompletion(chatRequest("missing"))).rejects.toMatchObject({
      status: 400,
    });
    expect(preCalls).toBe(0);
    expect(outcomes).toHaveLength(1);
  });

  it("swallows and logs a failing post-call hook", async () => {
    const { router, logs } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ ok: "hi" }] },
      hooks: {
        postCall: () => {
          throw new Error("sink down");
        },
      },
    });
    await expect(router.chatCompletion(chatRequest("g"))).resolves.toBeDefined();
    expect(logs.some((l) => l.level === "error" && l.message.includes("post-call"))).toBe(true);
  });

  it("runs the hooks for embeddings too", async () => {
    const outcomes: PostCallOutcome[] = [];
    const { router } = testRouter({
      modelList: [entry("emb", "openai/e", { input_cost_per_token: 0.5 })],
      hooks: { postCall: (_c, o) => void outcomes.push(o) },
    });
    await router.embedding({ model: "emb", input: "abc" });
    expect(outcomes[0]).toMatchObject({
      status: "success",
      usage: { prompt_tokens: 3, total_tokens: 3 },
      cost: 1.5,
    });
  });

  it("turns a hook's own bug into a 500, not an upstream error", async () => {
    const { router } = testRouter({
      modelList: priced,
      hooks: {
        preCall: () => {
          throw new TypeError("cannot read x of undefined");
        },
      },
    });
    await expect(router.chatCompletion(chatRequest("g"))).rejects.toMatchObject({
      status: 500,
      type: "internal_server_error",
    });
  });
});

describe("Router: what hooks hand back on the result", () => {
  const slowJournal = () => {
    let release!: () => void;
    const journaled = new Promise<void>((resolve) => (release = resolve));
    return { journaled, release };
  };

  it("adds the hooks' response headers to the router's own", async () => {
    const { router } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ ok: "hi" }] },
      hooks: { responseHeaders: () => ({ "x-ratelimit-remaining-requests": "7" }) },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    expect(result.headers).toMatchObject({
      "x-ratelimit-remaining-requests": "7",
      "x-litellm-model-id": "a",
    });
  });

  it("settles a whole answer only once the post-call hook's promise resolves", async () => {
    const journal = slowJournal();
    const { router } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ ok: "hi" }] },
      hooks: { postCall: () => journal.journaled },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    let settled = false;
    void result.settled.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    journal.release();
    await result.settled;
    expect(settled).toBe(true);
  });

  it("settles a stream only after it ended and the post-call hook's work is done", async () => {
    const journal = slowJournal();
    let postCalls = 0;
    const { router } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ stream: ["hi", " there"], usage: usage(5, 2) }] },
      hooks: {
        postCall: () => {
          postCalls++;
          return journal.journaled;
        },
      },
    });
    const result = await router.chatCompletion(chatRequest("g", { stream: true }));
    expect(result.kind).toBe("stream");
    let settled = false;
    void result.settled.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(postCalls).toBe(0);
    if (result.kind === "stream") for await (const part of result.parts) void part;
    expect(postCalls).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    journal.release();
    await result.settled;
  });

  it("settles even when the post-call hook fails (its error is logged)", async () => {
    const { router } = testRouter({
      modelList: [priced[0]!],
      script: { "gpt-a": [{ ok: "hi" }] },
      hooks: { postCall: () => Promise.reject(new Error("journal down")) },
    });
    const result = await router.chatCompletion(chatRequest("g"));
    await expect(result.settled).resolves.toBeUndefined();
  });
});
