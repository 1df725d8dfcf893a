import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ContentPolicyError,
  GatewayError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
} from "../../../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { ProviderAdapter, RequestContext } from "../../../provider/adapter.ts";
import { decodeSse } from "../../../stream/sse-decoder.ts";
import {
  deepseekProvider,
  groqProvider,
  openrouterProvider,
  togetherAiProvider,
  xaiProvider,
} from "./index.ts";

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
const ctxFor = (adapter: ProviderAdapter): RequestContext => ({
  request: {
    model: "m",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  } as ChatCompletionRequest,
  deployment: { provider: adapter.id, model: "m", apiKey: "key-0123456789abcdef", params: {} },
  callId: "call-f1",
});

async function* bytesOf(buffer: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}
async function transform(adapter: ProviderAdapter, name: string, readSize = 11) {
  const transformer = adapter.chat!.createStreamTransformer(ctxFor(adapter));
  const chunks: ChatCompletionChunk[] = [];
  for await (const read of decodeSse(bytesOf(fixture(name), readSize))) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  return chunks;
}
const mapError = (adapter: ProviderAdapter, status: number, name: string) =>
  adapter.mapError(
    { status, headers: {}, body: fixture(name).toString("utf8") },
    ctxFor(adapter).deployment,
  );

describe("family streams", () => {
  it("groq: x_groq usage becomes the usage chunk, reasoning mirrored, whole tool call kept", async () => {
    const chunks = await transform(groqProvider, "groq-stream-x-groq.sse");
    expect(chunks[1]?.choices[0]?.delta).toMatchObject({
      reasoning: "User wants weather.",
      reasoning_content: "User wants weather.",
    });
    expect(chunks[2]?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({
      index: 0,
      id: "call_g1",
      function: { name: "get_weather" },
    });
    expect(chunks[3]?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks[3]?.usage).toBeUndefined();
    expect(chunks.at(-1)).toMatchObject({
      id: "chatcmpl-3f1c2a9e-groq",
      choices: [],
      usage: { prompt_tokens: 40, completion_tokens: 10, total_tokens: 50 },
    });
    expect(chunks).toHaveLength(5);
  });

  it("openrouter: comments skipped, reasoning mirrored, its usage chunk kept once", async () => {
    const chunks = await transform(openrouterProvider, "openrouter-stream.sse", 3);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hej 👋");
    expect(chunks[0]?.choices[0]?.delta.reasoning_content).toBe("Short answer.");
    const usageChunks = chunks.filter((c) => c.usage);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]).toMatchObject({
      choices: [],
      usage: { total_tokens: 19, cost: 0.000141 },
    });
  });

  it("openrouter: an error event after HTTP 200 throws with its status", async () => {
    const transformer = openrouterProvider.chat!.createStreamTransformer(
      ctxFor(openrouterProvider),
    );
    const seen: ChatCompletionChunk[] = [];
    let error: unknown;
    try {
      for await (const read of decodeSse(bytesOf(fixture("openrouter-stream-error.sse"), 64))) {
        for (const event of read.events) seen.push(...transformer.onEvent(event));
      }
    } catch (e) {
      error = e;
    }
    expect(seen.map((c) => c.choices[0]?.delta.content).join("")).toBe("The answer");
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(502);
    expect((error as UpstreamError).retryable).toBe(true);
  });

  it("together: eos is stop with the raw reason kept, usage on the last content chunk moved out", async () => {
    const chunks = await transform(togetherAiProvider, "together-stream-eos.sse");
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]).toMatchObject({
      finish_reason: "stop",
      provider_finish_reason: "eos",
    });
    expect(finish?.choices[0]?.delta.content).toBe("!");
    expect(finish?.usage).toBeUndefined();
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 14 } });
    expect(togetherAiProvider.chat!.isPassthrough?.(ctxFor(togetherAiProvider))).toBe(false);
  });

  it("deepseek: reasoning_content passes, cache hits become cached_tokens", async () => {
    const chunks = await transform(deepseekProvider, "deepseek-stream-reasoning.sse", 5);
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      "9.11 < 9.9",
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("9.9 is larger.");
    expect(chunks.at(-1)?.usage).toMatchObject({
      prompt_tokens: 16,
      completion_tokens: 24,
      prompt_tokens_details: { cached_tokens: 10 },
      completion_tokens_details: { reasoning_tokens: 18 },
    });
  });
});

describe("family completions", () => {
  it("xai: empty finish_reason with tool calls is tool_calls; reasoning folded into completion tokens", () => {
    const completion = xaiProvider.chat!.parseResponse(
      {
        status: 200,
        headers: {},
        body: fixture("xai-completion-tool-calls.json").toString("utf8"),
      },
      ctxFor(xaiProvider),
    );
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      provider_finish_reason: "",
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 30,
      completion_tokens: 312,
      total_tokens: 342,
    });
    expect(
      xaiProvider.chat!.isPassthrough?.({
        ...ctxFor(xaiProvider),
        request: { ...ctxFor(xaiProvider).request, stream: false },
      }),
    ).toBe(false);
  });
});

describe("family errors", () => {
  it("openrouter 402 keeps its message and numeric code", () => {
    const error = mapError(openrouterProvider, 402, "openrouter-error-402.json");
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(402);
    expect(error.code).toBe("402");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Insufficient credits");
  });

  it("openrouter 403 moderation is a content-policy error", () => {
    const error = mapError(openrouterProvider, 403, "openrouter-error-403-moderation.json");
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.message).toContain("(flagged: violence/graphic)");
  });

  it("openrouter 502 names the upstream provider's own error and is retryable", () => {
    const error = mapError(openrouterProvider, 502, "openrouter-error-502-upstream.json");
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("Provider returned error (Anthropic:");
    expect(error.message).toContain("overloaded_error");
  });

  it("groq 498 flex capacity is a retryable 503", () => {
    const error = mapError(groqProvider, 498, "groq-error-498-flex.json");
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.retryable).toBe(true);
  });

  it("groq 413 over the tokens-per-minute limit is a rate limit", () => {
    const error = mapError(groqProvider, 413, "groq-error-413-tpm.json");
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.message).toContain("tokens per minute");
  });

  it("groq 429 reads retry-after", () => {
    const error = groqProvider.mapError(
      {
        status: 429,
        headers: { "retry-after": "4" },
        body: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
      },
      ctxFor(groqProvider).deployment,
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(4000);
  });
});
