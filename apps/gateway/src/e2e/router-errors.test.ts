import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  openaiContextLengthError,
  openaiError,
  openaiRateLimitError,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Context-window fallbacks and what a client sees of upstream failures, through the running
// gateway with the official openai SDK.
describe("router errors and context-window fallbacks", () => {
  type FakeName = "small" | "large" | "auth" | "broken" | "limited";
  const fakes = {} as Record<FakeName, FakeServer>;
  let gateway: TestGateway;
  let client: OpenAI;

  const deployment = (name: string, fake: FakeServer, extra: Record<string, unknown> = {}) => ({
    model_name: name,
    litellm_params: {
      model: "openai/gpt-4o",
      api_key: "sk-upstream-right-key",
      api_base: `${fake.url}/v1`,
      ...extra,
    },
  });

  beforeAll(async () => {
    const [small, large, auth, broken, limited] = await Promise.all([
      startFakeOpenAI(),
      startFakeOpenAI(),
      startFakeOpenAI({ apiKey: "sk-upstream-right-key" }),
      startFakeOpenAI(),
      startFakeOpenAI(),
    ]);
    Object.assign(fakes, { small, large, auth, broken, limited });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            ...deployment("small", small!, { model: "openai/gpt-4o-mini" }),
            model_info: { max_input_tokens: 50 },
          },
          deployment("large", large!),
          deployment("bad-key", auth!, { api_key: "sk-upstream-wrong-key-0000" }),
          deployment("broken", broken!),
          deployment("limited", limited!, { num_retries: 1 }),
        ],
        router_settings: {
          enable_pre_call_checks: true,
          context_window_fallbacks: [{ small: ["large"] }],
        },
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });

  beforeEach(() => {
    for (const fake of Object.values(fakes)) fake.reset();
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
  });

  const chat = (model: string, content: string) =>
    client.chat.completions.create({ model, messages: [{ role: "user", content }] }).withResponse();
  const failure = (model: string, content = "hello") =>
    chat(model, content).then(
      () => {
        throw new Error(`expected ${model} to fail`);
      },
      (error: unknown) => {
        if (!(error instanceof OpenAI.APIError)) throw error;
        return error;
      },
    );

  describe("context window", () => {
    it("falls back to the larger model when the small one says the prompt is too long", async () => {
      fakes.small.enqueue(openaiContextLengthError({ maxTokens: 50, requestedTokens: 60 }));
      const { data, response } = await chat("small", "short enough for the check");

      expect(data.choices[0]?.message.content).toBe("echo: short enough for the check");
      expect(response.headers.get("x-litellm-model-group")).toBe("large");
      expect(response.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
      // A context-window error is not retried on the same model: straight to the fallback.
      expect(fakes.small.callCount("/v1/chat/completions")).toBe(1);
      expect(fakes.large.callCount("/v1/chat/completions")).toBe(1);
    });

    it("with enable_pre_call_checks, sends an oversized prompt straight to the larger model", async () => {
      const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");
      const { data, response } = await chat("small", long);

      expect(data.choices[0]?.message.content).toBe(`echo: ${long}`);
      expect(response.headers.get("x-litellm-model-group")).toBe("large");
      expect(fakes.small.callCount()).toBe(0);
      expect(fakes.large.callCount("/v1/chat/completions")).toBe(1);
    });

    it("streams from the larger model too", async () => {
      fakes.small.enqueue(openaiContextLengthError());
      const { data: stream, response } = await client.chat.completions
        .create({
          model: "small",
          messages: [{ role: "user", content: "stream it" }],
          stream: true,
        })
        .withResponse();
      let text = "";
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
      expect(text).toBe("echo: stream it");
      expect(response.headers.get("x-litellm-model-group")).toBe("large");
    });
  });

  describe("upstream failures as the client sees them", () => {
    it("says that the PROVIDER rejected the deployment's credentials on its 401", async () => {
      const error = await failure("bad-key");

      // LiteLLM's status (401), but a message that cannot be mistaken for the gateway refusing
      // the caller's own key.
      expect(error.status).toBe(401);
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.message).toMatch(/upstream provider \(openai\) rejected the credentials/i);
      expect(error.message).toContain('model group "bad-key"');
      expect(error.message).toMatch(/not your key to this gateway/i);
      // The provider's own words are kept, without the key it echoed.
      expect(error.message).toContain("Incorrect API key provided");
      expect(error.message).not.toContain("sk-upstream-wrong-key-0000");
      // Not retried: another try with the same key cannot succeed.
      expect(fakes.auth.callCount("/v1/chat/completions")).toBe(1);
    });

    it("answers a 5xx envelope after retrying an upstream 500", async () => {
      fakes.broken.setDefault(openaiError(500));
      const error = await failure("broken");

      expect(error.status).toBeGreaterThanOrEqual(500);
      expect(error.error).toMatchObject({
        message: expect.stringContaining("The server had an error while processing your request"),
        type: expect.any(String),
      });
      // The first try plus num_retries (default 2).
      expect(fakes.broken.callCount("/v1/chat/completions")).toBe(3);
    });

    it("passes a 429 on with its retry-after when there is no fallback", async () => {
      fakes.limited.setDefault(openaiRateLimitError({ retryAfter: 1 }));
      const error = await failure("limited");

      expect(error).toBeInstanceOf(OpenAI.RateLimitError);
      expect(error.status).toBe(429);
      expect(error.headers?.get("retry-after")).toBe("1");
      expect(error.error).toMatchObject({ message: expect.stringContaining("Rate limit reached") });
      // The deployment's num_retries (1), waiting the upstream's retry-after in between.
      expect(fakes.limited.callCount("/v1/chat/completions")).toBe(2);
      const [first, second] = fakes.limited.requests;
      expect(second!.timestamp - first!.timestamp).toBeGreaterThanOrEqual(900);
    });
  });
});
