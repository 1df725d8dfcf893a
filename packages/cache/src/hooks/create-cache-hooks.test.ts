import { InvalidRequestError, type ChatResponseResult } from "@org/core";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  ask,
  chatCtx,
  completion,
  embeddingCtx,
  fakeClock,
  RecordingStore,
  runChat,
  type Ctx,
  type StoreMode,
} from "../__fixtures__/cache-hook-harness.ts";
import type { CacheSettings } from "./cache-settings.ts";
import { CACHE_HIT_HEADER, CACHE_KEY_HEADER, createCacheHooks } from "./create-cache-hooks.ts";

/** Every test below runs once per way of reading the store (see StoreMode). */
let mode: StoreMode = "in-process";

function setup(settings: Partial<CacheSettings> = {}) {
  const time = fakeClock();
  const store = new RecordingStore(time.clock, mode);
  const hooks = createCacheHooks({ store, clock: time.clock, ...settings });
  return { time, store, hooks };
}

const byTeam = (ctx: { metadata: Readonly<Record<string, unknown>> }) =>
  `team:${String(ctx.metadata["team"])}`;

describe.each<StoreMode>(["in-process", "remote"])("%s store", (storeMode) => {
  beforeEach(() => {
    mode = storeMode;
  });

  describe("createCacheHooks: exact chat cache", () => {
    it("a miss goes upstream and stores; the same request then hits with a fresh id and created", async () => {
      const { time, store, hooks } = setup();
      const first = await runChat(hooks, chatCtx(ask("capital of France?")), "Paris.");
      expect(first.upstreamCalled).toBe(true);
      expect(first.headers?.[CACHE_KEY_HEADER]).toMatch(/^[0-9a-f]{64}$/);
      expect(first.headers).not.toHaveProperty(CACHE_HIT_HEADER);
      expect(store.sets).toHaveLength(1);

      time.now += 5_500;
      const ctx = chatCtx(ask("capital of France?"), { callId: "abc123" });
      const second = await runChat(hooks, ctx, "WRONG: upstream called");
      expect(second.upstreamCalled).toBe(false);
      expect(second.completion.id).toBe("chatcmpl-abc123");
      expect(second.completion.created).toBe(Math.floor(time.now / 1000));
      expect(second.completion.choices[0]?.message.content).toBe("Paris.");
      expect(second.completion.usage).toEqual(completion("Paris.").usage);
      expect(second.completion.model).toBe(completion("x").model);
      expect(second.headers).toEqual({
        [CACHE_KEY_HEADER]: first.headers?.[CACHE_KEY_HEADER],
        [CACHE_HIT_HEADER]: "True",
      });
    });

    it("a hit is never stored again (its age keeps counting for s-maxage)", async () => {
      const { time, store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q")), "a");
      time.now += 20_000;
      const hit = await runChat(hooks, chatCtx(ask("q")));
      expect(hit.upstreamCalled).toBe(false);
      expect(store.sets).toHaveLength(1);
      // Had the hit been stored again, the entry would look 0 s old.
      const aged = await runChat(hooks, chatCtx(ask("q", { cache: { "s-maxage": 10 } })), "b");
      expect(aged.upstreamCalled).toBe(true);
    });

    it("the router's cacheHit alone also prevents a store (another hook answered)", async () => {
      const { store, hooks } = setup();
      const ctx = chatCtx(ask("q"));
      expect(await hooks.preCall(ctx)).toBeUndefined();
      ctx.cacheHit = true;
      hooks.postCall(ctx, { status: "success", response: completion("from another hook") });
      expect(store.sets).toHaveLength(0);
    });

    it("different questions do not share; the key ignores user, metadata and stream", async () => {
      const { hooks } = setup();
      await runChat(hooks, chatCtx(ask("one")), "answer one");
      expect((await runChat(hooks, chatCtx(ask("two")), "answer two")).upstreamCalled).toBe(true);
      const same = await runChat(
        hooks,
        chatCtx(
          ask("one", { user: "bob", stream: true, stream_options: { include_usage: true } }),
          {
            metadata: { requester: "x" },
          },
        ),
      );
      expect(same.upstreamCalled).toBe(false);
      expect(same.completion.choices[0]?.message.content).toBe("answer one");
    });

    it("another model group misses", async () => {
      const { hooks } = setup();
      await runChat(hooks, chatCtx(ask("q"), { modelGroup: "gpt-4o" }), "a");
      const other = await runChat(hooks, chatCtx(ask("q"), { modelGroup: "gpt-4o-mini" }), "b");
      expect(other.upstreamCalled).toBe(true);
    });
  });

  describe("createCacheHooks: per-request controls", () => {
    it("no-cache: does not read, but stores the fresh answer (the next request gets it)", async () => {
      const { store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q")), "old");
      const readsBefore = store.reads;
      const fresh = await runChat(hooks, chatCtx(ask("q", { cache: { "no-cache": true } })), "new");
      expect(fresh.upstreamCalled).toBe(true);
      expect(store.reads).toBe(readsBefore);
      expect(fresh.headers?.[CACHE_KEY_HEADER]).toBeDefined();
      const next = await runChat(hooks, chatCtx(ask("q")));
      expect(next.completion.choices[0]?.message.content).toBe("new");
    });

    it("no-store: reads (and hits), but never stores", async () => {
      const { store, hooks } = setup();
      const miss = await runChat(hooks, chatCtx(ask("q", { cache: { "no-store": true } })), "a");
      expect(miss.upstreamCalled).toBe(true);
      expect(store.sets).toHaveLength(0);
      await runChat(hooks, chatCtx(ask("q")), "stored");
      const hit = await runChat(hooks, chatCtx(ask("q", { cache: { "no-store": true } })));
      expect(hit.upstreamCalled).toBe(false);
      expect(hit.completion.choices[0]?.message.content).toBe("stored");
    });

    it("the Cache-Control header (metadata.cacheControl by default) says the same", async () => {
      const { store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q"), { metadata: { cacheControl: "no-store" } }), "a");
      expect(store.sets).toHaveLength(0);
      await runChat(hooks, chatCtx(ask("q")), "stored");
      const reads = store.reads;
      const bypass = await runChat(
        hooks,
        chatCtx(ask("q"), { metadata: { cacheControl: "No-Cache" } }),
        "fresh",
      );
      expect(bypass.upstreamCalled).toBe(true);
      expect(store.reads).toBe(reads);
    });

    it("cacheControlOf reads the header where the gateway keeps it", async () => {
      const { store, hooks } = setup({ cacheControlOf: () => "no-store" });
      await runChat(hooks, chatCtx(ask("q")), "a");
      expect(store.sets).toHaveLength(0);
    });

    it("ttl: alive until its last millisecond, a miss from then on (fake clock)", async () => {
      const { time, hooks } = setup();
      const t0 = time.now;
      await runChat(hooks, chatCtx(ask("q", { cache: { ttl: 10 } })), "a");
      time.now = t0 + 9_999;
      expect((await runChat(hooks, chatCtx(ask("q")))).upstreamCalled).toBe(false);
      time.now = t0 + 10_000;
      expect((await runChat(hooks, chatCtx(ask("q")), "b")).upstreamCalled).toBe(true);
    });

    it("cache_params ttl is the default; a request's ttl overrides it", async () => {
      const { time, store, hooks } = setup({ ttlSeconds: 60 });
      const t0 = time.now;
      await runChat(hooks, chatCtx(ask("default")), "a");
      await runChat(hooks, chatCtx(ask("own", { cache: { ttl: 600 } })), "b");
      expect(store.sets.map((s) => s.ttlSeconds)).toEqual([60, 600]);
      time.now = t0 + 59_999;
      expect((await runChat(hooks, chatCtx(ask("default")))).upstreamCalled).toBe(false);
      time.now = t0 + 60_000;
      expect((await runChat(hooks, chatCtx(ask("default")), "c")).upstreamCalled).toBe(true);
      expect((await runChat(hooks, chatCtx(ask("own")))).upstreamCalled).toBe(false);
    });

    it("s-maxage (and the header's max-age) refuse an older entry, which stays for others", async () => {
      const { time, store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q")), "a");
      time.now += 30_000;
      const strict = await runChat(
        hooks,
        chatCtx(ask("q", { cache: { "s-maxage": 10, "no-store": true } })),
        "b",
      );
      expect(strict.upstreamCalled).toBe(true);
      const header = await runChat(
        hooks,
        chatCtx(ask("q", { cache: { "no-store": true } }), {
          metadata: { cacheControl: "max-age=10" },
        }),
        "c",
      );
      expect(header.upstreamCalled).toBe(true);
      expect(store.sets).toHaveLength(1);
      const lenient = await runChat(hooks, chatCtx(ask("q", { cache: { "s-maxage": 60 } })));
      expect(lenient.upstreamCalled).toBe(false);
      expect(lenient.completion.choices[0]?.message.content).toBe("a");
    });

    it("a request namespace separates entries, and prefixes the key", async () => {
      const { hooks } = setup();
      const stored = await runChat(hooks, chatCtx(ask("q", { cache: { namespace: "n1" } })), "n1");
      expect(stored.headers?.[CACHE_KEY_HEADER]).toMatch(/^n1:[0-9a-f]{64}$/);
      expect((await runChat(hooks, chatCtx(ask("q")), "plain")).upstreamCalled).toBe(true);
      expect(
        (await runChat(hooks, chatCtx(ask("q", { cache: { namespace: "n2" } })), "n2"))
          .upstreamCalled,
      ).toBe(true);
      const back = await runChat(hooks, chatCtx(ask("q", { cache: { namespace: "n1" } })));
      expect(back.upstreamCalled).toBe(false);
      expect(back.completion.choices[0]?.message.content).toBe("n1");
    });

    it("hostile controls are a 400 from preCall, before any read", async () => {
      const { store, hooks } = setup();
      for (const cache of [{ ttl: -1 }, { namespace: "a b" }, "no-cache", [1]]) {
        await expect((async () => hooks.preCall(chatCtx(ask("q", { cache }))))()).rejects.toThrow(
          InvalidRequestError,
        );
      }
      await expect(
        (async () =>
          hooks.preCall(chatCtx(ask("q"), { metadata: { cacheControl: "max-age=abc" } })))(),
      ).rejects.toThrow(InvalidRequestError);
      expect(store.reads).toBe(0);
    });
  });

  describe("createCacheHooks: scope", () => {
    it("two tenants never share an answer, even naming the same request namespace", async () => {
      const { hooks } = setup({ scopeOf: byTeam });
      await runChat(hooks, chatCtx(ask("q"), { metadata: { team: "a" } }), "for team a");
      const b = await runChat(hooks, chatCtx(ask("q"), { metadata: { team: "b" } }), "for team b");
      expect(b.upstreamCalled).toBe(true);
      expect(b.completion.choices[0]?.message.content).toBe("for team b");
      await runChat(
        hooks,
        chatCtx(ask("q", { cache: { namespace: "shared" } }), { metadata: { team: "a" } }),
        "a in shared",
      );
      const bShared = await runChat(
        hooks,
        chatCtx(ask("q", { cache: { namespace: "shared" } }), { metadata: { team: "b" } }),
        "b in shared",
      );
      expect(bShared.upstreamCalled).toBe(true);
      // Each still hits its own.
      const a = await runChat(hooks, chatCtx(ask("q"), { metadata: { team: "a" } }));
      expect(a.completion.choices[0]?.message.content).toBe("for team a");
    });

    it("property: whatever the sequence of requests, a hit is always the same tenant's answer to the same request", async () => {
      const request = fc.record({
        team: fc.constantFrom("a", "b", "c"),
        group: fc.constantFrom("gpt-4o", "claude"),
        question: fc.constantFrom("q1", "q2"),
        namespace: fc.option(fc.constantFrom("n1", "n2"), { nil: undefined }),
        noCache: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 25 }), async (requests) => {
          const { hooks } = setup({ scopeOf: byTeam });
          for (const r of requests) {
            const expected = `${r.team}/${r.group}/${r.question}/${r.namespace ?? "-"}`;
            const cache = {
              ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
              ...(r.noCache ? { "no-cache": true } : {}),
            };
            const run = await runChat(
              hooks,
              chatCtx(ask(r.question, { cache }), {
                modelGroup: r.group,
                metadata: { team: r.team },
              }),
              expected,
            );
            expect(run.completion.choices[0]?.message.content).toBe(expected);
          }
        }),
        { numRuns: 100 },
      );
    });

    it("cache_params.namespace shares across tenants on purpose", async () => {
      const { hooks } = setup({ scopeOf: byTeam, namespace: "everyone" });
      const a = await runChat(hooks, chatCtx(ask("q"), { metadata: { team: "a" } }), "from a");
      expect(a.headers?.[CACHE_KEY_HEADER]).toMatch(/^everyone:/);
      const b = await runChat(hooks, chatCtx(ask("q"), { metadata: { team: "b" } }));
      expect(b.upstreamCalled).toBe(false);
      expect(b.completion.choices[0]?.message.content).toBe("from a");
    });
  });

  describe("createCacheHooks: mode and call types", () => {
    it("default_off: nothing is read or stored unless the request opts in", async () => {
      const { store, hooks } = setup({ mode: "default_off" });
      const plain = await runChat(hooks, chatCtx(ask("q")), "a");
      expect(plain.headers).toBeUndefined();
      expect(store.reads + store.sets.length).toBe(0);
      await runChat(hooks, chatCtx(ask("q", { cache: { "use-cache": true } })), "opted in");
      expect(store.sets).toHaveLength(1);
      expect((await runChat(hooks, chatCtx(ask("q")), "b")).upstreamCalled).toBe(true);
      const hit = await runChat(hooks, chatCtx(ask("q", { caching: true })));
      expect(hit.upstreamCalled).toBe(false);
      expect(hit.completion.choices[0]?.message.content).toBe("opted in");
    });

    it("default_on: use-cache false (or caching false) opts out entirely", async () => {
      const { store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q", { cache: { "use-cache": false } })), "a");
      await runChat(hooks, chatCtx(ask("q", { caching: false })), "a");
      expect(store.reads + store.sets.length).toBe(0);
    });

    it("supportedCallTypes excludes by metadata.call_type (and embeddings by default type)", async () => {
      const { store, hooks } = setup({ supportedCallTypes: ["acompletion"] });
      const text = await runChat(
        hooks,
        chatCtx(ask("q"), { metadata: { call_type: "atext_completion" } }),
        "a",
      );
      expect(text.headers).toBeUndefined();
      expect(store.reads + store.sets.length).toBe(0);
      expect(await hooks.preCall(embeddingCtx({ input: "x" }))).toBeUndefined();
      expect(store.reads).toBe(0);
      await runChat(hooks, chatCtx(ask("q")), "chat is cached");
      expect(store.sets).toHaveLength(1);
    });
  });

  describe("createCacheHooks: only a complete, successful answer is stored", () => {
    const cases: [
      string,
      (ctx: Ctx) => Parameters<ReturnType<typeof setup>["hooks"]["postCall"]>[1],
    ][] = [
      ["a failure", () => ({ status: "failure", response: completion("x") })],
      [
        "a partial (cut) stream",
        () => ({ status: "success", partial: true, response: completion("x") }),
      ],
      [
        "a failed partial stream",
        () => ({ status: "failure", partial: true, response: completion("x") }),
      ],
      [
        "a choice whose finish_reason is null",
        () => ({ status: "success", response: completion("x", ["stop", null]) }),
      ],
      [
        "a choice without a finish_reason",
        () => ({ status: "success", response: completion("x", [undefined]) }),
      ],
      ["no choices", () => ({ status: "success", response: completion("x", []) })],
      ["no response at all", () => ({ status: "success" })],
    ];
    for (const [name, outcome] of cases) {
      it(name, async () => {
        const { store, hooks } = setup();
        const ctx = chatCtx(ask("q"));
        await runChat(hooks, ctx, outcome(ctx));
        expect(store.sets).toHaveLength(0);
      });
    }

    it("a length-limited answer is complete (finish_reason length) and is stored", async () => {
      const { store, hooks } = setup();
      await runChat(hooks, chatCtx(ask("q")), {
        status: "success",
        response: completion("x", ["length", "stop"]),
      });
      expect(store.sets).toHaveLength(1);
    });
  });

  describe("createCacheHooks: a store that fails is a miss, never an error", () => {
    it("get rejects: preCall resolves to a miss, and the answer is still stored", async () => {
      const { store, hooks } = setup();
      store.failReads = "reject";
      const run = await runChat(hooks, chatCtx(ask("q")), "a");
      expect(run.upstreamCalled).toBe(true);
      expect(store.sets).toHaveLength(1);
    });

    it("the failure's log line names the request that met it (request_id), never the request body", async () => {
      const lines: { message: string; fields?: Record<string, unknown> }[] = [];
      const record = (message: string, fields?: Record<string, unknown>) =>
        void lines.push({ message, ...(fields ? { fields } : {}) });
      const { store, hooks } = setup({ logger: { warn: record, error: record } });
      store.failReads = "reject";
      await runChat(hooks, chatCtx(ask("private question"), { callId: "req-42" }), "a");
      expect(lines).toEqual([
        {
          message: "cache lookup failed; served uncached",
          fields: { request_id: "req-42", error: "Error: ECONNREFUSED 127.0.0.1:6379" },
        },
      ]);
      store.set = () => Promise.reject(new Error("READONLY"));
      store.failReads = undefined;
      await runChat(hooks, chatCtx(ask("other"), { callId: "req-43" }), "b");
      await new Promise((resolve) => setImmediate(resolve));
      // Once per interval: the store failure within the same interval is counted, not logged.
      expect(JSON.stringify(lines)).not.toContain("private question");
    });

    it("getMany rejects for embeddings: a miss too", async () => {
      const { store, hooks } = setup();
      store.failReads = "reject";
      await expect(hooks.preCall(embeddingCtx({ input: ["a", "b"] }))).resolves.toBeUndefined();
    });

    it("set rejects: postCall does not throw (and nothing is left unhandled)", async () => {
      const { store, hooks } = setup();
      store.set = () => Promise.reject(new Error("READONLY"));
      const run = await runChat(hooks, chatCtx(ask("q")), "a");
      expect(run.upstreamCalled).toBe(true);
    });
  });
});

describe("createCacheHooks: a memory store's hit", () => {
  it("is answered without a promise, with the body the chat route sends as it is", async () => {
    mode = "in-process";
    const { time, hooks } = setup();
    await runChat(hooks, chatCtx(ask("q")), "stored answer");
    time.now += 2_000;
    const answers = ["c1", "c2"].map((callId) => hooks.preCall(chatCtx(ask("q"), { callId })));
    for (const [i, answer] of answers.entries()) {
      expect(answer).not.toBeInstanceOf(Promise);
      const response = (answer as { response: ChatResponseResult }).response;
      expect(response.completion.id).toBe(`chatcmpl-c${i + 1}`);
      expect(response.completion.created).toBe(Math.floor(time.now / 1000));
      expect(response.completion.choices[0]?.message.content).toBe("stored answer");
      expect(response.rawBody).toBe(JSON.stringify(response.completion));
    }
  });

  it("a store that does not keep entries in process is read through a promise, without a body", async () => {
    mode = "remote";
    const { hooks } = setup();
    await runChat(hooks, chatCtx(ask("q")), "stored answer");
    const answer = hooks.preCall(chatCtx(ask("q")));
    expect(answer).toBeInstanceOf(Promise);
    const response = ((await answer) as { response: ChatResponseResult }).response;
    expect(response.completion.choices[0]?.message.content).toBe("stored answer");
    expect(response.rawBody).toBeUndefined();
  });
});
