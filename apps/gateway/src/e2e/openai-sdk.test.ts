import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The official OpenAI SDK, configured only with baseURL and a key, against the running gateway.
describe("openai SDK against the gateway", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream-secret" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o-2024-08-06",
              api_key: "sk-upstream-secret",
              api_base: `${upstream.url}/v1`,
            },
          },
          {
            model_name: "text-embedding-3-small",
            litellm_params: {
              model: "openai/text-embedding-3-small",
              api_key: "sk-upstream-secret",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("answers a chat completion", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hello gateway" }],
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.choices[0]?.message.content).toBe("echo: hello gateway");
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(upstream.requests.at(-1)?.json).toMatchObject({ model: "gpt-4o-2024-08-06" });
  });

  it("streams chunks", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "stream these words please" }],
      stream: true,
    });
    let text = "";
    let chunks = 0;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      // Usage was not asked for: no usage-only chunk reaches the client.
      expect(chunk.choices.length).toBeGreaterThan(0);
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe("echo: stream these words please");
    expect(finish).toBe("stop");
  });

  it("streams a usage chunk when stream_options.include_usage is set", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "count me" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it("creates embeddings", async () => {
    const result = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: ["one", "two"],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(0);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("lists models", async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id).sort();
    expect(ids).toEqual(["gpt-4o", "text-embedding-3-small"]);
  });

  it("rejects a bad key with AuthenticationError (401)", async () => {
    const bad = new OpenAI({ baseURL: gateway.baseURL, apiKey: "sk-wrong", maxRetries: 0 });
    const calls = upstream.requests.length;
    const error = await bad.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401);
    expect(upstream.requests.length).toBe(calls);
  });
});
