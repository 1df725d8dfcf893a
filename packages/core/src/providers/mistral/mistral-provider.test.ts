import { describe, expect, it } from "vitest";
import { fixtureFiles, inReadsOf, runStream } from "../../__fixtures__/adapter-test-kit.ts";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { EmbeddingContext, RequestContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { InvalidRequestError, UpstreamError } from "../../errors/gateway-error.ts";
import { mistralProvider } from "./mistral-provider.ts";

const files = fixtureFiles(new URL("./__fixtures__/", import.meta.url));
const fixture = files.text;
const chat = mistralProvider.chat!;
const embeddings = mistralProvider.embeddings!;
const deployment: ProviderDeployment = {
  provider: "mistral",
  model: "mistral-small-latest",
  apiKey: "mistral-key-abcdef",
  params: {},
};
const ctx: RequestContext = {
  request: {
    model: "m",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
  } as ChatCompletionRequest,
  deployment,
  callId: "call-m2",
};

function transform(name: string, readSize: number): Promise<ChatCompletionChunk[]> {
  return runStream(chat.createStreamTransformer(ctx), inReadsOf(files.bytes(name), readSize));
}
const parse = (name: string) =>
  chat.parseResponse({ status: 200, headers: {}, body: fixture(name) }, ctx);

describe("mistral: non-streamed responses", () => {
  it("turns tool calls into OpenAI's (type, string arguments, null content)", () => {
    const completion = parse("chat-completion-tool-calls.json");
    expect(completion.id).toBe("chatcmpl-cf79f7daaee244b1a0ae5c7b1444424a");
    const message = completion.choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.tool_calls).toEqual([
      {
        id: "D681PevKs",
        type: "function",
        function: { name: "get_weather", arguments: '{"city": "Oslo"}' },
        index: 0,
      },
      {
        id: "Xq2Lm9Tz4",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
        index: 1,
      },
    ]);
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.usage).toMatchObject({
      prompt_tokens: 155,
      completion_tokens: 19,
      total_tokens: 174,
    });
  });

  it("splits magistral content chunks into content and reasoning_content", () => {
    const message = parse("chat-completion-magistral.json").choices[0]?.message;
    expect(message?.content).toBe("6 × 7 = **42**.");
    expect(message?.reasoning_content).toBe("The user asks for 6 times 7. That is 42.");
  });

  it("maps model_length to length and keeps the raw reason", () => {
    const choice = parse("chat-completion-model-length.json").choices[0];
    expect(choice?.finish_reason).toBe("length");
    expect(choice?.provider_finish_reason).toBe("model_length");
  });

  it("is never relayed byte for byte", () => {
    expect(chat.isPassthrough?.({ ...ctx, request: { ...ctx.request, stream: false } })).toBe(
      false,
    );
  });
});

describe("mistral: streams", () => {
  it.each([1, 5, 50])(
    "streams text split every %i bytes, usage moved to its own chunk",
    async (size) => {
      const chunks = await transform("chat-stream-text.sse", size);
      expect(chunks.every((chunk) => chunk.id === "chatcmpl-7f3e9a1b2c4d")).toBe(true);
      expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe(
        "Grüße aus 東京 🌊",
      );
      const finish = chunks.at(-2);
      expect(finish?.choices[0]?.finish_reason).toBe("stop");
      expect(finish?.usage).toBeUndefined();
      expect(chunks.at(-1)).toMatchObject({
        id: "chatcmpl-7f3e9a1b2c4d",
        object: "chat.completion.chunk",
        model: "mistral-small-2503",
        choices: [],
        usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 },
      });
    },
  );

  it("numbers whole tool calls that come without index", async () => {
    const chunks = await transform("chat-stream-tool-calls.sse", 17);
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      {
        id: "Ab3dE5fG7",
        type: "function",
        index: 0,
        function: { name: "get_weather", arguments: '{"city": "Oslo"}' },
      },
      {
        id: "Hj8kL1mN2",
        type: "function",
        index: 1,
        function: { name: "get_time", arguments: "{}" },
      },
    ]);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)?.usage?.total_tokens).toBe(131);
  });

  it("streams magistral thinking as reasoning_content", async () => {
    const chunks = await transform("chat-stream-magistral.sse", 9);
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe(
      "Six sevens",
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("42");
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("length");
  });

  it("throws on an error event in the stream", () => {
    const transformer = chat.createStreamTransformer(ctx);
    expect(() =>
      transformer.onEvent({
        data: '{"object":"error","message":"Internal error","type":"internal_error","param":null,"code":"1000"}',
      }),
    ).toThrow(UpstreamError);
  });

  it("reports a stream cut before any finish", () => {
    const transformer = chat.createStreamTransformer(ctx);
    transformer.onEvent({
      data: '{"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"par"},"finish_reason":null}]}',
    });
    expect(() => transformer.onEnd()).toThrow(UpstreamError);
  });
});

describe("mistral: embeddings", () => {
  const ectx = (request: Partial<EmbeddingRequest>): EmbeddingContext => ({
    request: { model: "e", input: ["a", "b"], ...request } as EmbeddingRequest,
    deployment: { ...deployment, model: "mistral-embed" },
    callId: "e1",
  });

  it("sends dimensions as output_dimension and leaves out user", async () => {
    const request = await embeddings.buildRequest(
      ectx({ dimensions: 256, user: "u1", encoding_format: "float" }),
    );
    expect(request.url).toBe("https://api.mistral.ai/v1/embeddings");
    expect(JSON.parse(String(request.body))).toEqual({
      model: "mistral-embed",
      input: ["a", "b"],
      encoding_format: "float",
      output_dimension: 256,
    });
  });

  it("refuses token arrays", async () => {
    await expect(embeddings.buildRequest(ectx({ input: [[1, 2, 3]] }))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it("parses Mistral's response", () => {
    const response = embeddings.parseResponse(
      { status: 200, headers: {}, body: fixture("embeddings.json") },
      ectx({}),
    );
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.usage.prompt_tokens).toBe(15);
  });
});
