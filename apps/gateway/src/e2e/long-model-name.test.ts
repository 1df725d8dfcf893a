import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_NAME_MAX_CHARS } from "@org/core";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A request's `model` is bounded like a configured model_name (512 characters). Unbounded, any
// key's names up to the body limit (5 MB) were kept as they came: the router's memo of wildcard
// matches (1,000 names, unknown ones too) and the metrics' series (10,000) each held them, about
// 2 MB retained per request of 1 MB names, so a key sending a few thousand such requests could
// exhaust the gateway's memory; behind `openai/*` the name also went upstream.
describe("a model name longer than a configured one can be is a 400 on every model route", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let key: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "openai/*",
            litellm_params: { model: "openai/*", api_key: "sk-up", api_base: `${upstream.url}/v1` },
          },
        ],
      },
    });
    key = (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {})).key;
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const messages = [{ role: "user", content: "hi" }];
  const routes: [string, (model: string) => Record<string, unknown>][] = [
    ["/v1/chat/completions", (model) => ({ model, messages })],
    ["/v1/responses", (model) => ({ model, input: "hi" })],
    ["/v1/completions", (model) => ({ model, prompt: "hi" })],
    ["/v1/messages", (model) => ({ model, max_tokens: 5, messages })],
    ["/v1/messages/count_tokens", (model) => ({ model, messages })],
    ["/v1/embeddings", (model) => ({ model, input: "hi" })],
  ];
  const post = (path: string, body: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const named = (chars: number) => `openai/${"m".repeat(chars - "openai/".length)}`;

  it("one character over: a 400 in the route's envelope naming model, nothing sent upstream", async () => {
    const calls = upstream.callCount();
    for (const [path, body] of routes) {
      const res = await post(path, body(named(MODEL_NAME_MAX_CHARS + 1)));
      const text = await res.text();
      expect(res.status, `${path}: ${text}`).toBe(400);
      expect(text.length, path).toBeLessThan(1000);
      const error = (JSON.parse(text) as { type?: string; error: { message: string } }).error;
      expect(error.message, path).toContain("model");
      if (path.includes("messages")) expect(JSON.parse(text)).toMatchObject({ type: "error" });
      else expect(error).toMatchObject({ param: "model" });
    }
    expect(upstream.callCount()).toBe(calls);
  });

  it("the Azure-style path's deployment is bounded the same (it skips the body's schema)", async () => {
    const calls = upstream.callCount();
    const azure = (model: string) =>
      fetch(
        `${gateway.url}/openai/deployments/${encodeURIComponent(model)}/chat/completions?api-version=2024-10-21`,
        {
          method: "POST",
          headers: { "api-key": key, "content-type": "application/json" },
          // The body names a short model, as SDKs send one: the path's deployment is the one used.
          body: JSON.stringify({ model: "openai/short", messages }),
        },
      );
    const res = await azure(named(MODEL_NAME_MAX_CHARS + 1));
    const text = await res.text();
    expect(res.status, text).toBe(400);
    expect(text.length).toBeLessThan(1000);
    expect((JSON.parse(text) as { error: unknown }).error).toMatchObject({ param: "model" });
    expect(upstream.callCount()).toBe(calls);
    const longest = await azure(named(MODEL_NAME_MAX_CHARS));
    expect(longest.status, await longest.text()).toBe(200);
  });

  it("a name of the longest configurable length is still routed", async () => {
    const res = await post("/v1/chat/completions", {
      model: named(MODEL_NAME_MAX_CHARS),
      messages,
    });
    expect(res.status).toBe(200);
  });
});
