import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  anthropicOverloadedError,
  openaiRateLimitError,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { loadConfig, type LoadedConfig } from "../config/index.ts";
import { examplePath } from "../testing/examples-dir.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The repo's example config (examples/config.yaml), unchanged: gpt-4o -> claude-sonnet ->
// gemini-pro with num_retries 3. Only each deployment's api_base is pointed at a fake upstream.
const EXAMPLE_CONFIG = examplePath("config.yaml");

const KEYS = {
  OPENAI_API_KEY: "sk-openai-example-key",
  ANTHROPIC_API_KEY: "sk-ant-example-key",
  GEMINI_API_KEY: "gemini-example-key",
};

/**
 * The loaded config with each group's deployments sent to the given api_base. Every deployment
 * that would reach the network must have one (the built-in mock provider never does).
 */
function withApiBases(loaded: LoadedConfig, bases: Record<string, string>): LoadedConfig {
  const modelList = loaded.router.modelList.map((entry) => {
    if (entry.litellm_params.model.startsWith("mock/")) return entry;
    const apiBase = bases[entry.model_name];
    if (apiBase === undefined) throw new Error(`no fake upstream for "${entry.model_name}"`);
    return { ...entry, litellm_params: { ...entry.litellm_params, api_base: apiBase } };
  });
  return { ...loaded, router: { ...loaded.router, modelList } };
}

describe("the example config's fallback chain", () => {
  let openai: FakeServer;
  let anthropic: FakeServer;
  let gemini: FakeServer;
  let gateway: TestGateway;
  let client: OpenAI;
  const idOf = (group: string) =>
    gateway.gateway.deps.router.deployments().find((d) => d.modelName === group)?.id;

  beforeAll(async () => {
    [openai, anthropic, gemini] = await Promise.all([
      startFakeOpenAI({ apiKey: KEYS.OPENAI_API_KEY }),
      startFakeAnthropic({ apiKey: KEYS.ANTHROPIC_API_KEY }),
      startFakeGemini({ apiKey: KEYS.GEMINI_API_KEY }),
    ]);
    const loaded = await loadConfig({ path: EXAMPLE_CONFIG, env: KEYS });
    // The file as written: three chat groups, num_retries 3, one fallback chain.
    expect(loaded.router.modelList.map((m) => m.model_name)).toEqual(
      expect.arrayContaining(["gpt-4o", "claude-sonnet", "gemini-pro"]),
    );
    expect(loaded.router.settings).toMatchObject({
      num_retries: 3,
      fallbacks: [{ "gpt-4o": ["claude-sonnet", "gemini-pro"] }],
    });
    gateway = await startTestGateway({
      loaded: withApiBases(loaded, {
        "gpt-4o": `${openai.url}/v1`,
        "claude-sonnet": anthropic.url,
        "gemini-pro": gemini.url,
        "text-embedding-3-small": `${openai.url}/v1`,
      }),
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  }, 60_000);

  beforeEach(() => {
    for (const fake of [openai, anthropic, gemini]) fake.reset();
    // OpenAI is rate limited for good; retry-after 0 asks for no particular wait.
    openai.setDefault(openaiRateLimitError({ retryAfter: 0 }));
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([openai?.close(), anthropic?.close(), gemini?.close()]);
  });

  it("retries gpt-4o num_retries times, then answers once from claude-sonnet", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hello fallback" }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe("echo: hello fallback");
    expect(response.headers.get("x-litellm-model-group")).toBe("claude-sonnet");
    expect(response.headers.get("x-litellm-model-id")).toBe(idOf("claude-sonnet"));
    expect(response.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
    expect(response.headers.get("x-litellm-attempted-retries")).toBe("3");
    // The first try plus num_retries (3), each with the key from OPENAI_API_KEY.
    expect(openai.callCount("/v1/chat/completions")).toBe(4);
    expect(
      openai.requests.every((r) => r.headers["authorization"] === `Bearer ${KEYS.OPENAI_API_KEY}`),
    ).toBe(true);
    expect(anthropic.callCount("/v1/messages")).toBe(1);
    expect(anthropic.requests[0]?.headers["x-api-key"]).toBe(KEYS.ANTHROPIC_API_KEY);
    expect(anthropic.requests[0]?.json).toMatchObject({ model: "claude-sonnet-4-6" });
    expect(gemini.callCount()).toBe(0);
  });

  it("does the same for a stream", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "stream the fallback" }],
        stream: true,
      })
      .withResponse();
    let text = "";
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }

    expect(text).toBe("echo: stream the fallback");
    expect(finish).toBe("stop");
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-litellm-model-group")).toBe("claude-sonnet");
    expect(response.headers.get("x-litellm-model-id")).toBe(idOf("claude-sonnet"));
    expect(openai.callCount("/v1/chat/completions")).toBe(4);
    expect(anthropic.callCount("/v1/messages")).toBe(1);
    expect(anthropic.requests[0]?.json).toMatchObject({ stream: true });
    expect(gemini.callCount()).toBe(0);
  });

  it("goes on to gemini-pro when claude-sonnet is overloaded too", async () => {
    anthropic.setDefault(anthropicOverloadedError());
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "last resort" }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe("echo: last resort");
    expect(response.headers.get("x-litellm-model-group")).toBe("gemini-pro");
    expect(response.headers.get("x-litellm-model-id")).toBe(idOf("gemini-pro"));
    expect(response.headers.get("x-litellm-attempted-fallbacks")).toBe("2");
    // Each group with its own num_retries before the next one in the chain.
    expect(openai.callCount("/v1/chat/completions")).toBe(4);
    expect(anthropic.callCount("/v1/messages")).toBe(4);
    expect(gemini.callCount()).toBe(1);
    expect(gemini.requests[0]?.pathname).toBe("/v1beta/models/gemini-2.5-pro:generateContent");
    expect(gemini.requests[0]?.headers["x-goog-api-key"]).toBe(KEYS.GEMINI_API_KEY);
  });

  it("the file's model_group_alias sends gpt-4 to the gpt-4o group and its fallback chain", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4", messages: [{ role: "user", content: "by alias" }] })
      .withResponse();

    expect(data.choices[0]?.message.content).toBe("echo: by alias");
    expect(openai.callCount("/v1/chat/completions")).toBe(4);
    expect(openai.requests[0]?.json).toMatchObject({ model: "gpt-4o" });
    expect(response.headers.get("x-litellm-model-group")).toBe("claude-sonnet");
  });
});
