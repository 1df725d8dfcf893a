import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  callChat,
  callEmbedding,
  type ChatCallResult,
  type ChatCompletion,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ContextWindowExceededError,
  createUndiciTransport,
  InvalidRequestError,
  NotFoundError,
  ollamaChatProvider,
  ollamaProvider,
  type ProviderDeployment,
  ProviderRegistry,
  UpstreamError,
} from "@org/core";
import { ndjson } from "../fake-server/ndjson.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { ollamaChatLines } from "./ollama-chat.ts";
import { ollamaContextLengthError, ollamaError, ollamaStreamError } from "./ollama-error.ts";
import { startFakeOllama } from "./fake-ollama.ts";

const registry = new ProviderRegistry([ollamaProvider, ollamaChatProvider]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "ollama_chat",
  model: "llama3.2",
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
      model: "ollama_chat/llama3.2",
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
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

describe("Ollama adapters against the fake Ollama server", () => {
  it("answers a chat completion (stream: false sent explicitly) for both provider ids", async () => {
    fake = await startFakeOllama({ models: ["llama3.2"] });
    for (const provider of ["ollama_chat", "ollama"]) {
      const completion = completionOf(
        await chat(
          {
            messages: [
              { role: "system", content: "Be brief." },
              { role: "user", content: "hi you" },
            ],
          },
          { provider },
        ),
      );
      expect(completion).toMatchObject({
        id: "chatcmpl-call-e2e",
        model: "llama3.2",
        choices: [
          { message: { role: "assistant", content: "echo: hi you" }, finish_reason: "stop" },
        ],
        usage: { prompt_tokens: 4, completion_tokens: 3, total_tokens: 7 },
      });
    }
    expect(fake.requests.map((r) => [r.path, (r.json as { stream: unknown }).stream])).toEqual([
      ["/api/chat", false],
      ["/api/chat", false],
    ]);
  });

  it("streams NDJSON through the decoder with writes split mid-character", async () => {
    fake = await startFakeOllama({ stream: { splitWrites: 3 } });
    const chunks = await chunksOf(
      await chat({ stream: true, messages: [{ role: "user", content: "héllo 🌍 日本" }] }),
    );
    expect(text(chunks)).toBe("echo: héllo 🌍 日本");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(["chatcmpl-call-e2e"]));
    expect(chunks.at(-2)?.choices[0]).toMatchObject({
      finish_reason: "stop",
      provider_finish_reason: "stop",
    });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
  });

  it("round-trips a tool call: object arguments out, minted id, tool_name back", async () => {
    fake = await startFakeOllama();
    const first = completionOf(
      await chat({
        tools: [weatherTool],
        messages: [{ role: "user", content: "use get_weather" }],
      }),
    );
    expect(first.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      provider_finish_reason: "stop",
      message: {
        content: null,
        tool_calls: [
          { type: "function", function: { name: "get_weather", arguments: '{"city":"example"}' } },
        ],
      },
    });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(call.id).toMatch(/^call_/);

    const second = completionOf(
      await chat({
        tools: [weatherTool],
        messages: [
          { role: "user", content: "use get_weather" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "4°C" },
        ],
      }),
    );
    expect(second.choices[0]?.message.content).toBe("echo: 4°C");
    const sent = (fake.requests[1]?.json as { messages: unknown[] }).messages;
    expect(sent.slice(1)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: call.id, function: { name: "get_weather", arguments: { city: "example" } } },
        ],
      },
      { role: "tool", content: "4°C", tool_name: "get_weather", tool_call_id: call.id },
    ]);
  });

  it("streams whole tool calls, thinking and images", async () => {
    fake = await startFakeOllama({ stream: { splitWrites: "mid-line" } });
    const chunks = await chunksOf(
      await chat({
        stream: true,
        reasoning_effort: "low",
        tools: [weatherTool, { type: "function", function: { name: "get_time" } }],
        messages: [{ role: "user", content: "get_weather and get_time" }],
      }),
    );
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas.map((d) => [d.index, d.function?.name, d.function?.arguments])).toEqual([
      [0, "get_weather", '{"city":"example"}'],
      [1, "get_time", "{}"],
    ]);
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      "Thinking about: get_weather and get_time",
    );
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      "tool_calls",
    );

    const image = completionOf(
      await chat({
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this" },
              { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            ],
          },
        ],
      }),
    );
    expect(image.choices[0]?.message.content).toBe("echo: what is this (1 image)");
    await expect(
      chat({
        messages: [
          {
            role: "user",
            content: [{ type: "image_url", image_url: { url: "https://example.com/a.png" } }],
          },
        ],
      }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it("gets JSON back for a json_schema response_format", async () => {
    fake = await startFakeOllama();
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
  });

  it("maps upstream errors: unknown model, context length, 500, mid-stream error line", async () => {
    fake = await startFakeOllama({ models: ["llama3.2"] });
    const missing = await chat({}, { model: "llama9" }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ message: "model 'llama9' not found", provider: "ollama_chat" });

    fake.enqueue(ollamaContextLengthError());
    await expect(chat({ stream: true })).rejects.toBeInstanceOf(ContextWindowExceededError);

    fake.enqueue(ollamaError(500, "model runner has unexpectedly stopped"));
    await expect(chat({})).rejects.toMatchObject({
      constructor: UpstreamError,
      status: 500,
      retryable: true,
    });

    const lines = ollamaChatLines({ text: ["partial", " answer"] }).slice(0, -1);
    fake.enqueue(
      ndjson([...lines, ollamaStreamError("an error was encountered while running the model")]),
    );
    const result = await chat({ stream: true });
    const seen: string[] = [];
    const failure = await (async () => {
      if (result.kind !== "stream") return undefined;
      for await (const part of result.parts) seen.push(text(part.chunks));
    })().catch((e: unknown) => e);
    expect(seen.join("")).toBe("partial answer");
    expect(failure).toMatchObject({
      status: 500,
      retryable: true,
      message: "an error was encountered while running the model",
    });
  });

  it("embeds through /api/embed", async () => {
    fake = await startFakeOllama();
    const result = await callEmbedding({
      registry,
      transport,
      callId: "call-emb",
      deployment: deployment({ provider: "ollama", model: "all-minilm" }),
      request: { model: "ollama/all-minilm", input: ["a b", "c"], encoding_format: "base64" },
    });
    expect(
      result.response.data.map((d) => [
        d.index,
        Buffer.from(d.embedding as string, "base64").byteLength,
      ]),
    ).toEqual([
      [0, 32],
      [1, 32],
    ]);
    expect(result.response.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(fake.requests[0]).toMatchObject({
      path: "/api/embed",
      json: { model: "all-minilm", input: ["a b", "c"] },
    });
  });
});
