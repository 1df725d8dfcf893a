import { describe, expect, it } from "vitest";
import { fixtureFiles, inReadsOf, readsOf } from "../../__fixtures__/adapter-test-kit.ts";
import {
  GatewayError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { type ChatCompletionChunk, ChatCompletionChunkSchema } from "../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { RequestContext, StreamEvent } from "../../provider/adapter.ts";
import { decodeAwsEventStream } from "../../stream/aws-eventstream-decoder.ts";
import { createBedrockProvider } from "./bedrock-provider.ts";

const NOW = Date.parse("2025-01-01T12:00:00Z");
const chat = createBedrockProvider({ now: () => NOW }).chat!;

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).bytes;

function ctx(request: Partial<ChatCompletionRequest> = {}): RequestContext {
  return {
    callId: "s1",
    deployment: {
      provider: "bedrock",
      model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      params: {},
    },
    request: {
      model: "bedrock/claude",
      messages: [{ role: "user", content: "q" }],
      stream: true,
      ...request,
    },
  };
}

/** Decoder + transformer, the way callChat runs them; chunks are validated against the schema. */
async function run(
  name: string,
  options: { size?: number; request?: Partial<ChatCompletionRequest> } = {},
): Promise<ChatCompletionChunk[]> {
  const transformer = chat.createStreamTransformer(ctx(options.request));
  const chunks: ChatCompletionChunk[] = [];
  const body = fixture(name);
  for await (const read of decodeAwsEventStream(
    readsOf(inReadsOf(body, options.size ?? body.byteLength)),
  )) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  for (const chunk of chunks) expect(ChatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
  return chunks;
}

const text = (chunks: ChatCompletionChunk[]) =>
  chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");

describe("bedrock stream transformer", () => {
  it("streams text: role first, stable id, finish, then a usage-only chunk", async () => {
    const chunks = await run("stream-text.bin");
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["chatcmpl-s1"]));
    expect(chunks.every((chunk) => chunk.created === NOW / 1000)).toBe(true);
    expect(
      chunks.every((chunk) => chunk.model === "anthropic.claude-3-5-sonnet-20240620-v1:0"),
    ).toBe(true);
    expect(text(chunks)).toBe("Hello, wörld 👋 — 日本語 from Bedrock!");

    const finish = chunks.at(-2);
    expect(finish?.choices).toEqual([
      { index: 0, delta: {}, finish_reason: "stop", provider_finish_reason: "end_turn" },
    ]);
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage).toEqual({
      prompt_tokens: 132,
      completion_tokens: 9,
      total_tokens: 141,
      prompt_tokens_details: { cached_tokens: 100, cache_creation_tokens: 20 },
    });
  });

  it("gives the same chunks whatever the read boundaries (frames and UTF-8 split across reads)", async () => {
    const whole = await run("stream-text.bin");
    for (const size of [1, 3, 7, 64, 100]) {
      expect(await run("stream-text.bin", { size })).toEqual(whole);
    }
  });

  it("streams tool calls: OpenAI index counts tool blocks, header once, then argument fragments", async () => {
    const chunks = await run("stream-tool-use.bin", { size: 13 });
    const toolDeltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    // Converse blocks 1 and 2 (block 0 is text) become OpenAI tool indexes 0 and 1.
    expect(toolDeltas.filter((delta) => delta.id !== undefined)).toEqual([
      {
        index: 0,
        id: "tooluse_oslo01",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      },
      {
        index: 1,
        id: "tooluse_time02",
        type: "function",
        function: { name: "get_time", arguments: "" },
      },
    ]);
    const args = (index: number) =>
      toolDeltas
        .filter((delta) => delta.index === index)
        .map((delta) => delta.function?.arguments ?? "")
        .join("");
    expect(JSON.parse(args(0))).toEqual({ city: "Oslo", unit: "celsius" });
    // A tool that streamed no input ends as "{}", never "".
    expect(args(1)).toBe("{}");
    expect(toolDeltas.filter((delta) => delta.index === 0).length).toBeGreaterThan(2);
    expect(text(chunks)).toBe("Checking both.");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 410,
      completion_tokens: 38,
      total_tokens: 448,
    });
  });

  it("throws a retryable RateLimitError for a throttlingException frame mid-stream, after the text so far", async () => {
    const transformer = chat.createStreamTransformer(ctx());
    const chunks: ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const read of decodeAwsEventStream(
        readsOf(inReadsOf(fixture("stream-throttling.bin"), 5)),
      )) {
        for (const event of read.events) chunks.push(...transformer.onEvent(event));
      }
    } catch (error) {
      thrown = error;
    }
    expect(text(chunks)).toBe("Partial answer b");
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(thrown).toBeInstanceOf(RateLimitError);
    expect(thrown).toMatchObject({
      status: 429,
      retryable: true,
      provider: "bedrock",
      message: "ThrottlingException: Too many tokens, please wait before trying again.",
    });
  });

  it.each([
    ["modelStreamErrorException", UpstreamError, 502],
    ["serviceUnavailableException", ServiceUnavailableError, 503],
    ["internalServerException", UpstreamError, 500],
  ])("maps a %s frame to %s", (name, type, status) => {
    const transformer = chat.createStreamTransformer(ctx());
    const event: StreamEvent = { event: name, data: '{"message":"boom"}' };
    let thrown: unknown;
    try {
      transformer.onEvent(event);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as GatewayError).status).toBe(status);
    expect((thrown as GatewayError).retryable).toBe(true);
  });

  it("maps a validationException frame about length to a context-window error", () => {
    const transformer = chat.createStreamTransformer(ctx());
    expect(() =>
      transformer.onEvent({
        event: "validationException",
        data: '{"message":"Input is too long for requested model."}',
      }),
    ).toThrow(expect.objectContaining({ code: "context_length_exceeded", status: 400 }));
  });

  it("streams reasoning_content, and the signature as a thinking_blocks delta", async () => {
    const chunks = await run("stream-reasoning.bin", { size: 17 });
    const reasoning = chunks
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "")
      .join("");
    expect(reasoning).toBe("The user greets; answer briefly.");
    expect(chunks.flatMap((chunk) => chunk.choices[0]?.delta["thinking_blocks"] ?? [])).toEqual([
      { type: "thinking", thinking: "", signature: "EqoBCkgIARABGAIiQL2U" },
    ]);
    expect(text(chunks)).toBe("Hi there!");
  });

  it("does not depend on metadata coming after messageStop", async () => {
    const chunks = await run("stream-metadata-first.bin");
    expect(text(chunks)).toBe("Usage came early.");
    expect(chunks.at(-2)?.choices[0]).toMatchObject({
      finish_reason: "length",
      provider_finish_reason: "max_tokens",
    });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 3,
      total_tokens: 10,
    });
  });

  it("streams the JSON-mode tool's input as content and finishes with stop", async () => {
    const chunks = await run("stream-json-mode.bin", {
      size: 11,
      request: {
        response_format: {
          type: "json_schema",
          json_schema: { name: "weather_report", schema: { type: "object" } },
        },
      },
    });
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls)).toBe(false);
    expect(JSON.parse(text(chunks))).toEqual({ city: "Bergen", temperature: 4 });
    expect(chunks.at(-2)?.choices[0]).toMatchObject({
      finish_reason: "stop",
      provider_finish_reason: "tool_use",
    });
  });

  it("throws a truncated-stream error when the stream ends without messageStop", async () => {
    await expect(run("stream-truncated.bin")).rejects.toMatchObject({ code: "stream_truncated" });
  });

  it("finishes without a usage chunk when metadata never comes", () => {
    const transformer = chat.createStreamTransformer(ctx());
    transformer.onEvent({ event: "messageStart", data: '{"role":"assistant"}' });
    transformer.onEvent({
      event: "contentBlockDelta",
      data: '{"contentBlockIndex":0,"delta":{"text":"ok"}}',
    });
    expect(
      transformer.onEvent({ event: "messageStop", data: '{"stopReason":"end_turn"}' }),
    ).toEqual([]);
    const tail = transformer.onEnd();
    expect(tail).toHaveLength(1);
    expect(tail[0]?.choices[0]?.finish_reason).toBe("stop");
  });

  it("treats an exception frame of unknown type, and protocol error frames, as retryable upstream errors", () => {
    const transformer = chat.createStreamTransformer(ctx());
    expect(() => transformer.onEvent({ event: "exception", data: '{"message":"odd"}' })).toThrow(
      UpstreamError,
    );
    expect(() =>
      transformer.onEvent({
        event: "error",
        data: '{"code":"InternalFailure","message":"broken"}',
      }),
    ).toThrow(/Bedrock stream error InternalFailure: broken/);
  });

  it("ignores unknown event types and the p padding field", () => {
    const transformer = chat.createStreamTransformer(ctx());
    expect(transformer.onEvent({ event: "someFutureEvent", data: '{"x":1}' })).toEqual([]);
    const chunks = transformer.onEvent({
      event: "contentBlockDelta",
      data: '{"contentBlockIndex":0,"delta":{"text":"a"},"p":"abcdefgh"}',
    });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "a" },
    ]);
  });
});
