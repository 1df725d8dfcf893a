import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  callChat,
  callEmbedding,
  ContextWindowExceededError,
  createUndiciTransport,
  geminiProvider,
  ProviderRegistry,
  RateLimitError,
  ServiceUnavailableError,
  vertexAiProvider,
  type ChatCallResult,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ProviderDeployment,
} from "@org/core";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { startFakeGemini, startFakeVertexAi } from "./fake-gemini.ts";
import { geminiResponse } from "./gemini-response.ts";
import { geminiSse, geminiStreamError } from "./gemini-sse.ts";
import {
  geminiContextLengthError,
  geminiOverloadedError,
  geminiRateLimitError,
} from "./google-error.ts";

const KEY = "AIzaSyFakeKey-0123456789abcdefghijk";
const registry = new ProviderRegistry([geminiProvider, vertexAiProvider]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "gemini",
  model: "gemini-2.5-flash",
  apiKey: KEY,
  apiBase: fake!.url,
  params: {},
  ...overrides,
});

const chat = (
  request: Partial<ChatCompletionRequest>,
  overrides: Partial<ProviderDeployment> = {},
) =>
  callChat({
    registry,
    transport,
    deployment: deployment(overrides),
    callId: "call-e2e",
    request: { model: "gemini/x", messages: [{ role: "user", content: "hello" }], ...request },
  });

function completionOf(result: ChatCallResult): ChatCompletion {
  if (result.kind !== "response") throw new Error("expected a response");
  return result.completion;
}

async function chunksOf(result: ChatCallResult): Promise<ChatCompletionChunk[]> {
  if (result.kind !== "stream") throw new Error("expected a stream");
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of result.parts) chunks.push(...part.chunks);
  return chunks;
}

const text = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");

describe("Gemini adapter against the fake Gemini API", () => {
  it("answers a chat completion", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const completion = completionOf(
      await chat({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi you" },
        ],
      }),
    );
    expect(completion.choices[0]).toMatchObject({
      message: { role: "assistant", content: "echo: hi you" },
      finish_reason: "stop",
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 4,
      completion_tokens: 3,
      total_tokens: 7,
    });
    expect(fake.requests[0]?.headers["x-goog-api-key"]).toBe(KEY);
  });

  it("streams through the SSE decoder with writes split mid-character", async () => {
    fake = await startFakeGemini({ apiKey: KEY, stream: { splitWrites: 3 } });
    const chunks = await chunksOf(
      await chat({ stream: true, messages: [{ role: "user", content: "héllo 🌍 日本" }] }),
    );
    expect(text(chunks)).toBe("echo: héllo 🌍 日本");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
    expect(fake.requests[0]?.path).toBe(
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
  });

  it("round-trips tool calls on Gemini 3, thought signature included", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
            additionalProperties: false,
          },
        },
      },
    ];
    const model = "gemini-3-pro-preview";
    const first = completionOf(
      await chat({ tools, messages: [{ role: "user", content: "call get_weather" }] }, { model }),
    );
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"example"}' },
    });
    const second = completionOf(
      await chat(
        {
          tools,
          messages: [
            { role: "user", content: "call get_weather" },
            { role: "assistant", content: null, tool_calls: [call!] },
            { role: "tool", tool_call_id: call!.id, content: "4°C" },
          ],
        },
        { model },
      ),
    );
    // The fake rejects a replayed Gemini 3 call without its signature, so this proves it travelled.
    expect(second.choices[0]?.message.content).toBe('echo: get_weather {"content":"4°C"}');
  });

  it("streams parallel tool calls whole", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const tools = ["get_weather", "get_time"].map((name) => ({
      type: "function" as const,
      function: { name },
    }));
    const chunks = await chunksOf(
      await chat({
        stream: true,
        tools,
        messages: [{ role: "user", content: "get_weather and get_time" }],
      }),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((d) => [d.index, d.function?.name, d.function?.arguments])).toEqual([
      [0, "get_weather", "{}"],
      [1, "get_time", "{}"],
    ]);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      "tool_calls",
    );
  });

  it("sends images and structured-output requests the fake accepts", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const completion = completionOf(
      await chat({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "describe" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
              { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            ],
          },
        ],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "x",
            schema: { type: "object", properties: { echo: { type: "string" } } },
          },
        },
      }),
    );
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({
      echo: "echo: describe",
    });
    const sent = fake.requests[0]?.json as {
      contents: { parts: unknown[] }[];
      generationConfig: unknown;
    };
    expect(sent.contents[0]?.parts).toEqual([
      { text: "describe" },
      { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.jpg" } },
    ]);
  });

  it("maps upstream errors: bad key, 429 with RetryInfo, context length, 503, mid-stream error", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    await expect(
      chat({}, { apiKey: "AIzaSyWrongKey-0123456789abcdefghijk" }),
    ).rejects.toBeInstanceOf(AuthenticationError);

    fake.enqueue(geminiRateLimitError({ retryDelaySeconds: 7 }));
    const limited = await chat({}).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({
      retryAfterMs: 7000,
      retryable: true,
      headers: { "retry-after": "7" },
    });

    fake.enqueue(geminiContextLengthError());
    await expect(chat({})).rejects.toBeInstanceOf(ContextWindowExceededError);

    fake.enqueue(geminiOverloadedError());
    await expect(chat({ stream: true })).rejects.toMatchObject({
      constructor: ServiceUnavailableError,
      retryable: true,
    });

    fake.enqueue(
      geminiSse([
        geminiResponse({ text: "partial " }),
        geminiStreamError(500, { message: "Internal error" }),
      ]),
    );
    const result = await chat({ stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      if (result.kind !== "stream") return undefined;
      for await (const part of result.parts) seen.push(text(part.chunks));
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("partial ");
    expect(failure).toMatchObject({ status: 500, retryable: true, message: "Internal error" });
  });

  it("embeds through batchEmbedContents", async () => {
    fake = await startFakeGemini({ apiKey: KEY });
    const result = await callEmbedding({
      registry,
      transport,
      callId: "call-emb",
      deployment: deployment({ model: "gemini-embedding-001" }),
      request: { model: "gemini/gemini-embedding-001", input: ["a", "b"], dimensions: 8 },
    });
    expect(result.response.data.map((d) => [d.index, (d.embedding as number[]).length])).toEqual([
      [0, 8],
      [1, 8],
    ]);
  });
});

describe("Vertex AI adapter against the fake Vertex AI", () => {
  it("streams with a Bearer token on the publisher model path", async () => {
    fake = await startFakeVertexAi({ accessToken: "ya29.token", project: "proj" });
    const chunks = await chunksOf(
      await chat(
        { stream: true, messages: [{ role: "user", content: "hey" }] },
        {
          provider: "vertex_ai",
          apiKey: undefined,
          params: {
            vertex_project: "proj",
            vertex_location: "europe-west1",
            vertex_credentials: "ya29.token",
          },
        },
      ),
    );
    expect(text(chunks)).toBe("echo: hey");
    expect(fake.requests[0]?.path).toBe(
      "/v1/projects/proj/locations/europe-west1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    await expect(
      chat({}, { provider: "vertex_ai", apiKey: "expired", params: { vertex_project: "proj" } }),
    ).rejects.toBeInstanceOf(AuthenticationError);
  });
});
