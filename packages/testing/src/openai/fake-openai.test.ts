import { afterEach, describe, expect, it } from "vitest";
import { json } from "../fake-server/json.ts";
import { sse } from "../fake-server/sse.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest, type RawResponse } from "../http-client/raw-request.ts";
import { fakeEmbedding } from "./fake-embedding.ts";
import { startFakeOpenAI } from "./fake-openai.ts";
import { openaiChunks } from "./openai-chunks.ts";
import { openaiCompletion } from "./openai-completion.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4.1-mini",
  messages: [
    { role: "system", content: "Be brief." },
    { role: "user", content: "first question" },
    { role: "assistant", content: "answer" },
    {
      role: "user",
      content: [
        { type: "text", text: "hello" },
        { type: "text", text: "world" },
      ],
    },
  ],
  ...extra,
});

const post = (path: string, body: unknown) =>
  rawRequest(`${fake!.url}${path}`, { method: "POST", body: body as object });

/** Splits an SSE body into data payloads, checking OpenAI's framing on the way. */
function dataPayloads(res: RawResponse): string[] {
  const text = res.text();
  expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  const events = text.slice(0, -2).split("\n\n");
  for (const event of events) expect(event).toMatch(/^data: [^\n]+$/);
  return events.map((event) => event.slice("data: ".length));
}

type Chunk = {
  id: string;
  object: string;
  model: string;
  choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: unknown;
};
const chunksOf = (payloads: string[]) =>
  payloads.filter((payload) => payload !== "[DONE]").map((payload) => JSON.parse(payload) as Chunk);

describe("fake OpenAI chat completions", () => {
  it("answers a realistic completion echoing the last user text", async () => {
    fake = await startFakeOpenAI();
    const before = Math.floor(Date.now() / 1000);
    const res = await post("/v1/chat/completions", chatBody());
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(res.text());
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "gpt-4.1-mini",
      service_tier: "default",
      system_fingerprint: "fp_fake0001",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "echo: hello world",
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      // Prompt: "Be brief." 2 + "first question" 2 + "answer" 1 + "hello world" 2; reply 3 words.
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(body.created).toBeGreaterThanOrEqual(before);
  });

  it("sends OpenAI's response headers, rate-limit counters going down", async () => {
    fake = await startFakeOpenAI({ rateLimits: { requests: 100, tokens: 1000 } });
    const first = await post("/v1/chat/completions", chatBody());
    const second = await post("/v1/chat/completions", chatBody());
    expect(first.headers["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
    expect(first.headers["x-request-id"]).not.toBe(second.headers["x-request-id"]);
    expect(Number(first.headers["openai-processing-ms"])).toBeGreaterThan(0);
    expect(first.headers).toMatchObject({
      "x-ratelimit-limit-requests": "100",
      "x-ratelimit-limit-tokens": "1000",
      "x-ratelimit-remaining-requests": "99",
      "x-ratelimit-remaining-tokens": "990",
      "x-ratelimit-reset-requests": "6ms",
      "x-ratelimit-reset-tokens": "0s",
    });
    expect(second.headers["x-ratelimit-remaining-requests"]).toBe("98");
  });

  it("serves the routes without the /v1 prefix too", async () => {
    fake = await startFakeOpenAI();
    expect((await post("/chat/completions", chatBody())).status).toBe(200);
    expect((await post("/embeddings", { model: "e", input: "x" })).status).toBe(200);
    expect((await rawRequest(`${fake.url}/models`)).status).toBe(200);
  });

  it("cuts the reply at max_completion_tokens with finish_reason length", async () => {
    fake = await startFakeOpenAI();
    const body = JSON.parse(
      (await post("/v1/chat/completions", chatBody({ max_completion_tokens: 2 }))).text(),
    );
    expect(body.choices[0]).toMatchObject({
      message: { content: "echo: hello" },
      finish_reason: "length",
    });
    expect(body.usage.completion_tokens).toBe(2);
  });

  it("takes a custom reply", async () => {
    fake = await startFakeOpenAI({ reply: (request) => `model was ${String(request["model"])}` });
    const body = JSON.parse((await post("/v1/chat/completions", chatBody())).text());
    expect(body.choices[0].message.content).toBe("model was gpt-4.1-mini");
  });

  it("streams role, content, finish chunks and [DONE], with no usage without include_usage", async () => {
    fake = await startFakeOpenAI();
    const res = await post("/v1/chat/completions", chatBody({ stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.headers["x-request-id"]).toBeDefined();
    const payloads = dataPayloads(res);
    const chunks = chunksOf(payloads);
    expect(payloads.at(-1)).toBe("[DONE]");
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(
      chunks.every(
        (chunk) => chunk.object === "chat.completion.chunk" && chunk.model === "gpt-4.1-mini",
      ),
    ).toBe(true);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "", refusal: null });
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta["content"])).toEqual([
      "echo:",
      " hello",
      " world",
    ]);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.every((chunk) => !("usage" in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("streams exactly one usage chunk with choices:[] when include_usage is true", async () => {
    fake = await startFakeOpenAI();
    const res = await post(
      "/v1/chat/completions",
      chatBody({ stream: true, stream_options: { include_usage: true } }),
    );
    const chunks = chunksOf(dataPayloads(res));
    const usageChunks = chunks.filter((chunk) => chunk.choices.length === 0);
    expect(usageChunks).toHaveLength(1);
    expect(chunks.at(-1)).toBe(usageChunks[0]);
    expect(usageChunks[0]?.usage).toMatchObject({
      prompt_tokens: 7,
      completion_tokens: 3,
      total_tokens: 10,
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("treats include_usage:false like no stream_options", async () => {
    fake = await startFakeOpenAI();
    const res = await post(
      "/v1/chat/completions",
      chatBody({ stream: true, stream_options: { include_usage: false } }),
    );
    expect(chunksOf(dataPayloads(res)).some((chunk) => "usage" in chunk)).toBe(false);
  });

  it("relays a scripted stream byte for byte", async () => {
    fake = await startFakeOpenAI();
    const events = openaiChunks({
      content: ["Hé", "llo 🙂"],
      toolCalls: [{ id: "call_1", name: "f", arguments: ['{"a"', ":1}"] }],
      includeUsage: true,
    });
    fake.enqueue(sse(events, { splitWrites: 5 }), json(openaiCompletion({ content: "scripted" })));
    const streamed = await post("/v1/chat/completions", chatBody({ stream: true }));
    expect(streamed.text()).toBe(events.map((event) => `data: ${event}\n\n`).join(""));
    const plain = JSON.parse((await post("/v1/chat/completions", chatBody())).text());
    expect(plain.choices[0].message.content).toBe("scripted");
    const fallback = JSON.parse((await post("/v1/chat/completions", chatBody())).text());
    expect(fallback.choices[0].message.content).toBe("echo: hello world");
  });

  it("records what the gateway sent", async () => {
    fake = await startFakeOpenAI();
    await post("/v1/chat/completions", chatBody({ temperature: 0.2 }));
    expect(fake.callCount("/v1/chat/completions")).toBe(1);
    expect(fake.requests[0]?.json).toMatchObject({ model: "gpt-4.1-mini", temperature: 0.2 });
  });
});

describe("fake OpenAI embeddings", () => {
  it("returns deterministic float vectors in input order, with usage", async () => {
    fake = await startFakeOpenAI();
    const res = await post("/v1/embeddings", {
      model: "text-embedding-3-small",
      input: ["a b", "c"],
      encoding_format: "float",
    });
    const body = JSON.parse(res.text());
    expect(body).toMatchObject({
      object: "list",
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
    expect(
      body.data.map((item: { object: string; index: number }) => [item.object, item.index]),
    ).toEqual([
      ["embedding", 0],
      ["embedding", 1],
    ]);
    expect(body.data[0].embedding).toEqual(Array.from(fakeEmbedding("a b", 8)));
    expect(body.data[1].embedding).toEqual(Array.from(fakeEmbedding("c", 8)));
  });

  it("answers base64 (openai-node's default) with the same numbers as float32 LE", async () => {
    fake = await startFakeOpenAI({ embeddingDimensions: 4 });
    const body = JSON.parse(
      (await post("/v1/embeddings", { model: "e", input: "hi", encoding_format: "base64" })).text(),
    );
    const bytes = Buffer.from(body.data[0].embedding, "base64");
    expect([0, 1, 2, 3].map((i) => bytes.readFloatLE(i * 4))).toEqual(
      Array.from(fakeEmbedding("hi", 4)),
    );
  });

  it("honours dimensions and accepts token arrays", async () => {
    fake = await startFakeOpenAI();
    const body = JSON.parse(
      (await post("/v1/embeddings", { model: "e", input: [[1, 2, 3]], dimensions: 3 })).text(),
    );
    expect(body.data[0].embedding).toHaveLength(3);
    expect(body.usage.prompt_tokens).toBe(3);
  });

  it("rejects a request without input", async () => {
    fake = await startFakeOpenAI();
    const res = await post("/v1/embeddings", { model: "e" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text()).error.param).toBe("input");
  });
});

describe("fake OpenAI models", () => {
  it("lists and retrieves models, 404 model_not_found otherwise", async () => {
    fake = await startFakeOpenAI({ models: ["gpt-a", "gpt-b"] });
    const list = JSON.parse((await rawRequest(`${fake.url}/v1/models`)).text());
    expect(list).toEqual({
      object: "list",
      data: [
        { id: "gpt-a", object: "model", created: 1_700_000_000, owned_by: "system" },
        { id: "gpt-b", object: "model", created: 1_700_000_000, owned_by: "system" },
      ],
    });
    expect(JSON.parse((await rawRequest(`${fake.url}/v1/models/gpt-b`)).text()).id).toBe("gpt-b");
    const missing = await rawRequest(`${fake.url}/v1/models/nope`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text()).error).toMatchObject({
      code: "model_not_found",
      param: "model",
    });
  });
});
