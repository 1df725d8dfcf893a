import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  azureRateLimitError,
  bedrockThrottlingError,
  cohereRateLimitError,
  converseStreamReply,
  defaultConverseAnswer,
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_REGION,
  FAKE_AWS_SECRET_ACCESS_KEY,
  groqRateLimitError,
  json,
  mistralCompletion,
  openaiChunks,
  mistralRateLimitError,
  ollamaChatResponder,
  ollamaError,
  openaiCompletion,
  openaiRateLimitError,
  sse,
  startFakeAzureOpenAI,
  startFakeBedrock,
  startFakeCohere,
  startFakeMistral,
  startFakeOllama,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import {
  describeProviderConformance,
  jsonAwareReply,
  weatherTool,
} from "./provider-conformance.ts";

const COHERE_KEY = "co-upstream-key";
const OLLAMA_KEY = "ollama-proxy-key";
const AZURE_KEY = "azure-upstream-key";
const MISTRAL_KEY = "mistral-upstream-key";
const COMPATIBLE_KEY = "gsk-upstream-key";

// Bedrock (SigV4 checked by the fake), Azure OpenAI, Cohere, Ollama, Mistral and two members of
// the OpenAI-compatible family (Groq, Together AI) behind one gateway, driven by the official
// OpenAI SDK.
let bedrock: FakeServer;
let azure: FakeServer;
let cohere: FakeServer;
let ollama: FakeServer;
let mistral: FakeServer;
/** The OpenAI fake stands in for Groq and Together AI (their wire format). */
let compatible: FakeServer;
let gateway: TestGateway;
let client: OpenAI;

const TOOL_ANSWER = "It is sunny, 24C in Paris.";
const toolCallAnswer = () =>
  json(
    openaiCompletion({
      toolCalls: [{ id: "call_w1", name: "get_weather", arguments: { city: "Paris" } }],
    }),
  );

const streamedToolCall = () =>
  sse(
    openaiChunks({
      toolCalls: [{ id: "call_w2", name: "get_weather", arguments: ['{"city"', ':"Paris"}'] }],
      includeUsage: true,
    }),
  );

beforeAll(async () => {
  [bedrock, azure, cohere, ollama, mistral, compatible] = await Promise.all([
    startFakeBedrock(),
    startFakeAzureOpenAI({ apiKey: AZURE_KEY, reply: jsonAwareReply }),
    startFakeCohere({ apiKey: COHERE_KEY }),
    startFakeOllama({ apiKey: OLLAMA_KEY, models: ["llama3.2:latest"] }),
    startFakeMistral({ apiKey: MISTRAL_KEY, reply: jsonAwareReply }),
    startFakeOpenAI({ apiKey: COMPATIBLE_KEY, reply: jsonAwareReply }),
  ]);
  const claude = (secret: string) => ({
    model: "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
    aws_access_key_id: FAKE_AWS_ACCESS_KEY_ID,
    aws_secret_access_key: secret,
    aws_region_name: FAKE_AWS_REGION,
    api_base: bedrock.url,
  });
  const command = (key: string) => ({
    model: "cohere/command-a-03-2025",
    api_key: key,
    api_base: cohere.url,
  });
  const llama = (key: string) => ({
    model: "ollama_chat/llama3.2",
    api_key: key,
    api_base: ollama.url,
  });
  const gpt = (key: string) => ({
    model: "azure/gpt-4o-deployment",
    api_key: key,
    api_base: azure.url,
    api_version: "2024-10-21",
  });
  const small = (key: string) => ({
    model: "mistral/mistral-small-latest",
    api_key: key,
    api_base: `${mistral.url}/v1`,
  });
  const groq = (key: string) => ({
    model: "groq/llama-3.3-70b-versatile",
    api_key: key,
    api_base: `${compatible.url}/v1`,
  });
  const together = (key: string) => ({
    model: "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    api_key: key,
    api_base: `${compatible.url}/v1`,
  });
  gateway = await startTestGateway({
    config: {
      model_list: [
        { model_name: "azure-gpt", litellm_params: gpt(AZURE_KEY) },
        { model_name: "azure-gpt-bad-key", litellm_params: gpt("wrong") },
        { model_name: "mistral-small", litellm_params: small(MISTRAL_KEY) },
        { model_name: "mistral-small-bad-key", litellm_params: small("wrong") },
        { model_name: "groq-llama", litellm_params: groq(COMPATIBLE_KEY) },
        { model_name: "groq-llama-bad-key", litellm_params: groq("wrong") },
        { model_name: "together-llama", litellm_params: together(COMPATIBLE_KEY) },
        { model_name: "together-llama-bad-key", litellm_params: together("wrong") },
        { model_name: "bedrock-claude", litellm_params: claude(FAKE_AWS_SECRET_ACCESS_KEY) },
        { model_name: "bedrock-claude-bad-secret", litellm_params: claude("not-the-secret") },
        { model_name: "command-a", litellm_params: command(COHERE_KEY) },
        { model_name: "command-a-bad-key", litellm_params: command("co-wrong") },
        { model_name: "llama", litellm_params: llama(OLLAMA_KEY) },
        { model_name: "llama-bad-key", litellm_params: llama("wrong") },
      ],
    },
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all(
    [bedrock, azure, cohere, ollama, mistral, compatible].map((fake) => fake?.close()),
  );
});

describeProviderConformance({
  name: "bedrock",
  model: "bedrock-claude",
  badCredentialModel: "bedrock-claude-bad-secret",
  // AWS answers a bad signature with 403 InvalidSignatureException: a credential failure.
  badCredentialStatus: 401,
  upstream: () => bedrock,
  client: () => client,
  retryableError: () => bedrockThrottlingError(),
  chatPath: "/model/",
});

describeProviderConformance({
  name: "cohere",
  model: "command-a",
  badCredentialModel: "command-a-bad-key",
  badCredentialStatus: 401,
  upstream: () => cohere,
  client: () => client,
  retryableError: () => cohereRateLimitError({ retryAfterSeconds: 0 }),
  chatPath: "/v2/chat",
});

describeProviderConformance({
  name: "ollama",
  model: "llama",
  badCredentialModel: "llama-bad-key",
  badCredentialStatus: 401,
  upstream: () => ollama,
  client: () => client,
  retryableError: () =>
    ollamaError(503, "server busy, please try again.  maximum pending requests exceeded"),
  chatPath: "/api/chat",
});

describeProviderConformance({
  name: "azure",
  model: "azure-gpt",
  badCredentialModel: "azure-gpt-bad-key",
  badCredentialStatus: 401,
  upstream: () => azure,
  client: () => client,
  retryableError: () => azureRateLimitError({ retryAfterSeconds: 0 }),
  chatPath: "/openai/deployments/gpt-4o-deployment/chat/completions",
  scriptToolAnswer: () => azure.enqueue(json(openaiCompletion({ content: TOOL_ANSWER }))),
});

describeProviderConformance({
  name: "mistral",
  model: "mistral-small",
  badCredentialModel: "mistral-small-bad-key",
  badCredentialStatus: 401,
  upstream: () => mistral,
  client: () => client,
  retryableError: () => mistralRateLimitError(0),
  chatPath: "/v1/chat/completions",
  scriptToolAnswer: () => mistral.enqueue(json(mistralCompletion({ content: TOOL_ANSWER }))),
});

describeProviderConformance({
  name: "groq",
  model: "groq-llama",
  badCredentialModel: "groq-llama-bad-key",
  badCredentialStatus: 401,
  upstream: () => compatible,
  client: () => client,
  retryableError: () => groqRateLimitError(0),
  chatPath: "/v1/chat/completions",
  scriptToolCall: () => compatible.enqueue(toolCallAnswer()),
  scriptStreamedToolCall: () => compatible.enqueue(streamedToolCall()),
  scriptToolAnswer: () => compatible.enqueue(json(openaiCompletion({ content: TOOL_ANSWER }))),
});

describeProviderConformance({
  name: "together_ai",
  model: "together-llama",
  badCredentialModel: "together-llama-bad-key",
  badCredentialStatus: 401,
  upstream: () => compatible,
  client: () => client,
  retryableError: () => openaiRateLimitError({ retryAfter: 0 }),
  chatPath: "/v1/chat/completions",
  scriptToolCall: () => compatible.enqueue(toolCallAnswer()),
  scriptStreamedToolCall: () => compatible.enqueue(streamedToolCall()),
  scriptToolAnswer: () => compatible.enqueue(json(openaiCompletion({ content: TOOL_ANSWER }))),
});

describe("azure stream shape", () => {
  // Azure opens streams with a non-chunk (`object: ""`, `id: ""`, `choices: []`, only
  // `prompt_filter_results`); clients indexing `choices[0]` break on it, and LiteLLM does not
  // send it. The Azure adapter therefore never relays stream bytes as they are, even when the
  // client asked for usage.
  it("sends only real chunks (no prompt_filter_results opener)", async () => {
    const stream = await client.chat.completions.create({
      model: "azure-gpt",
      messages: [{ role: "user", content: "hello azure" }],
      stream: true,
      // With usage asked for by the client, the adapter relays Azure's bytes unchanged.
      stream_options: { include_usage: true },
    });
    const objects: string[] = [];
    for await (const chunk of stream) objects.push(chunk.object);
    expect(objects.every((object) => object === "chat.completion.chunk")).toBe(true);
  });
});

describe("stream edge cases", () => {
  // Ollama sends the calls whole, next to `content: ""`, with no id and `done_reason: "stop"`.
  it("streams a tool call whose content is empty (Ollama)", async () => {
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "Call get_weather for Quito" }],
      tools: [weatherTool],
      stream: true,
    });
    let content = "";
    let args = "";
    let name: string | undefined;
    let id: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      content += delta?.content ?? "";
      for (const call of delta?.tool_calls ?? []) {
        id = call.id ?? id;
        name = call.function?.name ?? name;
        args += call.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(content).toBe("");
    expect(id).toMatch(/\S/);
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: expect.any(String) });
    expect(finish).toBe("tool_calls");
  });

  it("reassembles NDJSON lines cut in the middle, unicode included (Ollama)", async () => {
    ollama.enqueue(ollamaChatResponder({ stream: { splitWrites: "mid-line" } }));
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "naïve café 🍵 東京" }],
      stream: true,
    });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toBe("echo: naïve café 🍵 東京");
  });

  it("reassembles binary event-stream frames cut mid-frame (Bedrock)", async () => {
    bedrock.enqueue((req) =>
      converseStreamReply(defaultConverseAnswer(req.json as Record<string, unknown>), {
        chunkSize: 2,
        splitWrites: 7,
      }),
    );
    const stream = await client.chat.completions.create({
      model: "bedrock-claude",
      messages: [{ role: "user", content: "frames in pieces ✓ ünïcödé" }],
      stream: true,
    });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toBe("echo: frames in pieces ✓ ünïcödé");
  });

  it("turns an Ollama error line mid-stream into an error the client sees", async () => {
    ollama.enqueue({
      kind: "reply",
      status: 200,
      headers: { "content-type": "application/x-ndjson" },
      writes: [
        `${JSON.stringify({ model: "llama3.2", created_at: new Date().toISOString(), message: { role: "assistant", content: "partial " }, done: false })}\n`,
        `${JSON.stringify({ error: "an error was encountered while running the model" })}\n`,
      ].map((line) => new TextEncoder().encode(line)),
      firstByteDelayMs: 0,
      delayMs: 0,
      endWith: "close",
    });
    const stream = await client.chat.completions.create({
      model: "llama",
      messages: [{ role: "user", content: "fail midway" }],
      stream: true,
    });
    let content = "";
    const error = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(content).toBe("partial ");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain("error was encountered");
  });
});
