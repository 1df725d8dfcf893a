import { describe, expect, it } from "vitest";
import { callChat, type CallChatOptions } from "../../call/call-chat.ts";
import type { ChatCallResult, ChatStreamPart } from "../../call/call-result.ts";
import {
  ContentPolicyError,
  ContextWindowExceededError,
  RateLimitError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { noNetworkTransport } from "../../__fixtures__/adapter-test-kit.ts";
import { defaultProviders } from "../default-providers.ts";
import { DEFAULT_MOCK_TEXT } from "./mock-options.ts";

/** Mocks must never touch the network, whatever deployment they stand in for. */
const noNetwork = noNetworkTransport;

const request = (extra: Record<string, unknown> = {}): ChatCompletionRequest => ({
  model: "client-alias",
  messages: [{ role: "user", content: "Tell me about the sea in a few words please" }],
  ...extra,
});

function call(
  deployment: Partial<ProviderDeployment>,
  extra: Record<string, unknown> = {},
  overrides: Partial<CallChatOptions> = {},
): Promise<ChatCallResult> {
  return callChat({
    registry: defaultProviders(),
    deployment: { provider: "mock", model: "anything", params: {}, ...deployment },
    request: request(extra),
    callId: "abc123",
    transport: noNetwork,
    ...overrides,
  });
}

async function streamParts(result: ChatCallResult): Promise<ChatStreamPart[]> {
  if (result.kind !== "stream") throw new Error("expected a stream");
  const parts: ChatStreamPart[] = [];
  for await (const part of result.parts) parts.push(part);
  return parts;
}

describe("mock provider and mock_response", () => {
  it("answers mock/<anything> with LiteLLM's default text", async () => {
    const result = await call({});
    if (result.kind !== "response") throw new Error("expected a response");
    const { completion } = result;
    expect(completion.id).toBe("chatcmpl-abc123");
    expect(completion.model).toBe("anything");
    expect(completion.choices[0]?.message).toMatchObject({
      role: "assistant",
      content: DEFAULT_MOCK_TEXT,
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    // ceil(chars / 4): prompt 43 chars -> 11, "This is a mock request" 22 chars -> 6.
    expect(completion.usage).toEqual({ prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 });
    expect(JSON.parse(result.rawBody ?? "").id).toBe("chatcmpl-abc123");
  });

  it("answers any deployment with mock_response from litellm_params, without the network", async () => {
    const result = await call({
      provider: "openai",
      model: "gpt-4o",
      apiKey: "sk-real",
      params: { mock_response: "Salt and waves." },
    });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices[0]?.message.content).toBe("Salt and waves.");
  });

  it("lets the request body's mock_response win over litellm_params", async () => {
    const result = await call(
      { provider: "openai", model: "gpt-4o", params: { mock_response: "from config" } },
      { mock_response: "from request" },
    );
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices[0]?.message.content).toBe("from request");
  });

  it("goes upstream when mock_response is empty", async () => {
    const error = await call({
      provider: "openai",
      model: "gpt-4o",
      apiBase: "http://127.0.0.1:9/v1",
      params: { mock_response: "" },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain("the network must not be used");
  });

  it.each([
    ["litellm.RateLimitError", RateLimitError, 429],
    ["litellm.ContextWindowExceededError", ContextWindowExceededError, 400],
    ["litellm.InternalServerError", UpstreamError, 500],
    ["Exception: content_filter_policy violated", ContentPolicyError, 400],
    ["Exception: mock_streaming_error", UpstreamError, 529],
  ] as const)("raises the typed error for %s", async (mock, type, status) => {
    const error = await call({
      provider: "openai",
      model: "gpt-4o",
      params: { mock_response: mock },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ status, provider: "openai" });
  });

  it("also raises errors for streamed calls before any part", async () => {
    await expect(
      call({}, { stream: true, mock_response: "litellm.RateLimitError" }),
    ).rejects.toBeInstanceOf(RateLimitError);
  });

  it("streams a role chunk, several content chunks, a finish chunk and a usage chunk", async () => {
    const result = await call({}, { stream: true, mock_response: "The sea is wide and deep." });
    expect(result.kind === "stream" && result.passthrough).toBe(false);
    const chunks = (await streamParts(result)).flatMap((part) => part.chunks);
    expect(chunks[0]?.choices[0]?.delta).toMatchObject({ role: "assistant", content: "" });
    const content = chunks.slice(1, -2);
    expect(content.length).toBeGreaterThan(3);
    expect(content.map((c) => c.choices[0]?.delta.content).join("")).toBe(
      "The sea is wide and deep.",
    );
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(7);
    expect(chunks.every((c) => c.id === "chatcmpl-abc123")).toBe(true);
  });

  it("is a byte passthrough stream when the client asked for usage", async () => {
    const result = await call({}, { stream: true, stream_options: { include_usage: true } });
    expect(result.kind === "stream" && result.passthrough).toBe(true);
    const parts = await streamParts(result);
    const text = new TextDecoder().decode(Buffer.concat(parts.map((p) => p.raw as Uint8Array)));
    expect(text.startsWith("data: {")).toBe(true);
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("fails a stream mid-way for Exception: mock_streaming_error", async () => {
    const result = await call(
      {},
      { stream: true, mock_response: "Exception: mock_streaming_error" },
    );
    const seen: ChatStreamPart[] = [];
    const error = await (async () => {
      if (result.kind !== "stream") return;
      for await (const part of result.parts) seen.push(part);
    })().catch((e: unknown) => e);
    expect(seen.flatMap((p) => p.chunks).length).toBeGreaterThan(1);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ status: 529 });
  });

  it("answers with mock_tool_calls", async () => {
    const toolCalls = [
      { id: "call_1", type: "function", function: { name: "tide", arguments: '{"at":"Oslo"}' } },
    ];
    const result = await call({}, { mock_tool_calls: toolCalls });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices[0]?.message.tool_calls).toEqual(toolCalls);
    expect(result.completion.choices[0]?.message.content).toBeNull();
    expect(result.completion.choices[0]?.finish_reason).toBe("tool_calls");

    const streamed = (
      await streamParts(await call({}, { mock_tool_calls: toolCalls, stream: true }))
    ).flatMap((p) => p.chunks);
    const deltas = streamed.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas).toEqual([{ index: 0, ...toolCalls[0] }]);
  });

  it("uses a dict mock_response as the completion", async () => {
    const result = await call(
      {},
      { mock_response: { id: "chatcmpl-custom", system_fingerprint: "fp_mock" } },
    );
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.id).toBe("chatcmpl-custom");
    expect(result.completion.system_fingerprint).toBe("fp_mock");
  });

  it("answers n choices", async () => {
    const result = await call({}, { n: 2, mock_response: "two" });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, "two"],
      [1, "two"],
    ]);
  });

  it("times out at the call's deadline with mock_timeout, and at once without one", async () => {
    const started = Date.now();
    await expect(
      call({ params: { mock_timeout: true } }, {}, { timeoutMs: 80 }),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    await expect(
      call({ provider: "openai", model: "gpt-4o", params: { mock_timeout: true } }),
    ).rejects.toBeInstanceOf(TimeoutError);
  });

  it("waits mock_delay seconds before answering", async () => {
    const started = Date.now();
    await call({ params: { mock_delay: 0.1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("paces stream chunks with mock_chunk_delay_ms, under the stream timeout", async () => {
    const result = await call(
      { params: { mock_chunk_delay_ms: 200 } },
      { stream: true },
      { streamTimeoutMs: 50 },
    );
    await expect(streamParts(result)).rejects.toBeInstanceOf(TimeoutError);
  });

  it("stops a mocked stream when the caller aborts", async () => {
    const controller = new AbortController();
    const result = await call(
      { params: { mock_chunk_delay_ms: 20 } },
      { stream: true },
      { signal: controller.signal },
    );
    const reason = new DOMException("gone", "AbortError");
    const pending = streamParts(result);
    setTimeout(() => controller.abort(reason), 30);
    await expect(pending).rejects.toBe(reason);
  });
});
