import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { RequestContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { decodeSse } from "../../stream/sse-decoder.ts";
import { ContextWindowExceededError, UpstreamError } from "../../errors/gateway-error.ts";
import { openaiProvider } from "./openai-provider.ts";

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
const chat = openaiProvider.chat!;

const deployment: ProviderDeployment = {
  provider: "openai",
  model: "gpt-4o-2024-08-06",
  apiKey: "sk-test-123456789",
  params: {},
};
const ctxFor = (
  request: Partial<ChatCompletionRequest>,
  overrides: Partial<ProviderDeployment> = {},
): RequestContext => ({
  request: {
    model: "my-alias",
    messages: [{ role: "user", content: "hi" }],
    ...request,
  } as ChatCompletionRequest,
  deployment: { ...deployment, ...overrides },
  callId: "call-1",
});

async function* bytesOf(buffer: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

async function transform(name: string, readSize: number): Promise<ChatCompletionChunk[]> {
  const transformer = chat.createStreamTransformer(ctxFor({ stream: true }));
  const chunks: ChatCompletionChunk[] = [];
  for await (const read of decodeSse(bytesOf(fixture(name), readSize))) {
    for (const event of read.events) chunks.push(...transformer.onEvent(event));
  }
  chunks.push(...transformer.onEnd());
  return chunks;
}

describe("openai chat adapter: buildRequest", () => {
  it("targets the default base with bearer auth and forwards every field, model replaced", async () => {
    const request = await chat.buildRequest(
      ctxFor({
        temperature: 0.2,
        top_k: 5,
        reasoning_effort: "low",
        user: "u1",
        some_future_field: { x: 1 },
      }),
    );
    expect(request.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(request.method).toBe("POST");
    expect(request.headers.authorization).toBe("Bearer sk-test-123456789");
    expect(request.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(request.body as string);
    expect(body).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      top_k: 5,
      reasoning_effort: "low",
      user: "u1",
      some_future_field: { x: 1 },
    });
    expect(Object.keys(body)[0]).toBe("model");
  });

  it("honours api_base (vLLM, LM Studio), extra headers and organization, without a key", async () => {
    const request = await chat.buildRequest(
      ctxFor(
        {},
        {
          apiKey: undefined,
          apiBase: "http://localhost:8000/v1/",
          extraHeaders: { "X-Team": "blue" },
          params: { organization: "org-42" },
        },
      ),
    );
    expect(request.url).toBe("http://localhost:8000/v1/chat/completions");
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers["x-team"]).toBe("blue");
    expect(request.headers["openai-organization"]).toBe("org-42");
  });

  it("strips gateway-only fields and LiteLLM metadata, keeps metadata with store", async () => {
    const stripped = JSON.parse(
      (
        await chat.buildRequest(
          ctxFor({
            mock_response: "x",
            fallbacks: ["b"],
            num_retries: 2,
            metadata: { tags: ["t"] },
            api_key: "sk-leak",
          }),
        )
      ).body as string,
    );
    expect(stripped).not.toHaveProperty("mock_response");
    expect(stripped).not.toHaveProperty("fallbacks");
    expect(stripped).not.toHaveProperty("num_retries");
    expect(stripped).not.toHaveProperty("metadata");
    expect(stripped).not.toHaveProperty("api_key");

    const stored = JSON.parse(
      (await chat.buildRequest(ctxFor({ store: true, metadata: { run: "7" } }))).body as string,
    );
    expect(stored.metadata).toEqual({ run: "7" });
  });

  it("merges extra_body into the body", async () => {
    const body = JSON.parse(
      (await chat.buildRequest(ctxFor({ extra_body: { guided_json: { type: "object" } } })))
        .body as string,
    );
    expect(body.guided_json).toEqual({ type: "object" });
    expect(body).not.toHaveProperty("extra_body");
  });

  it("injects include_usage on streams that lack it and is then not passthrough", async () => {
    const ctx = ctxFor({ stream: true, stream_options: { include_obfuscation: false } as never });
    const body = JSON.parse((await chat.buildRequest(ctx)).body as string);
    expect(body.stream_options).toEqual({ include_obfuscation: false, include_usage: true });
    expect(chat.isPassthrough?.(ctx)).toBe(false);
    // The client's own request object is untouched.
    expect(ctx.request.stream_options).toEqual({ include_obfuscation: false });
  });

  it("is passthrough when the client asked for usage itself, and for non-streamed calls", async () => {
    const streamed = ctxFor({ stream: true, stream_options: { include_usage: true } });
    expect(JSON.parse((await chat.buildRequest(streamed)).body as string).stream_options).toEqual({
      include_usage: true,
    });
    expect(chat.isPassthrough?.(streamed)).toBe(true);
    expect(chat.isPassthrough?.(ctxFor({}))).toBe(true);
  });
});

describe("openai chat adapter: parseResponse", () => {
  it("parses a tool-call completion", () => {
    const completion = chat.parseResponse(
      {
        status: 200,
        headers: {},
        body: fixture("chat-completion-tool-call.json").toString("utf8"),
      },
      ctxFor({}),
    );
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.content).toBeNull();
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function).toEqual({
      name: "lookup_tide",
      arguments: '{"harbor":"Bergen"}',
    });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 42,
      completion_tokens: 12,
      total_tokens: 54,
    });
  });

  it("keeps unknown fields and unicode", () => {
    const completion = chat.parseResponse(
      { status: 200, headers: {}, body: fixture("chat-completion-text.json").toString("utf8") },
      ctxFor({}),
    );
    expect(completion.choices[0]?.message.content).toBe("Grüße aus Bergen 🌊");
    expect(completion.x_vendor_extra).toEqual({ kept: true });
  });

  it("treats an error object inside a 200 as an error", () => {
    const body = fixture("error-vllm-flat.json").toString("utf8");
    expect(() => chat.parseResponse({ status: 200, headers: {}, body }, ctxFor({}))).toThrow(
      ContextWindowExceededError,
    );
  });

  it("rejects a body that is not a chat completion", () => {
    expect(() =>
      chat.parseResponse({ status: 200, headers: {}, body: '{"hello":1}' }, ctxFor({})),
    ).toThrow(UpstreamError);
    expect(() =>
      chat.parseResponse({ status: 200, headers: {}, body: "<html>" }, ctxFor({})),
    ).toThrow(UpstreamError);
  });

  it("folds compat-family finish reasons into OpenAI's", () => {
    const body = JSON.stringify({
      id: "x",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "eos" }],
    });
    const completion = chat.parseResponse({ status: 200, headers: {}, body }, ctxFor({}));
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.choices[0]?.message.content).toBeNull();
  });
});

describe("openai chat adapter: stream transformer", () => {
  it.each([1, 7, 64, 100_000])(
    "maps tool-call deltas and the usage chunk (reads of %i bytes)",
    async (size) => {
      const chunks = await transform("chat-stream-tool-calls.sse", size);
      expect(chunks).toHaveLength(7);
      expect(chunks[0]?.choices[0]?.delta).toEqual({
        role: "assistant",
        content: "",
        refusal: null,
      });
      const calls = chunks.flatMap((chunk) =>
        chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
      );
      expect(calls.map((call) => call.index)).toEqual([0, 0, 0, 1]);
      expect(calls[0]).toMatchObject({
        id: "call_fx3a",
        type: "function",
        function: { name: "lookup_tide" },
      });
      expect(
        calls
          .filter((call) => call.index === 0)
          .map((call) => call.function?.arguments)
          .join(""),
      ).toBe('{"harbor":"Bergen"}');
      expect(chunks[5]?.choices[0]?.finish_reason).toBe("tool_calls");
      expect(chunks[6]?.choices).toEqual([]);
      expect(chunks[6]?.usage).toMatchObject({
        prompt_tokens: 58,
        completion_tokens: 21,
        total_tokens: 79,
      });
    },
  );

  it("keeps unicode content intact across 1-byte reads", async () => {
    const chunks = await transform("chat-stream-text.sse", 1);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Grüße aus 東京 🌊");
  });

  it("ignores events after [DONE]", () => {
    const transformer = chat.createStreamTransformer(ctxFor({ stream: true }));
    expect(transformer.onEvent({ data: "[DONE]" })).toEqual([]);
    expect(transformer.onEvent({ data: '{"choices":[]}' })).toEqual([]);
    expect(transformer.onEnd()).toEqual([]);
  });

  it("throws mapped errors for mid-stream error payloads", () => {
    const transformer = chat.createStreamTransformer(ctxFor({ stream: true }));
    expect(() =>
      transformer.onEvent({
        data: '{"error":{"message":"The server had an error","type":"server_error"}}',
      }),
    ).toThrow(UpstreamError);
    const other = chat.createStreamTransformer(ctxFor({ stream: true }));
    expect(() =>
      other.onEvent({ event: "error", data: '{"error":{"message":"overloaded"}}' }),
    ).toThrow(UpstreamError);
    const vllm = chat.createStreamTransformer(ctxFor({ stream: true }));
    expect(() =>
      vllm.onEvent({ data: '{"object":"error","message":"bad","code":400}' }),
    ).toThrowError(expect.objectContaining({ status: 400 }));
  });

  it("fails a stream that ends with neither [DONE] nor a finish reason", () => {
    const transformer = chat.createStreamTransformer(ctxFor({ stream: true }));
    transformer.onEvent({
      data: '{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}',
    });
    expect(() => transformer.onEnd()).toThrowError(
      expect.objectContaining({ code: "stream_truncated" }),
    );
  });

  it("accepts a stream that finished but lost [DONE]", () => {
    const transformer = chat.createStreamTransformer(ctxFor({ stream: true }));
    transformer.onEvent({
      data: '{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
    });
    expect(transformer.onEnd()).toEqual([]);
  });
});
