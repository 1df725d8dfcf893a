import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// LiteLLM's cache_params that narrow what is cached: mode default_off (opt in per request) and
// supported_call_types, over HTTP with the OpenAI SDK.

describe("cache_params.mode: default_off and supported_call_types over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    const params = {
      model: "openai/gpt-4o",
      api_key: "sk-upstream",
      api_base: `${upstream.url}/v1`,
    };
    gateway = await startTestGateway({
      config: {
        model_list: [{ model_name: "gpt-4o", litellm_params: params }],
        litellm_settings: {
          cache: true,
          cache_params: {
            type: "local",
            mode: "default_off",
            supported_call_types: ["acompletion", "anthropic_messages"],
          },
        },
      },
    });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("only a request that opts in (cache: {use-cache: true}) is cached; other call types never are", async () => {
    const hitOf = async (extra: Record<string, unknown>) =>
      (
        await openai.chat.completions
          .create({ model: "gpt-4o", messages: [{ role: "user", content: "opt in?" }], ...extra })
          .withResponse()
      ).response.headers.get("x-litellm-cache-hit");
    expect(await hitOf({})).toBeNull();
    expect(await hitOf({})).toBeNull();
    expect(await hitOf({ cache: { "use-cache": true } })).toBeNull();
    expect(await hitOf({ cache: { "use-cache": true } })).toBe("True");
    // Opted out again: not read from the cache.
    expect(await hitOf({})).toBeNull();

    // /v1/responses (aresponses) is not in supported_call_types: never cached, even opted in.
    const responses = () =>
      openai.responses
        .create({ model: "gpt-4o", input: "responses", cache: { "use-cache": true } } as never)
        .withResponse();
    await responses();
    expect((await responses()).response.headers.get("x-litellm-cache-hit")).toBeNull();
  });
});

// LiteLLM's other switch: router_settings.cache_responses (its Router builds the cache when
// litellm_settings did not), in memory here since the router has no Redis.
describe("router_settings.cache_responses over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-upstream",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
        router_settings: { cache_responses: true },
      },
    });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("the second identical request is a hit and never reaches the provider", async () => {
    const ask = () =>
      openai.chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content: "cached by the router?" }] })
        .withResponse();
    const calls = upstream.callCount("/v1/chat/completions");
    const first = await ask();
    const second = await ask();
    expect(first.response.headers.get("x-litellm-cache-hit")).toBeNull();
    expect(second.response.headers.get("x-litellm-cache-hit")).toBe("True");
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
    expect(upstream.callCount("/v1/chat/completions") - calls).toBe(1);
  });
});
