import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_SIGNATURE,
  json,
  openaiChunks,
  openaiCompletion,
  sse,
  startFakeAnthropic,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The response cache attacked as a hostile client would, over HTTP with the official SDKs: a
// cached tool call replayed as a stream must parse in every SDK, controls on every route must be
// honoured or refused (never ignored, never a 500), hostile bodies must be a 4xx.

describe("response cache, adversarial", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let n = 0;
  const fresh = (label: string) => `${label} #${++n} ${Math.random()}`;
  const chatCalls = () => upstream.callCount("/v1/chat/completions");
  const weather = {
    type: "function" as const,
    function: {
      name: "get_weather",
      parameters: { type: "object", properties: { city: { type: "string" } } },
    },
  };
  const enqueueToolCall = () =>
    upstream.enqueue(
      json(
        openaiCompletion({
          model: "gpt-4o",
          toolCalls: [{ id: "call_1", name: "get_weather", arguments: { city: "Paris" } }],
        }),
      ),
    );
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.baseURL}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.masterKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-upstream",
              api_base: `${upstream.url}/v1`,
              input_cost_per_token: 0.000001,
              output_cost_per_token: 0.000002,
            },
          },
        ],
        litellm_settings: { cache: true, cache_params: { type: "local", ttl: 600 } },
      },
    });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
    anthropic = new Anthropic({
      apiKey: gateway.masterKey,
      baseURL: gateway.baseURL.replace(/\/v1$/, ""),
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("a cached tool call replayed as an OpenAI stream parses with the SDK's stream helper", async () => {
    const q = fresh("weather openai");
    enqueueToolCall();
    const first = await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: q }],
      tools: [weather],
    });
    const before = chatCalls();
    const stream = openai.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: q }],
      tools: [weather],
    });
    const final = await stream.finalChatCompletion();
    expect(chatCalls()).toBe(before);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.choices[0]!.message.tool_calls).toEqual(first.choices[0]!.message.tool_calls);
  });

  it("a cached stream without stream_options.include_usage has no usage chunk", async () => {
    const q = fresh("no usage");
    await openai.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: q }],
    });
    const res = await post("/chat/completions", {
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: q }],
    });
    expect(res.headers.get("x-litellm-cache-hit")).toBe("True");
    const chunks = (await res.text())
      .split("\n\n")
      .filter((e) => e.startsWith("data: {"))
      .map((e) => JSON.parse(e.slice(6)) as { choices: unknown[]; usage?: unknown });
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
  });

  it("a cached tool call replayed on /v1/messages as a stream parses with the Anthropic SDK", async () => {
    const q = fresh("weather anthropic");
    enqueueToolCall();
    const tools = [
      {
        name: "get_weather",
        input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
      },
    ];
    const first = await anthropic.messages.create({
      model: "gpt-4o",
      max_tokens: 100,
      tools,
      messages: [{ role: "user", content: q }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const before = chatCalls();
    const final = await anthropic.messages
      .stream({ model: "gpt-4o", max_tokens: 100, tools, messages: [{ role: "user", content: q }] })
      .finalMessage();
    expect(chatCalls()).toBe(before);
    expect(final.stop_reason).toBe("tool_use");
    expect(final.content).toEqual(first.content);
  });

  it("a cached tool call replayed on /v1/responses as a stream parses with the SDK", async () => {
    const q = fresh("weather responses");
    enqueueToolCall();
    const tools = [
      {
        type: "function" as const,
        name: "get_weather",
        parameters: { type: "object", properties: { city: { type: "string" } } },
        strict: false,
      },
    ];
    const first = await openai.responses.create({ model: "gpt-4o", input: q, tools });
    const before = chatCalls();
    const stream = openai.responses.stream({ model: "gpt-4o", input: q, tools });
    const final = await stream.finalResponse();
    expect(chatCalls()).toBe(before);
    const call = (r: typeof first) =>
      r.output
        .filter((o) => o.type === "function_call")
        .map((o) => ({ name: o.name, arguments: o.arguments }));
    expect(call(final)).toEqual(call(first));
    expect(call(final)).toHaveLength(1);
  });

  it("cache controls in the body of /v1/messages are honoured (no-store) or refused, never ignored", async () => {
    const q = fresh("messages no-store");
    const body = {
      model: "gpt-4o",
      max_tokens: 50,
      messages: [{ role: "user", content: q }],
      cache: { "no-store": true },
    };
    expect((await post("/messages", body)).status).toBe(200);
    const before = chatCalls();
    const again = await post("/messages", body);
    expect(again.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls()).toBe(before + 1);

    const bad = await post("/messages", { ...body, cache: "x" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
  });

  it("hostile cache values and Cache-Control headers are a 400 or ignored, never a 5xx", async () => {
    const q = fresh("hostile");
    const messages = [{ role: "user", content: q }];
    for (const cache of [
      [],
      "x",
      { "no-cache": "yes" },
      { ttl: 1e300 },
      { ttl: "5" },
      { namespace: "ü".repeat(10_000) },
      { namespace: 5 },
      { a: { b: { c: { d: [] } } } },
    ]) {
      const res = await post("/chat/completions", { model: "gpt-4o", messages, cache });
      expect(res.status, JSON.stringify(cache).slice(0, 60)).toBeLessThan(500);
    }
    for (const header of [
      "max-age",
      "max-age=",
      'max-age="5"',
      "no-cache=foo",
      ",,,",
      "max-age=99999999999999999999",
      "x".repeat(8000),
      "no-cache, max-age=-1",
    ]) {
      const res = await post(
        "/chat/completions",
        { model: "gpt-4o", messages },
        { "cache-control": header },
      );
      expect(res.status, header.slice(0, 60)).toBeLessThan(500);
    }
  });

  it("a malformed Cache-Control or body control is a 400 in each route's own envelope", async () => {
    const messages = await post(
      "/messages",
      { model: "gpt-4o", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
      { "cache-control": "max-age=soon" },
    );
    expect(messages.status).toBe(400);
    expect(await messages.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error" },
    });
    const embeddings = await post("/embeddings", {
      model: "gpt-4o",
      input: "hi",
      cache: { ttl: -1 },
    });
    expect(embeddings.status).toBe(400);
    expect(await embeddings.json()).toMatchObject({
      error: { type: "invalid_request_error", param: "cache.ttl" },
    });
  });

  it("a deeply nested body is a 4xx, not a 500 (the cache key walks the body)", async () => {
    const depth = 20_000;
    const nested = "[".repeat(depth) + "]".repeat(depth);
    const body = `{"model":"gpt-4o","messages":[{"role":"user","content":"deep"}],"x_extra":${nested}}`;
    const res = await post("/chat/completions", body);
    expect(res.status).toBeLessThan(500);
  });

  it("a literal extra_body.cache is read by the cache and never sent upstream", async () => {
    const q = fresh("extra body");
    const body = {
      model: "gpt-4o",
      messages: [{ role: "user", content: q }],
      extra_body: { cache: { "no-store": true } },
    };
    expect((await post("/chat/completions", body)).status).toBe(200);
    const sent = upstream.requests.at(-1)?.json as Record<string, unknown>;
    expect(sent["cache"]).toBeUndefined();
    expect(sent["extra_body"]).toBeUndefined();
    const before = chatCalls();
    expect((await post("/chat/completions", body)).headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls()).toBe(before + 1);
  });

  it("body cache controls work on /responses and /completions too", async () => {
    for (const [path, body] of [
      ["/responses", { model: "gpt-4o", input: fresh("responses no-store") }],
      ["/completions", { model: "gpt-4o", prompt: fresh("completions no-store") }],
    ] as const) {
      const opted = { ...body, cache: { "no-store": true } };
      expect((await post(path, opted)).status, path).toBe(200);
      const before = chatCalls();
      expect((await post(path, opted)).headers.get("x-litellm-cache-hit"), path).toBeNull();
      expect(chatCalls(), path).toBe(before + 1);
      expect((await post(path, { ...body, cache: "x" })).status, path).toBe(400);
    }
  });

  const ask = (content: string, client = openai, extra: Record<string, unknown> = {}) =>
    client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra })
      .withResponse();
  const keyClient = async (body: Record<string, unknown> = {}) => {
    const { key } = await manage<{ key: string }>(
      gateway,
      gateway.masterKey,
      "/key/generate",
      body,
    );
    return { key, client: new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 }) };
  };

  it("an upstream stream cut before its finish chunk is never stored", async () => {
    const q = fresh("upstream cut");
    upstream.enqueue(
      sse(openaiChunks({ model: "gpt-4o", content: ["half ", "an "], finishReason: null }), {
        endWith: "destroy",
      }),
    );
    const res = await post("/chat/completions", {
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: q }],
    });
    await res.text().catch(() => "");
    const before = chatCalls();
    const again = await ask(q);
    expect(again.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls()).toBe(before + 1);
  });

  it("an error event in the middle of an upstream stream is never stored", async () => {
    const q = fresh("upstream error event");
    const chunks = openaiChunks({ model: "gpt-4o", content: ["part "], finishReason: null });
    upstream.enqueue(
      sse([...chunks, JSON.stringify({ error: { message: "overloaded", type: "server_error" } })]),
    );
    const res = await post("/chat/completions", {
      model: "gpt-4o",
      stream: true,
      messages: [{ role: "user", content: q }],
    });
    await res.text().catch(() => "");
    const before = chatCalls();
    const again = await ask(q);
    expect(again.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls()).toBe(before + 1);
  });

  it("n: 2 replayed as a stream keeps both choices (OpenAI SDK)", async () => {
    const q = fresh("two choices");
    const one = openaiCompletion({ model: "gpt-4o", content: "first" });
    const two = openaiCompletion({ model: "gpt-4o", content: "second", finishReason: "length" });
    upstream.enqueue(json({ ...one, choices: [one.choices[0], { ...two.choices[0], index: 1 }] }));
    const first = await ask(q, openai, { n: 2 });
    expect(first.data.choices).toHaveLength(2);
    const final = await openai.chat.completions
      .stream({ model: "gpt-4o", n: 2, messages: [{ role: "user", content: q }] })
      .finalChatCompletion();
    const view = (choices: typeof first.data.choices) =>
      choices.map((c) => [c.index, c.message.content, c.finish_reason]);
    expect(view(final.choices)).toEqual(view(first.data.choices));
  });

  it("a hit adds nothing to the key's spend; its cost header, if any, says 0", async () => {
    const { key, client } = await keyClient();
    const q = fresh("key spend");
    await ask(q, client);
    await gateway.gateway.budgets.flushSpendNow();
    const info = async () =>
      (
        await manage<{ info: { spend: number } }>(
          gateway,
          gateway.masterKey,
          `/key/info?key=${key}`,
        )
      ).info.spend;
    const afterMiss = await info();
    expect(afterMiss).toBeGreaterThan(0);
    const hit = await ask(q, client);
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    const cost = hit.response.headers.get("x-litellm-response-cost");
    if (cost !== null) expect(Number(cost)).toBe(0);
    await gateway.gateway.budgets.flushSpendNow();
    expect(await info()).toBe(afterMiss);
  });

  it("a key over its budget, or blocked, gets no cached answer", async () => {
    const q = fresh("over budget");
    const { key, client } = await keyClient({ max_budget: 0.0000001 });
    await ask(q, client);
    await gateway.gateway.budgets.flushSpendNow();
    const refused = await ask(q, client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).status).toBeGreaterThanOrEqual(400);

    const other = await keyClient();
    await ask(q, other.client);
    await manage(gateway, gateway.masterKey, "/key/block", { key: other.key });
    const blocked = await ask(q, other.client).catch((error: unknown) => error);
    expect(blocked).toBeInstanceOf(OpenAI.APIError);
    void key;
  });

  it("a per-model budget spent by the miss refuses the hit too; a roomy one serves it at cost 0", async () => {
    const q = fresh("per-model budget");
    const tight = await keyClient({
      model_max_budget: { "gpt-4o": { budget_limit: 0.0000001, time_period: "1d" } },
    });
    await ask(q, tight.client);
    await gateway.gateway.budgets.flushSpendNow();
    const refused = await ask(q, tight.client).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OpenAI.APIError);

    const roomy = await keyClient({
      model_max_budget: { "gpt-4o": { budget_limit: 10, time_period: "1d" } },
    });
    const q2 = fresh("roomy budget");
    await ask(q2, roomy.client);
    const hit = await ask(q2, roomy.client);
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
  });

  it("the master key and a key without a team do not share entries; nor do two team-less keys", async () => {
    const q = fresh("master vs key");
    const a = await keyClient();
    const b = await keyClient();
    await ask(q);
    const before = chatCalls();
    expect((await ask(q, a.client)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect((await ask(q, b.client)).response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(chatCalls()).toBe(before + 2);
  });

  it("a streamed miss keeps its logprobs: a later hit asking for logprobs gets them", async () => {
    const q = fresh("logprobs");
    const token = (t: string) => ({ token: t, logprob: -0.5, bytes: null, top_logprobs: [] });
    const chunks = openaiChunks({ model: "gpt-4o", content: ["Hel", "lo"] }).map((text) => {
      if (text === "[DONE]") return text;
      const chunk = JSON.parse(text) as {
        choices: { delta: { content?: string }; logprobs: unknown }[];
      };
      for (const choice of chunk.choices)
        if (typeof choice.delta.content === "string" && choice.delta.content !== "")
          choice.logprobs = { content: [token(choice.delta.content)], refusal: null };
      return JSON.stringify(chunk);
    });
    upstream.enqueue(sse(chunks));
    const body = {
      model: "gpt-4o",
      logprobs: true,
      messages: [{ role: "user" as const, content: q }],
    };
    const streamed = await openai.chat.completions.stream(body).finalChatCompletion();
    expect(streamed.choices[0]!.logprobs?.content?.map((t) => t.token)).toEqual(["Hel", "lo"]);
    const before = chatCalls();
    const hit = await openai.chat.completions.create(body).withResponse();
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(chatCalls()).toBe(before);
    expect(hit.data.choices[0]!.logprobs?.content?.map((t) => t.token)).toEqual(["Hel", "lo"]);
  });
});

describe("response cache over an Anthropic deployment with thinking", () => {
  let claude: FakeServer;
  let gateway: TestGateway;
  let client: Anthropic;

  beforeAll(async () => {
    claude = await startFakeAnthropic({ apiKey: "sk-ant-upstream" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "claude-sonnet",
            litellm_params: {
              model: "anthropic/claude-sonnet-4-5-20250929",
              api_key: "sk-ant-upstream",
              api_base: claude.url,
            },
          },
        ],
        litellm_settings: { cache: true, cache_params: { type: "local" } },
      },
    });
    client = new Anthropic({ apiKey: gateway.masterKey, baseURL: gateway.url, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await claude?.close();
  });

  it("a streamed miss and a streamed hit keep the signed thinking block (echoed back in tool loops)", async () => {
    const request = {
      model: "claude-sonnet",
      max_tokens: 4096,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [{ role: "user" as const, content: `think ${Math.random()}` }],
    };
    const live = await client.messages.stream(request).finalMessage();
    expect(live.content[0]).toMatchObject({ type: "thinking", signature: FAKE_SIGNATURE });
    const calls = claude.requests.length;
    const hit = await client.messages.create(request).withResponse();
    expect(hit.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(hit.data.content).toEqual(live.content);
    const streamedHit = await client.messages.stream(request).finalMessage();
    expect(streamedHit.content).toEqual(live.content);
    expect(claude.requests.length).toBe(calls);
  });
});
