import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AuthenticationError,
  bedrock,
  type ChatCompletionChunk,
  type ChatCompletionRequest,
  ContextWindowExceededError,
  createUndiciTransport,
  decodeAwsEventStream,
  type EmbeddingRequest,
  type ProviderDeployment,
  RateLimitError,
  type Transport,
} from "@org/core";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest } from "../http-client/raw-request.ts";
import {
  FAKE_AWS_ACCESS_KEY_ID,
  FAKE_AWS_REGION,
  FAKE_AWS_SECRET_ACCESS_KEY,
} from "./bedrock-auth.ts";
import { bedrockContextWindowError, bedrockThrottlingError } from "./bedrock-error.ts";
import { converseStreamReply } from "./converse-reply.ts";
import { requestedModelId, startFakeBedrock } from "./fake-bedrock.ts";

const { createBedrockProvider } = bedrock;

const provider = createBedrockProvider();
const CLAUDE = "us.anthropic.claude-3-5-sonnet-20240620-v1:0";

let fake: FakeServer;
let transport: Transport;

beforeAll(async () => {
  fake = await startFakeBedrock();
  transport = createUndiciTransport();
});
afterEach(() => fake.reset());
afterAll(async () => {
  await transport.close();
  await fake.close();
});

function deployment(
  overrides: Partial<ProviderDeployment> = {},
  params: Record<string, unknown> = {},
): ProviderDeployment {
  return {
    provider: "bedrock",
    model: CLAUDE,
    apiBase: fake.url,
    params: {
      aws_access_key_id: FAKE_AWS_ACCESS_KEY_ID,
      aws_secret_access_key: FAKE_AWS_SECRET_ACCESS_KEY,
      aws_region_name: FAKE_AWS_REGION,
      ...params,
    },
    ...overrides,
  };
}

function chatRequest(extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest {
  return {
    model: "bedrock/claude",
    messages: [{ role: "user", content: "Hello Bedrock" }],
    ...extra,
  };
}

async function complete(dep: ProviderDeployment, request: ChatCompletionRequest) {
  const ctx = { deployment: dep, request, callId: "e2e" };
  const upstream = await provider.chat!.buildRequest(ctx);
  const response = await transport.send(upstream);
  const body = await response.text();
  if (response.status !== 200)
    throw provider.mapError({ status: response.status, headers: response.headers, body }, dep);
  return provider.chat!.parseResponse(
    { status: response.status, headers: response.headers, body },
    ctx,
  );
}

async function stream(dep: ProviderDeployment, request: ChatCompletionRequest) {
  const ctx = { deployment: dep, request: { ...request, stream: true }, callId: "e2e" };
  const upstream = await provider.chat!.buildRequest(ctx);
  const response = await transport.send(upstream);
  if (response.status !== 200) {
    const body = await response.text();
    throw provider.mapError({ status: response.status, headers: response.headers, body }, dep);
  }
  expect(response.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
  const transformer = provider.chat!.createStreamTransformer(ctx);
  const chunks: ChatCompletionChunk[] = [];
  let reads = 0;
  try {
    for await (const read of decodeAwsEventStream(response.body)) {
      reads++;
      for (const event of read.events) chunks.push(...transformer.onEvent(event));
    }
    chunks.push(...transformer.onEnd());
  } catch (error) {
    return { chunks, reads, error };
  }
  return { chunks, reads, error: undefined };
}

const text = (chunks: ChatCompletionChunk[]) =>
  chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");

describe("fake Bedrock + Bedrock adapter", () => {
  it("answers Converse with an echo once the SigV4 signature verifies", async () => {
    const completion = await complete(deployment(), chatRequest());
    expect(completion.choices[0]?.message.content).toBe("echo: Hello Bedrock");
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ completion_tokens: 3 });
    const [req] = fake.requests;
    expect(req?.pathname).toBe("/model/us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
    expect(req && requestedModelId(req)).toBe(CLAUDE);
    expect(req?.headers["authorization"]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
  });

  it("verifies signatures over ARN model ids (double-encoded path segments)", async () => {
    const arn =
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0";
    const completion = await complete(deployment({ model: arn }), chatRequest());
    expect(completion.choices[0]?.message.content).toBe("echo: Hello Bedrock");
    expect(requestedModelId(fake.requests[0]!)).toBe(arn);
  });

  it("streams ConverseStream binary frames split mid-frame across TCP writes", async () => {
    fake.setDefault(() =>
      converseStreamReply(
        { content: [{ text: "Frames split in the middle still decode: ✓ ü 🎉" }] },
        { chunkSize: 3, splitWrites: "mid-event", delayMs: 2 },
      ),
    );
    const { chunks, error, reads } = await stream(deployment(), chatRequest());
    expect(error).toBeUndefined();
    expect(reads).toBeGreaterThan(1);
    expect(text(chunks)).toBe("Frames split in the middle still decode: ✓ ü 🎉");
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 10,
      completion_tokens: 5,
      total_tokens: 15,
    });
  });

  it("streams a tool call from the default responder when the prompt names a tool", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
          },
        },
      },
    ];
    const { chunks, error } = await stream(
      deployment(),
      chatRequest({ messages: [{ role: "user", content: "Use get_weather for Oslo" }], tools }),
    );
    expect(error).toBeUndefined();
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(JSON.parse(deltas.map((d) => d.function?.arguments ?? "").join(""))).toEqual({
      city: "sample city",
    });
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("round-trips a tool result: the converted history passes Bedrock's validation", async () => {
    const completion = await complete(
      deployment(),
      chatRequest({
        messages: [
          { role: "assistant", content: "Hi! Ask me about the weather." },
          { role: "user", content: "Weather in Oslo?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
              },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "4°C, rain" },
        ],
      }),
    );
    expect(completion.choices[0]?.message.content).toBe("tool results: 4°C, rain");
  });

  it("throws the mapped RateLimitError for a throttlingException frame mid-stream", async () => {
    fake.enqueue(
      converseStreamReply(
        { content: [{ text: "Some text before the throttle" }] },
        {
          chunkSize: 5,
          splitWrites: 9,
          exception: {
            afterEvents: 3,
            type: "throttlingException",
            message: "Too many tokens, please wait before trying again.",
          },
        },
      ),
    );
    const { chunks, error } = await stream(deployment(), chatRequest());
    // messageStart and two 5-character deltas made it before the exception frame.
    expect(text(chunks)).toBe("Some text ");
    expect(error).toBeInstanceOf(RateLimitError);
  });

  it("maps scripted HTTP errors: throttling and context length", async () => {
    fake.enqueue(bedrockThrottlingError({ headers: { "retry-after": "2" } }));
    await expect(complete(deployment(), chatRequest())).rejects.toMatchObject({
      constructor: RateLimitError,
      retryAfterMs: 2000,
    });
    fake.enqueue(bedrockContextWindowError());
    await expect(complete(deployment(), chatRequest())).rejects.toBeInstanceOf(
      ContextWindowExceededError,
    );
  });

  it("rejects a wrong secret with InvalidSignatureException, mapped to AuthenticationError", async () => {
    const error = await complete(
      deployment({}, { aws_secret_access_key: "not-the-secret" }),
      chatRequest(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(
      /^InvalidSignatureException: The request signature we calculated does not match/,
    );
  });

  it("rejects an unknown access key id and a wrong region", async () => {
    await expect(
      complete(deployment({}, { aws_access_key_id: "AKIAFAKEFAKEFAKEFAKE" }), chatRequest()),
    ).rejects.toThrow(/UnrecognizedClientException/);
    await expect(
      complete(deployment({}, { aws_region_name: "eu-west-1" }), chatRequest()),
    ).rejects.toThrow(/Credential should be scoped to a valid region/);
  });

  it("accepts a Bedrock API key as a Bearer token", async () => {
    const withKey = await startFakeBedrock({ apiKey: "ABSKZmFrZS1iZWRyb2NrLWtleQ" });
    try {
      const dep = { ...deployment({ apiKey: "ABSKZmFrZS1iZWRyb2NrLWtleQ" }), apiBase: withKey.url };
      const completion = await complete(dep, chatRequest());
      expect(completion.choices[0]?.message.content).toBe("echo: Hello Bedrock");
      await expect(complete({ ...dep, apiKey: "wrong" }, chatRequest())).rejects.toBeInstanceOf(
        AuthenticationError,
      );
    } finally {
      await withKey.close();
    }
  });

  it("checks the session token of temporary credentials", async () => {
    const sts = await startFakeBedrock({ sessionToken: "FwoGZXIvYXdzEXAMPLE" });
    try {
      const dep = deployment({ apiBase: sts.url }, { aws_session_token: "FwoGZXIvYXdzEXAMPLE" });
      expect((await complete(dep, chatRequest())).choices[0]?.message.content).toBe(
        "echo: Hello Bedrock",
      );
      await expect(
        complete(deployment({ apiBase: sts.url }), chatRequest()),
      ).rejects.toBeInstanceOf(AuthenticationError);
    } finally {
      await sts.close();
    }
  });

  it("serves Titan and Cohere embeddings through InvokeModel", async () => {
    const embed = async (model: string, request: Partial<EmbeddingRequest>) => {
      const ctx = {
        deployment: deployment({ model }),
        request: { model, input: "x", ...request },
        callId: "emb",
      };
      const upstream = await provider.embeddings!.buildRequest(ctx);
      const response = await transport.send(upstream);
      const body = await response.text();
      expect(response.status).toBe(200);
      return provider.embeddings!.parseResponse(
        { status: 200, headers: response.headers, body },
        ctx,
      );
    };
    const titan = await embed("amazon.titan-embed-text-v2:0", {
      input: "hello there world",
      dimensions: 256,
    });
    expect(titan.data).toHaveLength(1);
    expect((titan.data[0]?.embedding as number[]).length).toBe(256);
    expect(titan.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });

    const cohere = await embed("cohere.embed-english-v3", { input: ["one", "two words"] });
    expect(cohere.data.map((d) => d.index)).toEqual([0, 1]);
    expect(cohere.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({
      texts: ["one", "two words"],
      input_type: "search_document",
    });
  });
});

describe("fake Bedrock on its own", () => {
  it("answers requests without auth with 403 MissingAuthenticationTokenException", async () => {
    const response = await rawRequest(`${fake.url}/model/x/converse`, {
      method: "POST",
      body: "{}",
    });
    expect(response.status).toBe(403);
    expect(response.headers["x-amzn-errortype"]).toMatch(/^MissingAuthenticationTokenException:/);
    expect(JSON.parse(response.text())).toEqual({ message: "Missing Authentication Token" });
  });

  it("applies Bedrock's conversation validation (user first, no blank text, toolConfig with tool blocks)", async () => {
    const open = await startFakeBedrock({ checkAuth: false });
    try {
      const post = (body: unknown) =>
        rawRequest(`${open.url}/model/m/converse`, { method: "POST", body: JSON.stringify(body) });
      const assistantFirst = await post({
        messages: [{ role: "assistant", content: [{ text: "hi" }] }],
      });
      expect(assistantFirst.status).toBe(400);
      expect(JSON.parse(assistantFirst.text()).message).toMatch(/must start with a user message/);
      const blank = await post({ messages: [{ role: "user", content: [{ text: " " }] }] });
      expect(JSON.parse(blank.text()).message).toMatch(/messages\.0\.content\.0 is blank/);
      const noToolConfig = await post({
        messages: [
          { role: "user", content: [{ text: "q" }] },
          { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] },
          {
            role: "user",
            content: [{ toolResult: { toolUseId: "t1", content: [{ text: "r" }] } }],
          },
        ],
      });
      expect(JSON.parse(noToolConfig.text()).message).toMatch(/toolConfig field must be defined/);
    } finally {
      await open.close();
    }
  });
});
