import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  anthropicMessage,
  anthropicUsage,
  json,
  openaiChunks,
  openaiCompletion,
  openaiUsage,
  sse,
  startFakeAnthropic,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A hostile tester's finding: cached prompt tokens were charged at the full input price. Each
// request here gets an upstream answer with cached tokens, and its spend_logs row must hold the
// cache-read price: the catalog's for a catalog model, a custom cache_read_input_token_cost from
// litellm_params where one is set. Prices are written out from the providers' price lists
// (gpt-4o: input 2.5e-6, cache read 1.25e-6, output 1e-5; claude-sonnet-4-5: input 3e-6, cache
// read 3e-7, cache write 3.75e-6, output 1.5e-5), not computed by the code under test.

describe("cached prompt tokens are charged at the cache-read price (spend_logs over HTTP)", () => {
  let openaiUpstream: FakeServer;
  let anthropicUpstream: FakeServer;
  let gateway: TestGateway;
  let key: string;

  beforeAll(async () => {
    openaiUpstream = await startFakeOpenAI();
    anthropicUpstream = await startFakeAnthropic();
    const openai = (name: string, extra: Record<string, unknown> = {}) => ({
      model_name: name,
      litellm_params: {
        model: "openai/gpt-4o",
        api_key: "sk-up",
        api_base: `${openaiUpstream.url}/v1`,
        ...extra,
      },
    });
    const claude = (name: string, extra: Record<string, unknown> = {}) => ({
      model_name: name,
      litellm_params: {
        model: "anthropic/claude-sonnet-4-5",
        api_key: "sk-ant-up",
        api_base: anthropicUpstream.url,
        ...extra,
      },
    });
    gateway = await startTestGateway({
      config: {
        model_list: [
          openai("gpt-list"),
          openai("gpt-custom", { cache_read_input_token_cost: 1e-7 }),
          // Only the input price is negotiated: the catalog's cache-read price still applies.
          openai("gpt-custom-input", { input_cost_per_token: 2e-6 }),
          claude("claude-list"),
          claude("claude-custom", { cache_read_input_token_cost: "1e-8" }),
        ],
      },
    });
    key = (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {})).key;
  });

  afterAll(async () => {
    await gateway?.close();
    await openaiUpstream?.close();
    await anthropicUpstream?.close();
  });

  async function loggedSpend(callId: string): Promise<number> {
    await gateway.gateway.budgets.flushSpendNow();
    const rows = await manage<{ request_id: string; spend: number }[]>(
      gateway,
      gateway.masterKey,
      `/spend/logs?request_id=${encodeURIComponent(callId)}`,
    );
    expect(rows).toHaveLength(1);
    return rows[0]!.spend;
  }

  async function openaiCall(model: string): Promise<number> {
    // 1000 prompt tokens, 800 of them read from OpenAI's prompt cache; 10 completion tokens.
    openaiUpstream.enqueue(
      json(
        openaiCompletion({ content: "ok", usage: openaiUsage(1000, 10, { cachedTokens: 800 }) }),
      ),
    );
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: "user", content: "cached?" }] })
      .withResponse();
    expect(data.usage?.prompt_tokens_details?.cached_tokens).toBe(800);
    return loggedSpend(response.headers.get("x-litellm-call-id")!);
  }

  async function anthropicCall(model: string): Promise<number> {
    // Anthropic's usage: 100 fresh input tokens, 600 cache reads, 300 cache writes, 10 output.
    anthropicUpstream.enqueue(
      json(
        anthropicMessage({
          text: "ok",
          usage: anthropicUsage({ input: 100, cacheRead: 600, cacheWrite: 300, output: 10 }),
        }),
      ),
    );
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model, messages: [{ role: "user", content: "cached?" }] })
      .withResponse();
    expect(data.usage?.prompt_tokens).toBe(1000);
    return loggedSpend(response.headers.get("x-litellm-call-id")!);
  }

  it("OpenAI cached_tokens at the catalog's cache-read price", async () => {
    expect(await openaiCall("gpt-list")).toBeCloseTo(200 * 2.5e-6 + 800 * 1.25e-6 + 10 * 1e-5, 12);
  });

  it("a streamed answer's cached_tokens (usage in the last chunk) at the cache-read price", async () => {
    openaiUpstream.enqueue(
      sse(
        openaiChunks({
          content: ["o", "k"],
          includeUsage: true,
          usage: openaiUsage(1000, 10, { cachedTokens: 800 }),
        }),
      ),
    );
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({
        model: "gpt-custom",
        messages: [{ role: "user", content: "cached?" }],
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let cached: number | undefined;
    for await (const chunk of stream) cached ??= chunk.usage?.prompt_tokens_details?.cached_tokens;
    expect(cached).toBe(800);
    expect(await loggedSpend(response.headers.get("x-litellm-call-id")!)).toBeCloseTo(
      200 * 2.5e-6 + 800 * 1e-7 + 10 * 1e-5,
      12,
    );
  });

  it("OpenAI cached_tokens at a custom cache_read_input_token_cost from litellm_params", async () => {
    expect(await openaiCall("gpt-custom")).toBeCloseTo(200 * 2.5e-6 + 800 * 1e-7 + 10 * 1e-5, 12);
  });

  it("a custom input price alone keeps the catalog's cache-read price (field by field)", async () => {
    expect(await openaiCall("gpt-custom-input")).toBeCloseTo(
      200 * 2e-6 + 800 * 1.25e-6 + 10 * 1e-5,
      12,
    );
  });

  it("Anthropic cache_read_input_tokens and cache writes at their catalog prices", async () => {
    expect(await anthropicCall("claude-list")).toBeCloseTo(
      100 * 3e-6 + 600 * 3e-7 + 300 * 3.75e-6 + 10 * 1.5e-5,
      12,
    );
  });

  it("Anthropic cache reads at a custom cache_read_input_token_cost", async () => {
    expect(await anthropicCall("claude-custom")).toBeCloseTo(
      100 * 3e-6 + 600 * 1e-8 + 300 * 3.75e-6 + 10 * 1.5e-5,
      12,
    );
  });

  it("the same prices through /v1/messages with the Anthropic SDK", async () => {
    anthropicUpstream.enqueue(
      json(
        anthropicMessage({
          text: "ok",
          usage: anthropicUsage({ input: 100, cacheRead: 600, output: 10 }),
        }),
      ),
    );
    const client = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({
        model: "claude-custom",
        max_tokens: 50,
        messages: [{ role: "user", content: "cached?" }],
      })
      .withResponse();
    expect(data.usage.cache_read_input_tokens).toBe(600);
    const callId = response.headers.get("x-litellm-call-id");
    expect(callId).toBeTruthy();
    expect(await loggedSpend(callId!)).toBeCloseTo(100 * 3e-6 + 600 * 1e-8 + 10 * 1.5e-5, 12);
  });
});
