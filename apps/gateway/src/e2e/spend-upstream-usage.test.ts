import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeServer } from "@org/testing";
import { countCompletionTokens, countRequestTokens } from "../catalog/count-request-tokens.ts";
import { manage } from "../testing/manage.ts";
import { streamedRequest, type InferenceRoute } from "../testing/partial-stream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import {
  ANSWER,
  SECOND_ANSWER,
  TOOL_CALL,
  USAGE_PRICE,
  startUsageUpstream,
  usageModels,
} from "../testing/usage-upstream.ts";

// An answer the client received is charged for what it holds, whatever the upstream says about
// its usage: an OpenAI-compatible server that leaves usage out of a non-streamed answer (as
// several self-hosted ones do) got its answers charged for the prompt alone.

interface SpendRow {
  status: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("spend of answers whose upstream usage is missing or odd", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let key: string;

  beforeAll(async () => {
    upstream = await startUsageUpstream();
    gateway = await startTestGateway({ config: { model_list: usageModels(upstream) } });
    key = (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {})).key;
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const openai = () => new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
  const anthropic = () => new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });

  async function spendRow(callId: string | null): Promise<SpendRow> {
    expect(callId).toBeTruthy();
    for (let i = 0; i < 100; i++) {
      await gateway.gateway.budgets.flushSpendNow();
      const rows = await manage<SpendRow[]>(
        gateway,
        gateway.masterKey,
        `/spend/logs?request_id=${callId}`,
      );
      if (rows.length > 0) return rows[0]!;
      await sleep(50);
    }
    throw new Error(`no spend log for ${callId}`);
  }

  /** Charged for the prompt and `completionTokens` of output, at the model's price. */
  function expectCharged(row: SpendRow, completionTokens: number) {
    expect(row.status).toBe("success");
    expect(row.prompt_tokens).toBeGreaterThan(0);
    expect(row.completion_tokens).toBe(completionTokens);
    expect(row.spend).toBeCloseTo((row.prompt_tokens + completionTokens) * USAGE_PRICE, 10);
  }

  const answerTokens = countCompletionTokens(ANSWER);
  const message = (usage: string) => [{ role: "user" as const, content: `usage:${usage} hi` }];

  describe("usage left out of a non-streamed answer: charged for the answer's text", () => {
    it("/v1/chat/completions", async () => {
      const { data, response } = await openai()
        .chat.completions.create({ model: "chat", messages: message("omitted") })
        .withResponse();
      expect(data.choices[0]!.message.content).toBe(ANSWER);
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), answerTokens);
    });

    it("/v1/chat/completions with n: 2 (every choice)", async () => {
      const { data, response } = await openai()
        .chat.completions.create({ model: "chat", n: 2, messages: message("omitted") })
        .withResponse();
      expect(data.choices).toHaveLength(2);
      const tokens = countCompletionTokens(ANSWER + SECOND_ANSWER);
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), tokens);
    });

    it("/v1/chat/completions answering a tool call (its name and arguments)", async () => {
      const { data, response } = await openai()
        .chat.completions.create({
          model: "chat",
          messages: message("omitted"),
          tools: [{ type: "function", function: { name: TOOL_CALL.name, parameters: {} } }],
        })
        .withResponse();
      expect(data.choices[0]!.message.tool_calls).toHaveLength(1);
      const tokens = countCompletionTokens(TOOL_CALL.name + JSON.stringify(TOOL_CALL.arguments));
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), tokens);
    });

    it("/v1/messages (Anthropic SDK)", async () => {
      const { data, response } = await anthropic()
        .messages.create({ model: "chat", max_tokens: 100, messages: message("omitted") })
        .withResponse();
      expect(data.content[0]).toMatchObject({ type: "text", text: ANSWER });
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), answerTokens);
    });

    it("/v1/responses", async () => {
      const { data, response } = await openai()
        .responses.create({ model: "chat", input: "usage:omitted hi" })
        .withResponse();
      expect(data.output_text).toBe(ANSWER);
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), answerTokens);
    });

    it("/v1/completions", async () => {
      const { data, response } = await openai()
        .completions.create({ model: "chat", prompt: "usage:omitted hi" })
        .withResponse();
      expect(data.choices[0]!.text).toBe(ANSWER);
      expectCharged(await spendRow(response.headers.get("x-litellm-call-id")), answerTokens);
    });
  });

  describe("odd usage counts are not charged as they came: the gateway's own count is", () => {
    const routes: InferenceRoute[] = [
      "chat",
      "chat-passthrough",
      "messages",
      "responses",
      "completions",
    ];
    const cases = routes.flatMap((route) =>
      [false, true].flatMap((stream) =>
        ["negative", "nulls", "strings", "huge", "zeros"]
          .filter(() => stream || route !== "chat-passthrough")
          .map((usage) => ({ route, stream, usage })),
      ),
    );

    it.each(cases)("$route, stream $stream, usage $usage", async ({ route, stream, usage }) => {
      const { path, body } = streamedRequest(route, "chat", `usage:${usage} hi`);
      const res = await fetch(`${gateway.url}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ ...body, stream }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(text).toContain(stream ? ANSWER.split(" ")[0] : ANSWER);
      expectCharged(await spendRow(res.headers.get("x-litellm-call-id")), answerTokens);
    });
  });

  it.each(["omitted", "negative", "huge", "nulls", "strings"])(
    "/v1/embeddings with usage %s: charged for the input as the gateway counts it",
    async (usage) => {
      const input = `usage:${usage} the text to embed, a few words long`;
      const { data, response } = await openai()
        .embeddings.create({ model: "embed", input })
        .withResponse();
      expect(data.data).toHaveLength(1);
      const row = await spendRow(response.headers.get("x-litellm-call-id"));
      const tokens = countRequestTokens({ model: "embed", input }, "embedding");
      expect(row.status).toBe("success");
      expect(row.prompt_tokens).toBe(tokens);
      expect(row.spend).toBeCloseTo(tokens * USAGE_PRICE, 10);
    },
  );

  it("a half-cached embedding batch without upstream usage is charged for its uncached input only", async () => {
    const cached = await startTestGateway({
      config: { model_list: usageModels(upstream), litellm_settings: { cache: true } },
    });
    try {
      const client = new OpenAI({
        baseURL: cached.baseURL,
        apiKey: cached.masterKey,
        maxRetries: 0,
      });
      const [a, b, c] = ["first text to embed", "second text to embed", "third one, a bit longer"];
      await client.embeddings.create({ model: "embed", input: [a, b] });
      const { response } = await client.embeddings
        .create({ model: "embed", input: [b, c] })
        .withResponse();
      const id = response.headers.get("x-litellm-call-id");
      let rows: SpendRow[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        await cached.gateway.budgets.flushSpendNow();
        rows = await manage<SpendRow[]>(cached, cached.masterKey, `/spend/logs?request_id=${id}`);
        if (rows.length === 0) await sleep(50);
      }
      expect((upstream.requests.at(-1)!.json as { input: unknown }).input).toEqual([c]);
      const tokens = countRequestTokens({ model: "embed", input: [c] }, "embedding");
      expect(rows[0]!.prompt_tokens).toBe(tokens);
      expect(rows[0]!.spend).toBeCloseTo(tokens * USAGE_PRICE, 10);
    } finally {
      await cached.close();
    }
  });
});
