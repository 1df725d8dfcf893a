import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A key allowed only "cheap" must not reach "dear" by naming it as a fallback in the body
// (`fallbacks`, `context_window_fallbacks`, `content_policy_fallbacks`): LiteLLM checks the
// key's access to every fallback a request names, as it does for `model`. "cheap" always fails
// (a mocked rate limit), so a fallback would be taken at once.

describe("fallbacks sent in the body are access-checked", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "cheap",
            litellm_params: { model: "openai/cheap", mock_response: "litellm.RateLimitError" },
          },
          {
            model_name: "dear",
            litellm_params: {
              model: "openai/dear",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const keyFor = async (models: string[]) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", { models })).key;
  const ask = (key: string, extra: Record<string, unknown>) =>
    new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 }).chat.completions.create({
      model: "cheap",
      messages: [{ role: "user", content: "hi" }],
      ...extra,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);

  for (const [name, extra] of [
    ["fallbacks (list of names)", { fallbacks: ["dear"] }],
    ["fallbacks (LiteLLM's map)", { fallbacks: [{ cheap: ["dear"] }] }],
    ["fallbacks (wildcard entry)", { fallbacks: [{ "*": ["dear"] }] }],
    ["context_window_fallbacks", { context_window_fallbacks: [{ cheap: ["dear"] }] }],
    ["content_policy_fallbacks", { content_policy_fallbacks: ["dear"] }],
  ] as const) {
    it(`${name}: refused with 401 naming the model, the upstream never called`, async () => {
      const key = await keyFor(["cheap"]);
      const before = upstream.callCount();
      const refused = await ask(key, extra).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((refused as Error).message).toContain("dear");
      expect(upstream.callCount()).toBe(before);
    });
  }

  it("a key allowed both models still falls back", async () => {
    const key = await keyFor(["cheap", "dear"]);
    const answer = await ask(key, { fallbacks: ["dear"] });
    expect(answer.choices[0]?.message).toBeDefined();
    expect(upstream.callCount()).toBeGreaterThan(0);
  });
});
