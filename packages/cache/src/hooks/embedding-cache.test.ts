import type { EmbeddingRequest, EmbeddingResponse } from "@org/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  embeddingCtx,
  embeddingResponse,
  fakeClock,
  mergeParts,
  RecordingStore,
  settle,
  vectorOf,
  type Ctx,
} from "../__fixtures__/cache-hook-harness.ts";
import { decodeEntry } from "../entry/cached-entry.ts";
import { tokenShares } from "../embeddings/embedding-inputs.ts";
import type { CacheSettings } from "./cache-settings.ts";
import { CACHE_HIT_HEADER, CACHE_KEY_HEADER, createCacheHooks } from "./create-cache-hooks.ts";
import type { CacheAnswer, CacheHooks } from "./hook-types.ts";

function setup(settings: Partial<CacheSettings> = {}) {
  const time = fakeClock();
  const store = new RecordingStore(time.clock);
  const hooks = createCacheHooks({ store, clock: time.clock, ...settings });
  return { time, store, hooks };
}

interface EmbeddingRun {
  answer: CacheAnswer | undefined;
  /** What went upstream (undefined: nothing). */
  sent: EmbeddingRequest | undefined;
  response: EmbeddingResponse;
  headers: Record<string, string> | undefined;
}

/**
 * One embeddings request through the hooks as the router runs it: a full answer is a hit; parts
 * send `rest` upstream and merge; a miss sends the whole request. The upstream charges
 * `tokensPerInput` prompt tokens per input it receives.
 */
async function runEmbedding(
  hooks: CacheHooks,
  ctx: Ctx,
  tokensPerInput = 5,
): Promise<EmbeddingRun> {
  const answer = await hooks.preCall(ctx);
  let sent: EmbeddingRequest | undefined;
  let response: EmbeddingResponse;
  const upstream = (request: EmbeddingRequest) => {
    sent = request;
    const items =
      typeof request.input === "string" || typeof request.input[0] === "number"
        ? [request.input]
        : [...request.input];
    return embeddingResponse(items, items.length * tokensPerInput);
  };
  if (answer !== undefined && "embedding" in answer) {
    ctx.cacheHit = true;
    response = answer.embedding.response;
  } else if (answer !== undefined && "embeddingParts" in answer) {
    response = mergeParts(answer.embeddingParts.vectors, upstream(answer.embeddingParts.rest));
  } else if (answer === undefined) {
    response = upstream(ctx.request as EmbeddingRequest);
  } else {
    throw new Error("a chat answer to an embeddings request");
  }
  hooks.postCall(ctx, { status: "success", embedding: response });
  await settle();
  return { answer, sent, response, headers: hooks.responseHeaders(ctx) };
}

describe("embedding cache: per input", () => {
  it("a full hit answers every input in order, usage as stored, without going upstream", async () => {
    const { hooks } = setup();
    const first = await runEmbedding(hooks, embeddingCtx({ input: ["a", "bb"] }), 5);
    expect(first.sent?.input).toEqual(["a", "bb"]);
    const second = await runEmbedding(hooks, embeddingCtx({ input: ["a", "bb"] }));
    expect(second.sent).toBeUndefined();
    expect(second.response.data).toEqual([
      { object: "embedding", index: 0, embedding: vectorOf("a") },
      { object: "embedding", index: 1, embedding: vectorOf("bb") },
    ]);
    expect(second.response.usage).toEqual({ prompt_tokens: 10, total_tokens: 10 });
    expect(second.response.model).toBe("text-embedding-3-small");
  });

  it("a full hit says so in the headers, for a batch too", async () => {
    const { hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: "solo" }));
    const single = await runEmbedding(hooks, embeddingCtx({ input: "solo" }));
    expect(single.headers?.[CACHE_KEY_HEADER]).toMatch(/^[0-9a-f]{64}$/);
    expect(single.headers?.[CACHE_HIT_HEADER]).toBe("True");
    await runEmbedding(hooks, embeddingCtx({ input: ["x", "y"] }));
    const batch = await runEmbedding(hooks, embeddingCtx({ input: ["x", "y"] }));
    expect(batch.sent).toBeUndefined();
    expect(batch.headers?.[CACHE_HIT_HEADER]).toBe("True");
  });

  it("a hit is never stored again", async () => {
    const { store, hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: ["a", "b"] }));
    expect(store.sets).toHaveLength(2);
    await runEmbedding(hooks, embeddingCtx({ input: ["a", "b"] }));
    expect(store.sets).toHaveLength(2);
  });

  it("half cached (strings): only the missing inputs go upstream, in their original shape", async () => {
    const { time, store, hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: ["a", "b"] }), 5);
    const firstKeys = store.sets.map((s) => s.key);
    time.now += 1_000;

    const ctx = embeddingCtx({ input: ["b", "new one", "a", "another"] });
    const answer = await hooks.preCall(ctx);
    if (answer === undefined || !("embeddingParts" in answer)) throw new Error("expected parts");
    expect(answer.embeddingParts.vectors).toEqual([
      vectorOf("b"),
      undefined,
      vectorOf("a"),
      undefined,
    ]);
    expect(answer.embeddingParts.rest.input).toEqual(["new one", "another"]);
    expect(answer.embeddingParts.rest.model).toBe("embed");

    // The upstream answers the two with 13 prompt tokens (not a multiple of anything).
    const upstream = embeddingResponse(["new one", "another"], 13);
    const merged = mergeParts(answer.embeddingParts.vectors, upstream);
    expect(merged.data.map((d) => d.embedding)).toEqual(
      ["b", "new one", "a", "another"].map(vectorOf),
    );
    store.sets.length = 0;
    hooks.postCall(ctx, { status: "success", embedding: merged });
    await settle();

    // Only the two fetched inputs were stored, with token shares adding up to the 13.
    expect(store.sets).toHaveLength(2);
    const entries = store.sets.map((s) => decodeEntry(s.value, "embedding", time.now)!);
    expect(entries.map((e) => e.embedding)).toEqual([vectorOf("new one"), vectorOf("another")]);
    expect(entries.reduce((sum, e) => sum + e.tokens, 0)).toBe(13);
    // The cached ones were not written again: they keep their age.
    expect(store.sets.map((s) => s.key)).not.toContain(firstKeys[0]);
    expect(store.sets.map((s) => s.key)).not.toContain(firstKeys[1]);
    for (const key of firstKeys) {
      const entry = decodeEntry(await store.inner.get(key), "embedding", time.now);
      expect(entry?.storedAt).toBe(time.now - 1_000);
    }

    // And the whole batch is now a hit, worth 5 + 5 + 13 tokens.
    const whole = await runEmbedding(
      hooks,
      embeddingCtx({ input: ["b", "new one", "a", "another"] }),
    );
    expect(whole.sent).toBeUndefined();
    expect(whole.response.usage.prompt_tokens).toBe(23);
  });

  it("half cached (token arrays, number[][]): rest is number[][] of the missing ones", async () => {
    const { time, store, hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: [[1, 2, 3]] }), 4);
    const ctx = embeddingCtx({ input: [[9, 9], [1, 2, 3], [7]] });
    const answer = await hooks.preCall(ctx);
    if (answer === undefined || !("embeddingParts" in answer)) throw new Error("expected parts");
    expect(answer.embeddingParts.vectors).toEqual([undefined, vectorOf([1, 2, 3]), undefined]);
    expect(answer.embeddingParts.rest.input).toEqual([[9, 9], [7]]);
    const merged = mergeParts(answer.embeddingParts.vectors, embeddingResponse([[9, 9], [7]], 3));
    store.sets.length = 0;
    hooks.postCall(ctx, { status: "success", embedding: merged });
    await settle();
    const entries = store.sets.map((s) => decodeEntry(s.value, "embedding", time.now)!);
    expect(entries).toHaveLength(2);
    expect(entries.map((e) => e.embedding)).toEqual([vectorOf([9, 9]), vectorOf([7])]);
    expect(entries.reduce((sum, e) => sum + e.tokens, 0)).toBe(3);
  });

  it("a single token array is one input, the same as the batch holding it", async () => {
    const { hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: [5, 6, 7] }));
    const batch = await runEmbedding(hooks, embeddingCtx({ input: [[5, 6, 7]] }));
    expect(batch.sent).toBeUndefined();
  });

  it("dimensions, encoding_format, model group and tenant separate entries", async () => {
    const { hooks } = setup({ scopeOf: (ctx) => String(ctx.metadata["team"]) });
    await runEmbedding(hooks, embeddingCtx({ input: "a" }, { metadata: { team: "t1" } }));
    for (const ctx of [
      embeddingCtx({ input: "a", dimensions: 256 }, { metadata: { team: "t1" } }),
      embeddingCtx({ input: "a", encoding_format: "base64" }, { metadata: { team: "t1" } }),
      embeddingCtx({ input: "a" }, { modelGroup: "embed-large", metadata: { team: "t1" } }),
      embeddingCtx({ input: "a" }, { metadata: { team: "t2" } }),
    ]) {
      const run = await runEmbedding(hooks, ctx);
      expect(run.sent, JSON.stringify(ctx.request)).toBeDefined();
    }
  });

  it("no-cache sends everything upstream and stores it; no-store stores nothing", async () => {
    const { store, hooks } = setup();
    await runEmbedding(hooks, embeddingCtx({ input: ["a"] }));
    const reads = store.reads;
    const bypass = await runEmbedding(
      hooks,
      embeddingCtx({ input: ["a", "b"], cache: { "no-cache": true } }),
    );
    expect(bypass.sent?.input).toEqual(["a", "b"]);
    expect(store.reads).toBe(reads);
    expect(store.sets).toHaveLength(3);
    await runEmbedding(hooks, embeddingCtx({ input: ["c"], cache: { "no-store": true } }));
    expect(store.sets).toHaveLength(3);
  });

  it("a malformed input (not a string or list) is a miss, not an error", async () => {
    const { store, hooks } = setup();
    for (const input of [undefined, null, 42, { a: 1 }]) {
      const ctx = embeddingCtx({ input });
      await expect(hooks.preCall(ctx)).resolves.toBeUndefined();
      hooks.postCall(ctx, { status: "success", embedding: embeddingResponse(["x"], 1) });
    }
    await settle();
    expect(store.sets).toHaveLength(0);
  });

  it("a failed call stores nothing", async () => {
    const { store, hooks } = setup();
    const ctx = embeddingCtx({ input: ["a"] });
    await hooks.preCall(ctx);
    hooks.postCall(ctx, { status: "failure", embedding: embeddingResponse(["a"], 1) });
    await settle();
    expect(store.sets).toHaveLength(0);
  });

  it("an upstream that answers fewer vectors stores only those it answered", async () => {
    const { store, hooks } = setup();
    const ctx = embeddingCtx({ input: ["a", "b"] });
    await hooks.preCall(ctx);
    const short = embeddingResponse(["a"], 2);
    hooks.postCall(ctx, { status: "success", embedding: short });
    await settle();
    expect(store.sets).toHaveLength(1);
  });
});

describe("tokenShares", () => {
  it("property: shares are whole, non-negative, and add up to the total", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.array(fc.nat(), { maxLength: 20 })), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.nat({ max: 1_000_000 }),
        (items, total) => {
          const shares = tokenShares(items, total);
          expect(shares).toHaveLength(items.length);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          for (const share of shares) {
            expect(Number.isInteger(share)).toBe(true);
            expect(share).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
