import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MOCK_REPLY, defaultConfig } from "../config/index.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The built-in default config: a `mock` model answers with no provider key and no network.
describe("built-in mock model", () => {
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    gateway = await startTestGateway({ config: defaultConfig() });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });
  afterAll(() => gateway?.close());

  it("answers a chat completion", async () => {
    const completion = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]?.message.content).toBe(DEFAULT_MOCK_REPLY);
    expect(completion.choices[0]?.finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("streams the mock answer in several chunks", async () => {
    const stream = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    expect(pieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe(DEFAULT_MOCK_REPLY);
  });

  it("mock_response in the request body overrides the text", async () => {
    const completion = await client.chat.completions.create({
      model: "mock",
      messages: [{ role: "user", content: "hi" }],
      // @ts-expect-error LiteLLM's extension
      mock_response: "custom answer",
    });
    expect(completion.choices[0]?.message.content).toBe("custom answer");
  });

  it("mock_response naming an error simulates a failure with its status", async () => {
    const error = await client.chat.completions
      .create({
        model: "mock",
        messages: [{ role: "user", content: "hi" }],
        // @ts-expect-error LiteLLM's extension
        mock_response: "litellm.RateLimitError",
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  it("serves mock embeddings", async () => {
    const result = await client.embeddings.create({ model: "mock-embedding", input: "abc" });
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
  });
});
