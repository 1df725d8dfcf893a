import { describe, expect, it } from "vitest";
import type { PostCallOutcome, RouterHooks } from "./hooks/router-hooks.ts";
import { composeHooks } from "./hooks/compose-hooks.ts";
import { testRouter } from "./__fixtures__/test-router.ts";

// Pre-call answers as the response cache gives them: a whole embeddings batch, part of one
// (only the rest goes upstream), and hooks composed in order (budgets, then the cache).

const modelList = [
  { model_name: "embed", litellm_params: { model: "openai/text-embedding-3-small" } },
];

describe("partial embedding answers", () => {
  it("sends only the missing inputs upstream and merges the vectors in input order", async () => {
    const outcomes: PostCallOutcome[] = [];
    const { router, embeddings } = testRouter({
      modelList,
      hooks: {
        preCall: () => ({
          embeddingParts: {
            vectors: [[1, 0], undefined, [0, 1]],
            rest: { model: "embed", input: ["b"] },
          },
        }),
        postCall: (_ctx, outcome) => void outcomes.push(outcome),
      },
    });
    const result = await router.embedding({ model: "embed", input: ["a", "b", "c"] });
    expect(embeddings.calls).toHaveLength(1);
    expect(embeddings.calls[0]!.request.input).toEqual(["b"]);
    expect(result.response.data).toEqual([
      { object: "embedding", index: 0, embedding: [1, 0] },
      { object: "embedding", index: 1, embedding: [0.1, 0.2] },
      { object: "embedding", index: 2, embedding: [0, 1] },
    ]);
    // The upstream's usage (only the uncached input was paid for), not a cache hit.
    expect(result.response.usage.prompt_tokens).toBe(3);
    expect(result.context.cacheHit).toBe(false);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.embedding?.data).toHaveLength(3);
  });

  it("an upstream that answers fewer vectors than asked is a 502, not a short answer", async () => {
    const { router } = testRouter({
      modelList,
      hooks: {
        preCall: () => ({
          embeddingParts: {
            vectors: [undefined, undefined],
            rest: { model: "embed", input: ["a", "b"] },
          },
        }),
      },
    });
    await expect(router.embedding({ model: "embed", input: ["a", "b"] })).rejects.toMatchObject({
      status: 502,
    });
  });

  it("a whole cached batch reports its stored usage and no upstream call", async () => {
    const outcomes: PostCallOutcome[] = [];
    const { router, embeddings } = testRouter({
      modelList,
      hooks: {
        preCall: () => ({
          embedding: {
            response: {
              object: "list",
              data: [{ object: "embedding", index: 0, embedding: [1, 0] }],
              model: "text-embedding-3-small",
              usage: { prompt_tokens: 7, total_tokens: 7 },
            },
            upstreamHeaders: {},
          },
        }),
        postCall: (_ctx, outcome) => void outcomes.push(outcome),
      },
    });
    const result = await router.embedding({ model: "embed", input: "a" });
    expect(embeddings.calls).toHaveLength(0);
    expect(result.context.cacheHit).toBe(true);
    expect(outcomes[0]!.usage?.total_tokens).toBe(7);
    expect(outcomes[0]!.cost).toBeUndefined();
  });
});

describe("composeHooks", () => {
  it("runs pre-calls in order, stops at the first answer, runs every post-call and merges headers", async () => {
    const order: string[] = [];
    let releaseSecond!: () => void;
    const secondDone = new Promise<void>((resolve) => (releaseSecond = resolve));
    const first: RouterHooks = {
      preCall: () => void order.push("first.pre"),
      postCall: () => {
        order.push("first.post");
        throw new Error("a hook that throws does not stop the next");
      },
      responseHeaders: () => ({ "x-a": "1", "x-shared": "first" }),
    };
    const second: RouterHooks = {
      preCall: async () => {
        order.push("second.pre");
        return {
          embedding: {
            response: {
              object: "list",
              data: [{ object: "embedding", index: 0, embedding: [1] }],
              model: "m",
              usage: { prompt_tokens: 1, total_tokens: 1 },
            },
            upstreamHeaders: {},
          },
        };
      },
      postCall: () => {
        order.push("second.post");
        return secondDone;
      },
      responseHeaders: () => ({ "x-b": "2", "x-shared": "second" }),
    };
    const third: RouterHooks = { preCall: () => void order.push("third.pre") };
    const { router } = testRouter({ modelList, hooks: composeHooks(first, second, third) });
    const result = await router.embedding({ model: "embed", input: "a" });
    expect(order).toEqual(["first.pre", "second.pre", "first.post", "second.post"]);
    expect(result.headers).toMatchObject({ "x-a": "1", "x-b": "2", "x-shared": "second" });
    // `settled` waits for every post-call's promise.
    let settled = false;
    void result.settled.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    releaseSecond();
    await result.settled;
  });

  it("keeps a synchronous pre-call synchronous, and one hook is returned as it is", () => {
    const only: RouterHooks = { preCall: () => undefined };
    expect(composeHooks(only, undefined)).toBe(only);
    const both = composeHooks<Record<string, unknown>>(only, { preCall: () => undefined });
    expect(both.preCall!({} as never)).toBeUndefined();
  });
});
