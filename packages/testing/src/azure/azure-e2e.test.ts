import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  azureProvider,
  callChat,
  callEmbedding,
  ContentPolicyError,
  createUndiciTransport,
  NotFoundError,
  ProviderRegistry,
  RateLimitError,
  type ChatCallResult,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ProviderDeployment,
} from "@org/core";
import { sse } from "../fake-server/sse.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { azureChunks } from "./azure-chunks.ts";
import { azureRateLimitError } from "./azure-error.ts";
import { startFakeAzureOpenAI } from "./fake-azure.ts";

const KEY = "azure-e2e-key-0123456789";
const registry = new ProviderRegistry([azureProvider]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "azure",
  model: "chat4o",
  apiKey: KEY,
  apiBase: fake!.url,
  apiVersion: "2024-10-21",
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
    callId: "call-azure-e2e",
    request: {
      model: "azure-gpt",
      messages: [{ role: "user", content: "hello Oslo" }],
      ...request,
    },
  });

async function chunksOf(result: ChatCallResult): Promise<ChatCompletionChunk[]> {
  if (result.kind !== "stream") throw new Error("expected a stream");
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of result.parts) chunks.push(...part.chunks);
  return chunks;
}

describe("azure end to end (callChat against the fake)", () => {
  it("answers a non-streamed call", async () => {
    fake = await startFakeAzureOpenAI({
      apiKey: KEY,
      deployments: { chat4o: "gpt-4o-2024-11-20" },
    });
    const result = await chat({ temperature: 0.2 });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.model).toBe("gpt-4o-2024-11-20");
    expect(result.completion.choices[0]?.message.content).toBe("echo: hello Oslo");
    expect(result.rawBody).toContain("prompt_filter_results");
    expect(result.upstreamHeaders["x-ms-region"]).toBe("Sweden Central");
    const sent = fake.requests[0]!;
    expect(sent.path).toBe("/openai/deployments/chat4o/chat/completions?api-version=2024-10-21");
    expect(sent.headers["api-key"]).toBe(KEY);
    expect(sent.json).toMatchObject({ model: "chat4o", temperature: 0.2 });
  });

  it("streams, asking for usage, dropping the prompt-filter chunk", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY, stream: { splitWrites: 7 } });
    const chunks = await chunksOf(await chat({ stream: true }));
    expect(fake.requests[0]?.json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chunks[0]?.id).toMatch(/^chatcmpl-/);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("echo: hello Oslo");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
  });

  it("streams on an old api-version without stream_options, re-encoded", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY });
    const result = await chat({ stream: true }, { apiVersion: "2024-06-01" });
    // Never a byte relay: Azure's prompt_filter_results opener must not reach clients.
    expect(result.kind === "stream" && result.passthrough).toBe(false);
    const chunks = await chunksOf(result);
    expect(fake.requests[0]?.json).not.toHaveProperty("stream_options");
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("echo: hello Oslo");
  });

  it("uses the v1 path with an Entra ID token", async () => {
    fake = await startFakeAzureOpenAI({
      adToken: "entra-xyz",
      deployments: { chat4o: "gpt-4o-2024-11-20" },
    });
    const result = await chat(
      {},
      { apiVersion: "v1", apiKey: undefined, params: { azure_ad_token: "entra-xyz" } },
    );
    expect(result.kind).toBe("response");
    expect(fake.requests[0]?.path).toBe("/openai/v1/chat/completions");
  });

  it("maps a filtered prompt to ContentPolicyError", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY });
    const error = await chat({
      messages: [{ role: "user", content: "forbidden-topic please" }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect((error as ContentPolicyError).message).toContain("filtered: hate=high");
  });

  it("maps an unknown deployment to a 404", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY, deployments: { other: "gpt-4o" } });
    const error = await chat({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe("DeploymentNotFound");
  });

  it("reports a 429 with retry-after-ms, then succeeds once the limit clears", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY });
    fake.enqueue(azureRateLimitError({ retryAfterSeconds: 2 }));
    const error = await chat({ stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(2000);
    expect((error as RateLimitError).retryable).toBe(true);
    const chunks = await chunksOf(await chat({ stream: true }));
    expect(chunks.at(-1)?.usage).toBeDefined();
  });

  it("passes a content_filter finish through a scripted stream", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY });
    fake.enqueue(
      sse(
        azureChunks({ content: ["The fight"], finishReason: "content_filter", includeUsage: true }),
      ),
    );
    const chunks = await chunksOf(await chat({ stream: true }));
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0]?.finish_reason).toBe("content_filter");
    expect(finish?.choices[0]?.content_filter_results).toMatchObject({
      violence: { filtered: true },
    });
  });

  it("embeds through the deployment path", async () => {
    fake = await startFakeAzureOpenAI({
      apiKey: KEY,
      deployments: { emb: "text-embedding-3-small" },
    });
    const result = await callEmbedding({
      registry,
      transport,
      deployment: deployment({ model: "emb" }),
      callId: "e2e-emb",
      request: { model: "emb", input: ["a", "b"], dimensions: 4 },
    });
    expect(result.response.model).toBe("text-embedding-3-small");
    expect(result.response.data[1]?.embedding).toHaveLength(4);
  });
});
