import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The response cache over HTTP with the official SDKs: LiteLLM's config (`cache: true`,
// `cache_params: {type: local, ttl}`), every inbound format, per-request controls, tenant scope,
// spend and limits. The fake upstream's call count is the proof of a hit.

type SpendLog = { request_id: string; spend: number; cache_hit: string; total_tokens: number };

describe("response cache (memory) over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let clock: FakeClock;
  let openai: OpenAI;
  let n = 0;
  /** A question no other test asks (each test starts from a miss). */
  const fresh = (label: string) => `${label} #${++n} ${Math.random()}`;
  const chatCalls = () => upstream.callCount("/v1/chat/completions");

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    clock = createFakeClock(Date.now());
    const params = (model: string) => ({
      model,
      api_key: "sk-upstream",
      api_base: `${upstream.url}/v1`,
      input_cost_per_token: 0.000001,
      output_cost_per_token: 0.000002,
    });
    gateway = await startTestGateway({
      clock,
      config: {
        model_list: [
          { model_name: "gpt-4o", litellm_params: params("openai/gpt-4o") },
          { model_name: "gpt-4o-twin", litellm_params: params("openai/gpt-4o") },
          { model_name: "embed", litellm_params: params("openai/text-embedding-3-small") },
          { model_name: "primary", litellm_params: params("openai/gpt-4o") },
        ],
        router_settings: { fallbacks: [{ primary: ["gpt-4o-twin"] }] },
        litellm_settings: { cache: true, cache_params: { type: "local", ttl: 600 } },
      },
    });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const ask = (content: string, extra: Record<string, unknown> = {}, client = openai) =>
    client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra })
      .withResponse();

  it("answers a repeated request from the cache: same content and usage, fresh id, cache headers", async () => {
    const q = fresh("capital of France");
    const before = chatCalls();
    const first = await ask(q);
    expect(first.response.headers.get("x-litellm-cache-hit")).toBeNull();
    const key = first.response.headers.get("x-litellm-cache-key");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    clock.advance(2000);
    const second = await ask(q);
    expect(chatCalls() - before).toBe(1);
    expect(second.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(second.response.headers.get("x-litellm-cache-key")).toBe(key);
    expect(second.data.choices).toEqual(first.data.choices);
    expect(second.data.usage).toEqual(first.data.usage);
    expect(second.data.id).not.toBe(first.data.id);
    expect(second.data.created).toBe(Math.floor(clock.now() / 1000));
  });

  it("JSON key order and fields that do not change the answer (user, metadata, stream_options) share the entry", async () => {
    const q = fresh("key order");
    const before = chatCalls();
    const post = (body: string) =>
      fetch(`${gateway.baseURL}/chat/completions`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${gateway.masterKey}`,
          "content-type": "application/json",
        },
        body,
      });
    const a = await post(
      `{"model":"gpt-4o","temperature":0.2,"messages":[{"role":"user","content":${JSON.stringify(q)}}]}`,
    );
    expect(a.status).toBe(200);
    const b = await post(
      `{"messages":[{"content":${JSON.stringify(q)},"role":"user"}],"user":"someone","metadata":{"tags":["x"]},"temperature":0.2,"model":"gpt-4o"}`,
    );
    expect(b.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(chatCalls() - before).toBe(1);
    // A parameter that changes the answer is another entry.
    const c = await post(
      `{"model":"gpt-4o","temperature":0.3,"messages":[{"role":"user","content":${JSON.stringify(q)}}]}`,
    );
    expect(c.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(2);
  });

  it("an answer a fallback gave, or one a content filter cut, is not stored", async () => {
    const { openaiError, openaiCompletion, json } = await import("@org/testing");
    const q = fresh("fallback");
    const askPrimary = () =>
      openai.chat.completions
        .create({
          model: "primary",
          messages: [{ role: "user", content: q }],
          num_retries: 0,
        } as never)
        .withResponse();
    upstream.enqueue(() => openaiError(500, { message: "primary down" }));
    const viaFallback = await askPrimary();
    expect(viaFallback.response.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
    const before = chatCalls();
    const again = await askPrimary();
    expect(again.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);

    const f = fresh("filtered");
    upstream.enqueue(() =>
      json(
        openaiCompletion({ content: "partial", model: "gpt-4o", finishReason: "content_filter" }),
      ),
    );
    await ask(f);
    const after = chatCalls();
    expect((await ask(f)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - after).toBe(1);
  });

  it("another model group is another entry", async () => {
    const q = fresh("model group");
    await ask(q);
    const before = chatCalls();
    const other = await openai.chat.completions
      .create({ model: "gpt-4o-twin", messages: [{ role: "user", content: q }] })
      .withResponse();
    expect(other.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);
  });

  it("ttl: an entry expires after cache_params.ttl, and a request's own ttl overrides it (fake clock)", async () => {
    const q = fresh("ttl");
    await ask(q);
    clock.advance(599_000);
    expect((await ask(q)).response.headers.get("x-litellm-cache-hit")).toBe("True");
    clock.advance(2_000);
    const before = chatCalls();
    expect((await ask(q)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);

    const short = fresh("short ttl");
    await ask(short, { cache: { ttl: 5 } } as never);
    clock.advance(4_000);
    expect((await ask(short)).response.headers.get("x-litellm-cache-hit")).toBe("True");
    clock.advance(2_000);
    expect((await ask(short)).response.headers.get("x-litellm-cache-hit")).toBeNull();
  });

  it("no-cache skips the lookup (and stores the fresh answer); no-store serves but never stores", async () => {
    const q = fresh("controls");
    await ask(q);
    let before = chatCalls();
    const skipped = await ask(q, { cache: { "no-cache": true } } as never);
    expect(skipped.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);

    const n2 = fresh("no-store");
    before = chatCalls();
    await ask(n2, { cache: { "no-store": true } } as never);
    const again = await ask(n2);
    expect(again.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(2);

    // The same controls from a literal extra_body and from the Cache-Control header.
    const h = fresh("header");
    await ask(h);
    before = chatCalls();
    const viaHeader = await openai.chat.completions
      .create(
        { model: "gpt-4o", messages: [{ role: "user", content: h }] },
        { headers: { "cache-control": "no-cache" } },
      )
      .withResponse();
    expect(viaHeader.response.headers.get("x-litellm-cache-hit")).toBeNull();
    const viaExtraBody = await ask(h, { extra_body: { cache: { "no-cache": true } } } as never);
    expect(viaExtraBody.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(2);
  });

  it("s-maxage and Cache-Control max-age refuse an entry older than they allow", async () => {
    const q = fresh("max age");
    await ask(q);
    clock.advance(30_000);
    expect(
      (await ask(q, { cache: { "s-maxage": 60 } } as never)).response.headers.get(
        "x-litellm-cache-hit",
      ),
    ).toBe("True");
    const before = chatCalls();
    expect(
      (await ask(q, { cache: { "s-maxage": 10 } } as never)).response.headers.get(
        "x-litellm-cache-hit",
      ),
    ).toBeNull();
    clock.advance(30_000);
    const viaHeader = await openai.chat.completions
      .create(
        { model: "gpt-4o", messages: [{ role: "user", content: q }] },
        { headers: { "cache-control": "max-age=5" } },
      )
      .withResponse();
    expect(viaHeader.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(2);
  });

  it("a request namespace is its own space", async () => {
    const q = fresh("namespace");
    await ask(q, { cache: { namespace: "ns-a" } } as never);
    const before = chatCalls();
    const other = await ask(q, { cache: { namespace: "ns-b" } } as never);
    expect(other.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(other.response.headers.get("x-litellm-cache-key")).toMatch(/^ns-b:[0-9a-f]{64}$/);
    const same = await ask(q, { cache: { namespace: "ns-a" } } as never);
    expect(same.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(chatCalls() - before).toBe(1);
  });

  it("bad cache controls are a 400 naming the field, in the route's own envelope", async () => {
    const bad = await openai.chat.completions
      .create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
        cache: { ttl: -1 },
      } as never)
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect((bad as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("cache.ttl");

    const res = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": gateway.masterKey,
        "content-type": "application/json",
        "cache-control": "max-age=soon",
      },
      body: JSON.stringify({
        model: "gpt-4o",
        max_tokens: 8,
        messages: [{ role: "user", content: "x" }],
      }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toMatch(/max-age/);
  });

  it("streams a cached answer as a proper SSE stream (role, content, finish, usage when asked, [DONE])", async () => {
    const q = fresh("stream");
    const first = await ask(q);
    const before = chatCalls();
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: q }],
      }),
    });
    expect(res.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await res.text();
    const events = text
      .split("\n\n")
      .filter((e) => e.startsWith("data: "))
      .map((e) => e.slice(6));
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Record<string, any>);
    expect(chunks[0]!.choices[0].delta.role).toBe("assistant");
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(content).toBe(first.data.choices[0]!.message.content);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === "stop")).toBe(true);
    expect(chunks.at(-1)!.usage).toEqual(first.data.usage);
    expect(chatCalls() - before).toBe(0);

    // And through the SDK's stream reader, without usage: no usage chunk.
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: q }],
    });
    let streamed = "";
    for await (const chunk of stream) {
      expect(chunk.usage ?? undefined).toBeUndefined();
      streamed += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(streamed).toBe(first.data.choices[0]!.message.content);
  });

  it("a streamed miss is stored once it completed, and then answers a non-streamed request", async () => {
    const q = fresh("streamed miss");
    const stream = await openai.chat.completions.create({
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: q }],
    });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
    const before = chatCalls();
    const hit = await ask(q);
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(hit.data.choices[0]!.message.content).toBe(streamed);
    expect(chatCalls() - before).toBe(0);
  });

  it("a stream the client hangs up on is never stored", async () => {
    const q = fresh("cut stream");
    upstream.enqueue(async () => {
      // A slow stream: the client leaves after the first chunk.
      const { sse, openaiChunks } = await import("@org/testing");
      return sse(openaiChunks({ content: ["a ", "b ", "c ", "d "], model: "gpt-4o" }), {
        delayMs: 200,
      });
    });
    const controller = new AbortController();
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      signal: controller.signal,
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        stream: true,
        messages: [{ role: "user", content: q }],
      }),
    });
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("data: ");
    controller.abort();
    await reader.read().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const before = chatCalls();
    const after = await ask(q);
    expect(after.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);
  });

  it("/v1/messages (Anthropic SDK) and /v1/responses are answered from the cache in their own formats", async () => {
    const anthropic = new Anthropic({
      apiKey: gateway.masterKey,
      baseURL: gateway.url,
      maxRetries: 0,
    });
    const q = fresh("anthropic");
    const first = await anthropic.messages
      .create({ model: "gpt-4o", max_tokens: 64, messages: [{ role: "user", content: q }] })
      .withResponse();
    const before = chatCalls();
    const second = await anthropic.messages
      .create({ model: "gpt-4o", max_tokens: 64, messages: [{ role: "user", content: q }] })
      .withResponse();
    expect(second.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(second.data.content).toEqual(first.data.content);
    expect(second.data.type).toBe("message");
    const stream = anthropic.messages.stream({
      model: "gpt-4o",
      max_tokens: 64,
      messages: [{ role: "user", content: q }],
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual(first.data.content);
    expect(chatCalls() - before).toBe(0);

    const r = fresh("responses");
    const r1 = await openai.responses.create({ model: "gpt-4o", input: r });
    const r2 = await openai.responses.create({ model: "gpt-4o", input: r }).withResponse();
    expect(r2.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(r2.data.output_text).toBe(r1.output_text);
    expect(r2.data.id).not.toBe(r1.id);
  });

  it("a hit costs 0 in the spend log with cache_hit, the miss costs what it cost", async () => {
    const q = fresh("spend");
    const miss = await ask(q);
    const hit = await ask(q);
    await gateway.gateway.budgets.flushSpendNow();
    const logs = await manage<SpendLog[]>(gateway, gateway.masterKey, "/spend/logs");
    const byId = new Map(logs.map((l) => [l.request_id, l]));
    const missLog = byId.get(miss.response.headers.get("x-litellm-call-id")!);
    const hitLog = byId.get(hit.response.headers.get("x-litellm-call-id")!);
    expect(missLog?.spend).toBeGreaterThan(0);
    expect(missLog?.cache_hit).toBe("false");
    expect(hitLog?.spend).toBe(0);
    expect(hitLog?.cache_hit).toBe("true");
    expect(hitLog?.total_tokens).toBe(miss.data.usage!.total_tokens);
  });

  it("a cache hit still counts against the key's request limit (rpm)", async () => {
    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      rpm_limit: 2,
    });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const q = fresh("rpm");
    await ask(q, {}, client);
    const hit = await ask(q, {}, client);
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    const third = await ask(q, {}, client).catch((error: unknown) => error);
    expect(third).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("a key that may not call the model is refused before the cache is read", async () => {
    const q = fresh("access");
    await ask(q);
    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      models: ["gpt-4o-twin"],
    });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const refused = await ask(q, {}, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
  });

  it("one team never receives another team's answer; keys of one team share; a key without a team has its own", async () => {
    const team = async (alias: string) =>
      (
        await manage<{ team_id: string }>(gateway, gateway.masterKey, "/team/new", {
          team_alias: alias,
        })
      ).team_id;
    const keyOf = async (body: Record<string, unknown>) =>
      new OpenAI({
        apiKey: (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", body))
          .key,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      });
    const teamA = await team(fresh("team-a"));
    const teamB = await team(fresh("team-b"));
    const a1 = await keyOf({ team_id: teamA });
    const a2 = await keyOf({ team_id: teamA });
    const b1 = await keyOf({ team_id: teamB });
    const solo = await keyOf({});
    const q = fresh("tenant secret");
    const before = chatCalls();
    await ask(q, {}, a1);
    expect((await ask(q, {}, a2)).response.headers.get("x-litellm-cache-hit")).toBe("True");
    const fromB = await ask(q, {}, b1);
    expect(fromB.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect((await ask(q, {}, solo)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    // Not even by naming a namespace: a request namespace stays inside the caller's team.
    await ask(q, { cache: { namespace: "shared" } } as never, a1);
    const guess = await ask(q, { cache: { namespace: "shared" } } as never, b1);
    expect(guess.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(5);
  });

  it("LiteLLM's /cache/ping and /cache/delete: proxy admin only; a deleted entry misses", async () => {
    const admin = {
      authorization: `Bearer ${gateway.masterKey}`,
      "content-type": "application/json",
    };
    const ping = await fetch(`${gateway.url}/cache/ping`, { headers: admin });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({
      status: "healthy",
      cache_type: "local",
      ping_response: true,
    });

    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {});
    const asKey = await fetch(`${gateway.url}/cache/delete`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ keys: ["x"] }),
    });
    expect(asKey.status).toBe(403);

    const q = fresh("delete me");
    const first = await ask(q);
    const cacheKey = first.response.headers.get("x-litellm-cache-key")!;
    const bad = await fetch(`${gateway.url}/cache/delete`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ keys: "all" }),
    });
    expect(bad.status).toBe(400);
    const deleted = await fetch(`${gateway.url}/cache/delete`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ keys: [cacheKey] }),
    });
    expect(await deleted.json()).toEqual({ status: "success" });
    const before = chatCalls();
    expect((await ask(q)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls() - before).toBe(1);
  });

  it("embeddings are cached per input: a half-cached batch sends only the other half upstream", async () => {
    const embedCalls = () => upstream.requests.filter((r) => r.pathname.endsWith("/embeddings"));
    const [a, b, c] = [fresh("emb a"), fresh("emb b"), fresh("emb c")];
    const first = await openai.embeddings.create({ model: "embed", input: [a, b] });
    const seen = embedCalls().length;
    const second = await openai.embeddings.create({ model: "embed", input: [b, c] }).withResponse();
    const sent = embedCalls().slice(seen);
    expect(sent).toHaveLength(1);
    expect((sent[0]!.json as { input: unknown }).input).toEqual([c]);
    expect(second.data.data.map((d) => d.index)).toEqual([0, 1]);
    expect(second.data.data[0]!.embedding).toEqual(first.data[1]!.embedding);
    const third = await openai.embeddings.create({ model: "embed", input: b }).withResponse();
    expect(third.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(third.data.data[0]!.embedding).toEqual(first.data[1]!.embedding);
    expect(embedCalls().length - seen).toBe(1);
  });
});
