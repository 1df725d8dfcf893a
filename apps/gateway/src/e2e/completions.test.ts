import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openaiChunks, openaiErrorBody, sse, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The official OpenAI SDK's legacy completions against the gateway, served by a chat deployment.
describe("/v1/completions with the openai SDK", () => {
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
        ],
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });
  beforeEach(() => upstream.reset());
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const lastUpstreamBody = () => upstream.requests.at(-1)?.json as Record<string, unknown>;

  it("answers a text completion from a chat completion", async () => {
    const completion = await client.completions.create({
      model: "gpt-4o",
      prompt: "Say this is a test",
      max_tokens: 50,
      temperature: 0,
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.choices).toEqual([
      { text: "echo: Say this is a test", index: 0, logprobs: null, finish_reason: "stop" },
    ]);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(lastUpstreamBody()).toEqual({
      model: "gpt-4o-2024-08-06",
      messages: [{ role: "user", content: "Say this is a test" }],
      max_tokens: 50,
      temperature: 0,
    });
  });

  it("defaults max_tokens to 16, as OpenAI does", async () => {
    const completion = await client.completions.create({
      model: "gpt-4o",
      // The fake upstream echoes the prompt, one fake token per word: longer than 16 tokens.
      prompt: Array.from({ length: 30 }, (_, i) => `word${i}`).join(" "),
    });
    expect(lastUpstreamBody()["max_tokens"]).toBe(16);
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });

  it("echoes the prompt", async () => {
    const completion = await client.completions.create({
      model: "gpt-4o",
      prompt: "Hi.",
      echo: true,
    });
    expect(completion.choices[0]?.text).toBe("Hi.echo: Hi.");
  });

  it("streams text_completion chunks and ends with [DONE]", async () => {
    const stream = await client.completions.create({
      model: "gpt-4o",
      prompt: "stream these words please",
      stream: true,
    });
    let text = "";
    let finish: string | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe("text_completion");
      // Usage was not asked for: no usage-only chunk reaches the client.
      expect(chunk.choices.length).toBeGreaterThan(0);
      text += chunk.choices[0]?.text ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(chunks).toBeGreaterThan(2);
    expect(text).toBe("echo: stream these words please");
    expect(finish).toBe("stop");
  });

  it("streams a usage chunk when stream_options.include_usage is set", async () => {
    const stream = await client.completions.create({
      model: "gpt-4o",
      prompt: "count me",
      stream: true,
      stream_options: { include_usage: true },
    });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it("refuses token-array prompts and several prompts with a clear 400", async () => {
    const tokens = await client.completions
      .create({ model: "gpt-4o", prompt: [1212, 318, 257, 1332] })
      .catch((e: unknown) => e);
    expect(tokens).toBeInstanceOf(OpenAI.BadRequestError);
    expect((tokens as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("prompt");
    expect((tokens as Error).message).toMatch(/Token-array prompts are not supported/);

    const several = await client.completions
      .create({ model: "gpt-4o", prompt: ["a", "b"] })
      .catch((e: unknown) => e);
    expect(several).toBeInstanceOf(OpenAI.BadRequestError);
    expect((several as Error).message).toMatch(/Only one prompt per request/);

    const suffix = await client.completions
      .create({ model: "gpt-4o", prompt: "def f(", suffix: "return x" })
      .catch((e: unknown) => e);
    expect((suffix as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("suffix");
    expect(upstream.requests).toHaveLength(0);
  });

  it("surfaces an error in the middle of a stream as an APIError", async () => {
    const chunks = openaiChunks({
      content: ["partial ", "answer"],
      finishReason: null,
      done: false,
    });
    upstream.enqueue(sse([...chunks, JSON.stringify(openaiErrorBody(500))], { delayMs: 20 }));
    const stream = await client.completions.create({ model: "gpt-4o", prompt: "x", stream: true });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe("partial answer");
  });
});
