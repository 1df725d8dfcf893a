import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  callChat,
  callEmbedding,
  ContextWindowExceededError,
  createUndiciTransport,
  GatewayError,
  mistralProvider,
  ProviderRegistry,
  RateLimitError,
  type ChatCallResult,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  type ProviderDeployment,
} from "@org/core";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { mistralContextLengthError, mistralRateLimitError } from "./mistral-error.ts";
import { startFakeMistral } from "./fake-mistral.ts";

const KEY = "mistral-e2e-key-012345";
const registry = new ProviderRegistry([mistralProvider]);
const transport = createUndiciTransport();
let fake: FakeServer | undefined;
afterEach(() => fake?.close());
afterAll(() => transport.close());

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "mistral",
  model: "mistral-small-latest",
  apiKey: KEY,
  apiBase: `${fake!.url}/v1`,
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
    callId: "call-mistral-e2e",
    request: { model: "m", messages: [{ role: "user", content: "bonjour" }], ...request },
  });
async function chunksOf(result: ChatCallResult): Promise<ChatCompletionChunk[]> {
  if (result.kind !== "stream") throw new Error("expected a stream");
  const chunks: ChatCompletionChunk[] = [];
  for await (const part of result.parts) chunks.push(...part.chunks);
  return chunks;
}

describe("mistral end to end (callChat against the fake)", () => {
  it("answers an OpenAI-style request that Mistral's strict schema accepts", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    const result = await chat({
      seed: 7,
      max_completion_tokens: 50,
      stream_options: { include_usage: true },
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "user", content: "bonjour", name: "ana" },
      ],
    });
    if (result.kind !== "response") throw new Error("expected a response");
    expect(result.completion.choices[0]?.message.content).toBe("echo: bonjour");
    expect(result.completion.id).toMatch(/^chatcmpl-/);
    expect(result.rawBody).toBeUndefined();
    expect(fake.requests[0]?.json).toMatchObject({ random_seed: 7, max_tokens: 50 });
  });

  it("round-trips a tool call from a stream into the next turn", async () => {
    fake = await startFakeMistral({ apiKey: KEY, stream: { splitWrites: 5 } });
    const tools = [
      {
        type: "function" as const,
        function: { name: "get_weather", parameters: { type: "object" } },
      },
    ];
    const chunks = await chunksOf(
      await chat({
        stream: true,
        tools,
        tool_choice: "required",
        messages: [{ role: "user", content: "use get_weather" }],
      }),
    );
    expect(fake.requests[0]?.json).toMatchObject({ tool_choice: "any" });
    const call = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])[0];
    expect(call).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "{}" },
    });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 8 } });

    const next = await chat({
      tools,
      messages: [
        { role: "user", content: "use get_weather" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: call!.id!, type: "function", function: { name: "get_weather", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: call!.id!, content: "sunny" },
        { role: "user", content: "and now?" },
      ],
    });
    expect(next.kind).toBe("response");
  });

  it("maps OpenAI tool-call ids so Mistral accepts a conversation from another provider", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    const result = await chat({
      messages: [
        { role: "user", content: "weather?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_abcdefghijklmnop",
              type: "function",
              function: { name: "w", arguments: "{}" },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_abcdefghijklmnop", content: "sunny" },
      ],
    });
    expect(result.kind).toBe("response");
  });

  it("refuses an unsupported param before sending, or drops it", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    const error = await chat({ logprobs: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).message).toContain(
      "mistral does not support parameters: 'logprobs'",
    );
    expect(fake.requests).toHaveLength(0);
    expect((await chat({ logprobs: true }, { dropParams: true })).kind).toBe("response");
  });

  it("reports the fake's 422 for a field Mistral forbids", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    const error = await chat({ some_openai_only_field: 1 }).catch((e: unknown) => e);
    expect((error as GatewayError).status).toBe(422);
    expect((error as GatewayError).message).toBe(
      "some_openai_only_field: Extra inputs are not permitted",
    );
  });

  it("maps 429 with retry-after and a context-length 400", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    fake.enqueue(mistralRateLimitError(3), mistralContextLengthError());
    const limited = await chat({ stream: true }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfterMs).toBe(3000);
    expect(await chat({}).catch((e: unknown) => e)).toBeInstanceOf(ContextWindowExceededError);
  });

  it("embeds with output_dimension", async () => {
    fake = await startFakeMistral({ apiKey: KEY });
    const result = await callEmbedding({
      registry,
      transport,
      deployment: deployment({ model: "mistral-embed" }),
      callId: "e",
      request: { model: "e", input: ["a", "b"], dimensions: 16, user: "u" },
    });
    expect(result.response.data[0]?.embedding).toHaveLength(16);
    expect(fake.requests[0]?.json).toMatchObject({ output_dimension: 16 });
  });
});
