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

  // The hold and the charge go to the requested model's per-model lines: a fallback onto a
  // model with its own per-model budget or rate limit on the key would escape it.
  for (const [name, limits] of [
    ["model_max_budget", { model_max_budget: { dear: { budget_limit: 0.000001 } } }],
    ["model_rpm_limit", { model_rpm_limit: { dear: 1 } }],
  ] as const) {
    it(`a fallback onto a model the key has a ${name} for is a 400, the upstream never called`, async () => {
      const limited = (
        await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
          models: ["cheap", "dear"],
          ...limits,
        })
      ).key;
      const before = upstream.callCount();
      const refused = await ask(limited, { fallbacks: ["dear"] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
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
