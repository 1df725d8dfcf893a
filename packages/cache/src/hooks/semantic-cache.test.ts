import { describe, expect, it } from "vitest";
import {
  ArrayVectorIndex,
  ask,
  chatCtx,
  fakeClock,
  RecordingStore,
  runChat,
  settle,
} from "../__fixtures__/cache-hook-harness.ts";
import type { CacheSettings, SemanticSettings } from "./cache-settings.ts";
import {
  CACHE_HIT_HEADER,
  CACHE_KEY_HEADER,
  createCacheHooks,
  SIMILARITY_HEADER,
} from "./create-cache-hooks.ts";

const FRANCE = "What is the capital of France?";
/** cos 0.99 with FRANCE: a paraphrase. */
const PARAPHRASE = "Tell me France's capital city";
/** cos 0.90 with FRANCE: close, but under the default 0.95. */
const NEARBY = "Which city governs France?";
const EVEREST = "How tall is Everest?";

/** A fake embedder whose vectors put paraphrases close and different questions far. */
const VECTORS: Record<string, number[]> = {
  [FRANCE]: [1, 0, 0],
  [PARAPHRASE]: [0.99, Math.sqrt(1 - 0.99 ** 2), 0],
  [NEARBY]: [0.9, Math.sqrt(1 - 0.9 ** 2), 0],
  [EVEREST]: [0, 0, 1],
};

function fakeEmbed() {
  const texts: string[] = [];
  const embed: SemanticSettings["embed"] = async (text) => {
    texts.push(text);
    const question = text.slice(text.lastIndexOf("user: ") + "user: ".length);
    const vector = VECTORS[question];
    if (vector === undefined) throw new Error(`no vector for ${question}`);
    return vector;
  };
  return { texts, embed };
}

function setup(
  semantic: Partial<SemanticSettings> = {},
  settings: Partial<CacheSettings> = {},
  index = new ArrayVectorIndex(),
) {
  const time = fakeClock();
  const store = new RecordingStore(time.clock);
  const embedder = fakeEmbed();
  const hooks = createCacheHooks({
    store,
    clock: time.clock,
    semantic: { index, embed: embedder.embed, ...semantic },
    ...settings,
  });
  return { time, store, index, embedder, hooks };
}

describe("semantic cache", () => {
  it("a paraphrase above the threshold hits, with the similarity header and the stored key", async () => {
    const { hooks, index } = setup();
    const first = await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    expect(first.upstreamCalled).toBe(true);
    expect(index.size()).toBe(1);

    const ctx = chatCtx(ask(PARAPHRASE), { callId: "para" });
    const second = await runChat(hooks, ctx, "WRONG: upstream called");
    expect(second.upstreamCalled).toBe(false);
    expect(second.completion.choices[0]?.message.content).toBe("Paris.");
    expect(second.completion.id).toBe("chatcmpl-para");
    expect(second.headers?.[CACHE_HIT_HEADER]).toBe("True");
    expect(second.headers?.[CACHE_KEY_HEADER]).toBe(first.headers?.[CACHE_KEY_HEADER]);
    expect(Number(second.headers?.[SIMILARITY_HEADER])).toBeCloseTo(0.99, 3);
    // A hit is not indexed or stored again.
    expect(index.size()).toBe(1);
  });

  it("below the threshold is a miss (and is then cached on its own)", async () => {
    const { hooks, index } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    const near = await runChat(hooks, chatCtx(ask(NEARBY)), "Paris, the seat of government.");
    expect(near.upstreamCalled).toBe(true);
    expect(near.headers).not.toHaveProperty(SIMILARITY_HEADER);
    expect(index.size()).toBe(2);
  });

  it("a lower threshold lets the nearby question hit; a different question never", async () => {
    const { hooks } = setup({ similarityThreshold: 0.85 });
    await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    expect((await runChat(hooks, chatCtx(ask(NEARBY)))).upstreamCalled).toBe(false);
    expect((await runChat(hooks, chatCtx(ask(EVEREST)), "8849 m")).upstreamCalled).toBe(true);
  });

  it("another model group, another tenant or other parameters miss", async () => {
    const { hooks } = setup({}, { scopeOf: (ctx) => String(ctx.metadata["team"]) });
    await runChat(hooks, chatCtx(ask(FRANCE), { metadata: { team: "a" } }), "Paris.");
    for (const ctx of [
      chatCtx(ask(PARAPHRASE), { metadata: { team: "a" }, modelGroup: "claude" }),
      chatCtx(ask(PARAPHRASE), { metadata: { team: "b" } }),
      chatCtx(ask(PARAPHRASE, { temperature: 1.5 }), { metadata: { team: "a" } }),
      chatCtx(ask(PARAPHRASE, { cache: { namespace: "other" } }), { metadata: { team: "a" } }),
    ]) {
      const run = await runChat(hooks, ctx, "fresh");
      expect(run.upstreamCalled, JSON.stringify([ctx.modelGroup, ctx.request, ctx.metadata])).toBe(
        true,
      );
    }
    expect(
      (await runChat(hooks, chatCtx(ask(PARAPHRASE), { metadata: { team: "a" } }))).upstreamCalled,
    ).toBe(false);
  });

  it("threshold 1 never does a semantic lookup (exact only) and indexes nothing", async () => {
    const { hooks, index, embedder } = setup({ similarityThreshold: 1 });
    await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)), "fresh")).upstreamCalled).toBe(true);
    expect((await runChat(hooks, chatCtx(ask(FRANCE)))).upstreamCalled).toBe(false);
    expect(embedder.texts).toEqual([]);
    expect(index.lookups).toBe(0);
    expect(index.size()).toBe(0);
  });

  it("an embedder that throws is a miss; the answer is still stored exactly", async () => {
    const { hooks, store } = setup({
      embed: async () => {
        throw new Error("embedding model down");
      },
    });
    const run = await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    expect(run.upstreamCalled).toBe(true);
    expect(store.sets).toHaveLength(1);
    expect((await runChat(hooks, chatCtx(ask(FRANCE)))).upstreamCalled).toBe(false);
  });

  it("an embedder that never resolves (and ignores the abort) is a miss after lookupTimeoutMs", async () => {
    const signals: AbortSignal[] = [];
    const { hooks } = setup({
      lookupTimeoutMs: 20,
      embed: (_text, signal) => {
        signals.push(signal);
        return new Promise(() => {});
      },
    });
    const run = await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    expect(run.upstreamCalled).toBe(true);
    // The lookup's call was told to stop (the second is postCall's, indexing the answer).
    expect(signals[0]?.aborted).toBe(true);
  });

  it("an embedder that honours the abort is a miss too", async () => {
    const { hooks } = setup({
      lookupTimeoutMs: 20,
      embed: (_text, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason)),
        ),
    });
    expect((await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.")).upstreamCalled).toBe(true);
  });

  it("an embedder that answers an empty vector is a miss", async () => {
    const { hooks } = setup({ embed: async () => [] });
    expect((await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.")).upstreamCalled).toBe(true);
  });

  it("an index whose lookup rejects is a miss, not an error", async () => {
    const { hooks, index } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    index.failLookups = true;
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)), "fresh")).upstreamCalled).toBe(true);
  });

  it("an entry whose body is gone is a miss, and its vector is removed", async () => {
    const index = new ArrayVectorIndex({ keepBody: false });
    const { hooks, store } = setup({}, {}, index);
    const first = await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    const key = first.headers![CACHE_KEY_HEADER]!;
    // With the body in the exact store, the paraphrase hits.
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)))).upstreamCalled).toBe(false);
    await store.inner.delete(key);
    const gone = await runChat(
      hooks,
      chatCtx(ask(PARAPHRASE, { cache: { "no-store": true } })),
      "x",
    );
    expect(gone.upstreamCalled).toBe(true);
    expect(index.removed).toEqual([key]);
    expect(index.size()).toBe(0);
  });

  it("an index whose remove rejects leaves nothing unhandled", async () => {
    const index = new ArrayVectorIndex({ keepBody: false });
    index.remove = () => Promise.reject(new Error("index unreachable"));
    const { hooks, store } = setup({}, {}, index);
    const first = await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    await store.inner.delete(first.headers![CACHE_KEY_HEADER]!);
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)), "x")).upstreamCalled).toBe(true);
    await settle();
  });

  it("an expired answer is not served by its similar prompts either", async () => {
    const { time, hooks } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE, { cache: { ttl: 10 } })), "Paris.");
    time.now += 10_000;
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)), "fresh")).upstreamCalled).toBe(true);
  });

  it("s-maxage applies to a semantic hit", async () => {
    const { time, hooks } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE)), "Paris.");
    time.now += 30_000;
    const strict = await runChat(
      hooks,
      chatCtx(ask(PARAPHRASE, { cache: { "s-maxage": 10, "no-store": true } })),
      "fresh",
    );
    expect(strict.upstreamCalled).toBe(true);
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)))).upstreamCalled).toBe(false);
  });

  it("no-cache skips the lookup but indexes the fresh answer for later paraphrases", async () => {
    const { hooks, index, embedder } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE, { cache: { "no-cache": true } })), "Paris.");
    await settle();
    expect(index.lookups).toBe(0);
    expect(embedder.texts).toHaveLength(1);
    expect(index.size()).toBe(1);
    expect((await runChat(hooks, chatCtx(ask(PARAPHRASE)))).upstreamCalled).toBe(false);
  });

  it("no-store neither stores nor indexes", async () => {
    const { hooks, index, store } = setup();
    await runChat(hooks, chatCtx(ask(FRANCE, { cache: { "no-store": true } })), "Paris.");
    expect(store.sets).toHaveLength(0);
    expect(index.size()).toBe(0);
  });
});
