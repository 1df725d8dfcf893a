import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicOverloadedError,
  anthropicRateLimitError,
  anthropicStreamEvents,
  generateContentResponder,
  geminiOverloadedError,
  geminiRateLimitError,
  messagesResponder,
  sse,
  startFakeAnthropic,
  startFakeGemini,
  startFakeVertexAi,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { describeProviderConformance } from "./provider-conformance.ts";

const ANTHROPIC_KEY = "sk-ant-upstream-key";
const GEMINI_KEY = "AIzaSyFakeKey-0123456789abcdefghijk";
const VERTEX_TOKEN = "ya29.fake-vertex-access-token";
const VERTEX_PROJECT = "test-project";

// Anthropic, Gemini and Vertex AI behind one gateway, driven by the official OpenAI SDK.
let anthropic: FakeServer;
let gemini: FakeServer;
let vertex: FakeServer;
let gateway: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  [anthropic, gemini, vertex] = await Promise.all([
    startFakeAnthropic({ apiKey: ANTHROPIC_KEY }),
    startFakeGemini({ apiKey: GEMINI_KEY }),
    startFakeVertexAi({ accessToken: VERTEX_TOKEN, project: VERTEX_PROJECT }),
  ]);
  const claude = (key: string) => ({
    model: "anthropic/claude-sonnet-4-5-20250929",
    api_key: key,
    api_base: anthropic.url,
  });
  const flash = (key: string) => ({
    model: "gemini/gemini-2.5-flash",
    api_key: key,
    api_base: gemini.url,
  });
  const vertexFlash = (token: string) => ({
    model: "vertex_ai/gemini-2.5-flash",
    vertex_project: VERTEX_PROJECT,
    vertex_location: "us-central1",
    vertex_credentials: token,
    api_base: vertex.url,
  });
  gateway = await startTestGateway({
    config: {
      model_list: [
        { model_name: "claude", litellm_params: claude(ANTHROPIC_KEY) },
        { model_name: "claude-bad-key", litellm_params: claude("sk-ant-wrong") },
        // Its own group: exhausting its retries cools it down.
        {
          model_name: "claude-limited",
          litellm_params: { ...claude(ANTHROPIC_KEY), num_retries: 1 },
        },
        { model_name: "flash", litellm_params: flash(GEMINI_KEY) },
        {
          model_name: "flash-bad-key",
          litellm_params: flash("AIzaSyWrongKey-000000000000000000000"),
        },
        { model_name: "vertex-flash", litellm_params: vertexFlash(VERTEX_TOKEN) },
        { model_name: "vertex-flash-bad-token", litellm_params: vertexFlash("ya29.expired") },
      ],
    },
  });
  client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([anthropic?.close(), gemini?.close(), vertex?.close()]);
});

describeProviderConformance({
  name: "anthropic",
  model: "claude",
  badCredentialModel: "claude-bad-key",
  badCredentialStatus: 401,
  upstream: () => anthropic,
  client: () => client,
  retryableError: () => anthropicOverloadedError({ retryAfter: 0 }),
  chatPath: "/v1/messages",
});

describeProviderConformance({
  name: "gemini",
  model: "flash",
  badCredentialModel: "flash-bad-key",
  // Gemini answers a bad key with 400 API_KEY_INVALID; it is an authentication failure.
  badCredentialStatus: 401,
  upstream: () => gemini,
  client: () => client,
  retryableError: () => geminiOverloadedError(),
  chatPath: "/v1beta/models/",
});

describeProviderConformance({
  name: "vertex_ai",
  model: "vertex-flash",
  badCredentialModel: "vertex-flash-bad-token",
  badCredentialStatus: 401,
  upstream: () => vertex,
  client: () => client,
  retryableError: () => geminiRateLimitError({ retryDelaySeconds: 0 }),
  chatPath: "/v1/projects/",
});

describe("stream edge cases", () => {
  it("reassembles unicode split across upstream reads (Anthropic, 3-byte writes)", async () => {
    anthropic.enqueue(messagesResponder({ stream: { splitWrites: 3 } }));
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "héllo 🌍 日本語 ✓" }],
      stream: true,
    });
    let content = "";
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    expect(content).toBe("echo: héllo 🌍 日本語 ✓");
  });

  it("reassembles events cut mid-line (Gemini)", async () => {
    gemini.enqueue(
      generateContentResponder(
        { model: "gemini-2.5-flash", stream: true, sse: true },
        { stream: { splitWrites: "mid-line" } },
      ),
    );
    const stream = await client.chat.completions.create({
      model: "flash",
      messages: [{ role: "user", content: "cut every line in half" }],
      stream: true,
    });
    let content = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(content).toBe("echo: cut every line in half");
    expect(finish).toBe("stop");
  });

  it("streams a tool call with no text content (Anthropic)", async () => {
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "Call get_weather for Lima" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
      stream: true,
    });
    let content = "";
    let args = "";
    let name: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      content += delta?.content ?? "";
      for (const call of delta?.tool_calls ?? []) {
        name = call.function?.name ?? name;
        args += call.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(content).toBe("");
    expect(name).toBe("get_weather");
    expect(JSON.parse(args)).toEqual({ city: expect.any(String) });
    expect(finish).toBe("tool_calls");
  });

  it("turns a mid-stream upstream error into an error the client sees", async () => {
    anthropic.enqueue(
      sse(
        anthropicStreamEvents({
          text: ["partial ", "answer ", "never ", "finished"],
          truncateAfter: 4,
          error: { type: "overloaded_error", message: "Overloaded" },
        }),
      ),
    );
    const stream = await client.chat.completions.create({
      model: "claude",
      messages: [{ role: "user", content: "start then fail" }],
      stream: true,
    });
    let content = "";
    const error = await (async () => {
      for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
    })().catch((e: unknown) => e);
    expect(content).toMatch(/^partial /);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toMatch(/overloaded/i);
  });

  it("cancels the upstream request when the client aborts a stream", async () => {
    anthropic.enqueue(
      messagesResponder({
        reply: () => Array.from({ length: 200 }, (_, i) => `word${i}`).join(" "),
        stream: { delayMs: 50 },
      }),
    );
    const before = anthropic.requests.length;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "claude", messages: [{ role: "user", content: "a long answer" }], stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    // The SDK ends the iteration quietly (or with an abort error) once its signal aborts.
    await (async () => {
      for await (const _ of stream) {
        if (++chunks === 3) controller.abort();
      }
    })().catch(() => undefined);
    expect(chunks).toBe(3);
    // The gateway stopped reading and closed its upstream request long before the answer ended.
    await anthropic.waitFor((requests) => requests[before]?.aborted === true, 10_000);
  });
});

describe("rate limits", () => {
  it("surfaces 429 with retry-after when retries are exhausted", async () => {
    anthropic.enqueue(
      anthropicRateLimitError({ retryAfter: 1 }),
      anthropicRateLimitError({ retryAfter: 1 }),
    );
    const before = anthropic.callCount("/v1/messages");
    const error = await client.chat.completions
      .create({ model: "claude-limited", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const apiError = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiError.status).toBe(429);
    expect(Number(apiError.headers?.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // num_retries: 1 on the deployment: one retry, after the upstream's retry-after.
    expect(anthropic.callCount("/v1/messages") - before).toBe(2);
  });
});
