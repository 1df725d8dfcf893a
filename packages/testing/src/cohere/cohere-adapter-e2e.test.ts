import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  callChat,
  callEmbedding,
  type ChatCallResult,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  cohereProvider,
  ContextWindowExceededError,
  createUndiciTransport,
  NotFoundError,
  type ProviderDeployment,
  ProviderRegistry,
  RateLimitError,
  UpstreamError,
} from "@org/core";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { cohereContextLengthError, cohereError, cohereRateLimitError } from "./cohere-error.ts";
import { cohereSse, cohereStreamError, cohereStreamEvents } from "./cohere-stream.ts";
import { COHERE_PREAMBLE_TOKENS } from "./cohere-usage.ts";
import { startFakeCohere } from "./fake-cohere.ts";

const KEY = "co-e2e-key-0123456789abcdefghijklmnop";
const registry = new ProviderRegistry([cohereProvider]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "cohere",
  model: "command-a-03-2025",
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
    request: {
      model: "cohere/command-a",
      messages: [{ role: "user", content: "hello" }],
      ...request,
    },
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

const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("Cohere adapter against the fake Cohere API", () => {
  it("answers a chat completion with usage from `tokens`", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const completion = completionOf(
      await chat({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hi you" },
        ],
      }),
    );
    expect(completion.id).toMatch(/^chatcmpl-[0-9a-f-]{36}$/);
    expect(completion.choices[0]).toMatchObject({
      message: { role: "assistant", content: "echo: hi you" },
      finish_reason: "stop",
      provider_finish_reason: "COMPLETE",
    });
    // Billed: "Be brief." (2) + "hi you" (2); processed adds Cohere's preamble.
    expect(completion.usage).toEqual({
      prompt_tokens: 4 + COHERE_PREAMBLE_TOKENS,
      completion_tokens: 3,
      total_tokens: 7 + COHERE_PREAMBLE_TOKENS,
    });
    expect(fake.requests[0]).toMatchObject({
      path: "/v2/chat",
      headers: { authorization: `Bearer ${KEY}` },
    });
  });

  it("streams through the SSE decoder with writes split mid-character", async () => {
    fake = await startFakeCohere({ apiKey: KEY, stream: { splitWrites: 3 } });
    const chunks = await chunksOf(
      await chat({ stream: true, messages: [{ role: "user", content: "héllo 🌍 日本" }] }),
    );
    expect(text(chunks)).toBe("echo: héllo 🌍 日本");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
    expect(fake.requests[0]?.headers.accept).toBe("text/event-stream");
  });

  it("round-trips a tool call: call, then results as documents, then the answer", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const first = completionOf(
      await chat({
        tools: [weatherTool],
        messages: [{ role: "user", content: "use get_weather please" }],
      }),
    );
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(first.choices[0]?.message.content).toBe("I will call get_weather.");
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"example"}' },
    });
    expect(call?.id).toMatch(/^get_weather_[a-z0-9]{12}$/);

    const second = completionOf(
      await chat({
        tools: [weatherTool],
        messages: [
          { role: "user", content: "use get_weather please" },
          first.choices[0]!.message as ChatCompletionRequest["messages"][number],
          { role: "tool", tool_call_id: call!.id, content: '{"temp":"4°C"}' },
        ],
      }),
    );
    // The fake refuses a tool result whose id no assistant turn issued, so this proves the pairing.
    expect(second.choices[0]?.message.content).toBe('echo: {"temp":"4°C"}');
    const sent = fake.requests[1]?.json as { messages: unknown[] };
    expect(sent.messages[1]).toMatchObject({
      role: "assistant",
      tool_plan: "I will call get_weather.",
    });
  });

  it("streams parallel tool calls with their fragments", async () => {
    fake = await startFakeCohere({ apiKey: KEY, stream: { splitWrites: "mid-line" } });
    const timeTool = { type: "function" as const, function: { name: "get_time" } };
    const chunks = await chunksOf(
      await chat({
        stream: true,
        tools: [weatherTool, timeTool],
        messages: [{ role: "user", content: "get_weather and get_time" }],
      }),
    );
    const calls: { id?: string; name?: string; args: string }[] = [];
    for (const delta of chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) {
      const slot = (calls[delta.index] ??= { args: "" });
      if (delta.id) slot.id = delta.id;
      if (delta.function?.name) slot.name = delta.function.name;
      slot.args += delta.function?.arguments ?? "";
    }
    expect(calls.map((c) => [c.name, c.args])).toEqual([
      ["get_weather", '{"city":"example"}'],
      ["get_time", "{}"],
    ]);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      "tool_calls",
    );
  });

  it("gets JSON back for a json_schema response_format", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const completion = completionOf(
      await chat({
        messages: [{ role: "user", content: "describe" }],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "x",
            schema: { type: "object", properties: { summary: { type: "string" } } },
          },
        },
      }),
    );
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({
      summary: "echo: describe",
    });
    expect((fake.requests[0]?.json as { response_format: unknown }).response_format).toMatchObject({
      type: "json_object",
      json_schema: { type: "object" },
    });
  });

  it("maps upstream errors: bad key, 429 with retry-after, context length, 404, 500", async () => {
    fake = await startFakeCohere({ apiKey: KEY, models: ["command-a-03-2025"] });
    await expect(chat({}, { apiKey: "co-wrong-key-000000000000000000" })).rejects.toBeInstanceOf(
      AuthenticationError,
    );

    fake.enqueue(cohereRateLimitError({ retryAfterSeconds: 7 }));
    const limited = await chat({}).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({
      retryAfterMs: 7000,
      retryable: true,
      headers: { "retry-after": "7" },
    });

    fake.enqueue(cohereContextLengthError());
    await expect(chat({ stream: true })).rejects.toBeInstanceOf(ContextWindowExceededError);

    await expect(chat({}, { model: "command-z" })).rejects.toBeInstanceOf(NotFoundError);

    fake.enqueue(cohereError(500));
    await expect(chat({})).rejects.toMatchObject({
      constructor: UpstreamError,
      status: 500,
      retryable: true,
    });
  });

  it("delivers text before a mid-stream error, then throws it", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const events = cohereStreamEvents({ text: ["partial", " answer"] }).slice(0, -1);
    fake.enqueue(cohereSse([...events, cohereStreamError("generation failed")]));
    const result = await chat({ stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      if (result.kind !== "stream") return undefined;
      for await (const part of result.parts) seen.push(text(part.chunks));
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("partial answer");
    expect(failure).toMatchObject({ message: "generation failed", retryable: true });
  });

  it("embeds through /v2/embed with the default input_type", async () => {
    fake = await startFakeCohere({ apiKey: KEY });
    const result = await callEmbedding({
      registry,
      transport,
      callId: "call-emb",
      deployment: deployment({ model: "embed-v4.0" }),
      request: { model: "cohere/embed-v4.0", input: ["a b", "c"], dimensions: 16 },
    });
    expect(result.response.data.map((d) => [d.index, (d.embedding as number[]).length])).toEqual([
      [0, 16],
      [1, 16],
    ]);
    expect(result.response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(fake.requests[0]?.json).toMatchObject({
      input_type: "search_document",
      embedding_types: ["float"],
    });
  });
});
