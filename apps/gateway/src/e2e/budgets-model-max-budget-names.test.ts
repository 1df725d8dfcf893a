import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A key's model_max_budget names models the way LiteLLM matches them: the model group, the model
// as requested, or the requested model without its provider prefix. A key limited on `gpt-4o`
// called `openai/gpt-4o` through an `openai/*` wildcard with no limit at all, on every route.

// Priced high, as in budgets-hierarchy.test.ts: a few requests spend the budget.
const PRICE = 0.01;
const MAX = 0.25;

describe("model_max_budget under the names a model is called by", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const params = {
      api_key: "sk-up",
      api_base: `${upstream.url}/v1`,
      input_cost_per_token: PRICE,
      output_cost_per_token: PRICE,
    };
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "gpt-4o", litellm_params: { model: "openai/gpt-4o", ...params } },
          { model_name: "cheap", litellm_params: { model: "openai/gpt-4o-mini", ...params } },
          { model_name: "openai/*", litellm_params: { model: "openai/*", ...params } },
        ],
        router_settings: { model_group_alias: { "gpt-4o-latest": "gpt-4o" } },
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const limitedKey = async () =>
    (
      await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
        model_max_budget: { "gpt-4o": { budget_limit: MAX, time_period: "1d" } },
      })
    ).key;

  type Call = (key: string, model: string) => Promise<unknown>;
  const chat: Call = (key, model) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model,
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });
  const messages: Call = (key, model) =>
    new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 }).messages.create({
      model,
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });
  const responses: Call = (key, model) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 }).responses.create({
      model,
      max_output_tokens: 16,
      input: "hi",
    });

  /** Calls until refused: at least one served, then LiteLLM's per-model budget refusal. */
  async function exhaust(call: Call, key: string, model: string): Promise<string> {
    for (let served = 0; served < 15; served++) {
      const before = upstream.callCount();
      const error = await call(key, model).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) continue;
      const apiError = error as { status?: number; message?: string };
      expect(apiError.status, String(error)).toBe(400);
      expect(apiError.message).toContain("Model=gpt-4o Current cost: ");
      expect(upstream.callCount(), "a refused request must not reach the upstream").toBe(before);
      expect(served).toBeGreaterThan(0);
      return apiError.message!;
    }
    throw new Error(`model_max_budget never refused ${model}`);
  }

  it.each([
    ["chat", chat],
    ["/v1/messages", messages],
    ["/v1/responses", responses],
  ] as const)(
    "openai/gpt-4o through the wildcard answers to the key's gpt-4o budget (%s)",
    async (_, call) => {
      const key = await limitedKey();
      await exhaust(call, key, "openai/gpt-4o");
      // The budget is one: the group's name is refused too, other models are not.
      await expect(chat(key, "gpt-4o")).rejects.toMatchObject({ status: 400 });
      await expect(chat(key, "cheap")).resolves.toBeTruthy();
      await expect(chat(key, "openai/gpt-4o-mini")).resolves.toBeTruthy();
    },
  );

  it("spend under the group's name counts against openai/gpt-4o, and an alias of the group", async () => {
    const key = await limitedKey();
    await exhaust(chat, key, "gpt-4o");
    await expect(chat(key, "openai/gpt-4o")).rejects.toMatchObject({ status: 400 });
    await expect(chat(key, "gpt-4o-latest")).rejects.toMatchObject({ status: 400 });
  });

  it("openai/gpt-4o named as a body fallback is refused for a key with a gpt-4o budget", async () => {
    const key = await limitedKey();
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "cheap",
        fallbacks: ["openai/gpt-4o"],
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "fallback_model_limited",
    );
  });
});
