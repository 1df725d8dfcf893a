import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  callChat,
  createUndiciTransport,
  GatewayError,
  InvalidRequestError,
  ProviderRegistry,
  RateLimitError,
  ServiceUnavailableError,
  openaiCompatible,
  UpstreamError,
  type ChatCallResult,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ChatStreamPart,
  type ProviderDeployment,
} from "@org/core";
import { sse } from "../fake-server/sse.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { startFakeOpenAI } from "../openai/fake-openai.ts";
import { openaiChunks } from "../openai/openai-chunks.ts";
import { openaiUsage } from "../openai/openai-usage.ts";
import { groqFlexCapacityError, groqRateLimitError } from "./groq-error.ts";
import { openrouterError, openrouterErrorChunk } from "./openrouter-error.ts";

const { deepseekProvider, groqProvider, hostedVllmProvider, openrouterProvider } = openaiCompatible;

const KEY = "sk-family-e2e-0123456789";
const registry = new ProviderRegistry([
  groqProvider,
  openrouterProvider,
  deepseekProvider,
  hostedVllmProvider,
]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const chat = (
  provider: string,
  request: Partial<ChatCompletionRequest>,
  overrides: Partial<ProviderDeployment> = {},
) =>
  callChat({
    registry,
    transport,
    deployment: {
      provider,
      model: "some-model",
      apiKey: KEY,
      apiBase: `${fake!.url}/v1`,
      params: {},
      ...overrides,
    },
    callId: "call-family-e2e",
    request: { model: "alias", messages: [{ role: "user", content: "hello family" }], ...request },
  });
async function partsOf(result: ChatCallResult): Promise<ChatStreamPart[]> {
  if (result.kind !== "stream") throw new Error("expected a stream");
  const parts: ChatStreamPart[] = [];
  for await (const part of result.parts) parts.push(part);
  return parts;
}
const chunksOf = async (result: ChatCallResult): Promise<ChatCompletionChunk[]> =>
  (await partsOf(result)).flatMap((part) => part.chunks);

describe("groq end to end", () => {
  it("answers a non-streamed call with bearer auth", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const result = await chat("groq", { temperature: 0 });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices[0]?.message.content).toBe("echo: hello family");
    expect(fake.requests[0]?.pathname).toBe("/v1/chat/completions");
    expect(fake.requests[0]?.json).toMatchObject({ model: "some-model", temperature: 0 });
  });

  it("streams with injected include_usage and ends with the usage chunk", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY, stream: { splitWrites: "mid-line" } });
    const result = await chat("groq", { stream: true });
    expect(result.kind === "stream" && result.passthrough).toBe(false);
    const chunks = await chunksOf(result);
    expect(fake.requests[0]?.json).toMatchObject({ stream_options: { include_usage: true } });
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(
      "echo: hello family",
    );
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
  });

  it("refuses logprobs before sending anything", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const error = await chat("groq", { logprobs: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).message).toContain(
      "groq does not support parameters: 'logprobs'",
    );
    expect(fake.requests).toHaveLength(0);
  });

  it("reports 429 retry-after, then succeeds; 498 is a retryable 503", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    fake.enqueue(groqRateLimitError(3), groqFlexCapacityError());
    const limited = await chat("groq", { stream: true }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterMs).toBe(3000);
    const flex = await chat("groq", {}).catch((e: unknown) => e);
    expect(flex).toBeInstanceOf(ServiceUnavailableError);
    expect((flex as ServiceUnavailableError).retryable).toBe(true);
    expect((await chat("groq", {})).kind).toBe("response");
  });
});

describe("openrouter end to end", () => {
  it("relays a stream byte for byte (usage always included, none requested)", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const payloads = openaiChunks({
      content: ["Hej", " 👋"],
      includeUsage: true,
      usage: openaiUsage(5, 2),
    });
    const body = sse(payloads);
    fake.enqueue(body);
    const result = await chat(
      "openrouter",
      { stream: true },
      { params: { or_app_name: "gateway-tests" } },
    );
    expect(result.kind === "stream" && result.passthrough).toBe(true);
    const parts = await partsOf(result);
    expect(fake.requests[0]?.json).not.toHaveProperty("stream_options");
    expect(fake.requests[0]?.headers["x-title"]).toBe("gateway-tests");
    const relayed = Buffer.concat(parts.map((part) => part.raw ?? new Uint8Array()));
    expect(relayed.equals(Buffer.concat(body.writes))).toBe(true);
    expect(parts.flatMap((p) => p.chunks).at(-1)?.usage?.total_tokens).toBe(7);
  });

  it("throws the mid-stream error after the text that came before it", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const [role, text] = openaiChunks({ content: ["The answer"], finishReason: null, done: false });
    fake.enqueue(
      sse([": OPENROUTER PROCESSING\n\n", role!, text!, openrouterErrorChunk({ status: 502 })]),
    );
    const result = await chat("openrouter", { stream: true });
    if (result.kind !== "stream") throw new Error("expected a stream");
    const seen: ChatCompletionChunk[] = [];
    let error: unknown;
    try {
      for await (const part of result.parts) seen.push(...part.chunks);
    } catch (e) {
      error = e;
    }
    expect(seen.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("The answer");
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).status).toBe(502);
  });

  it("maps its numeric-code error body", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    fake.enqueue(openrouterError(402, "Insufficient credits"));
    const error = await chat("openrouter", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(402);
    expect((error as GatewayError).message).toBe("Insufficient credits");
  });
});

describe("deepseek and hosted_vllm end to end", () => {
  it("deepseek streams reasoning_content through", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    fake.enqueue(sse(openaiChunks({ reasoning: ["think"], content: ["ok"], includeUsage: true })));
    const chunks = await chunksOf(await chat("deepseek", { stream: true }));
    expect(chunks.map((c) => c.choices[0]?.delta.reasoning_content ?? "").join("")).toBe("think");
    expect(chunks.at(-1)?.choices).toEqual([]);
  });

  it("hosted_vllm without api_base fails before sending", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const error = await chat("hosted_vllm", {}, { apiBase: undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).param).toBe("api_base");
    expect((await chat("hosted_vllm", {})).kind).toBe("response");
  });
});
