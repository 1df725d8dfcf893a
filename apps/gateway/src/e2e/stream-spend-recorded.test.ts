import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// "Spend is never lost": on every inference route, streamed or not, the client sees the end of
// its answer only after the request's spend is durably journaled. The budget hooks' post-call
// step (whose promise is the router result's `settled`) is held open by a gate here; an answer that completes while the gate is shut would mean a
// crash at that moment loses a served request's cost.

interface Gate {
  opened: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("answers end only after their spend is journaled", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let key: string;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let shut: Gate | undefined;
  /** How many times the router ran the post-call (journaling) step. */
  let recordedCalls = 0;

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
              input_cost_per_token: 0.001,
              output_cost_per_token: 0.001,
            },
          },
        ],
      },
    });
    const hooks = gateway.gateway.budgets.hooks;
    const real = hooks.postCall.bind(hooks);
    // The real journaling runs first; the gate then stands for a journal that is slow to confirm.
    hooks.postCall = async (context, outcome) => {
      recordedCalls++;
      await real(context, outcome);
      await shut?.opened;
    };
    const res = await fetch(`${gateway.url}/key/generate`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ max_budget: 100 }),
    });
    key = ((await res.json()) as { key: string }).key;
    openai = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gateway.url, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const messages = [{ role: "user" as const, content: "hello there" }];

  /** Each case reads a whole answer, as a client does, and returns its call id. */
  const cases: { name: string; read: () => Promise<string | null> }[] = [
    {
      name: "/v1/chat/completions streamed",
      async read() {
        const { data, response } = await openai.chat.completions
          .create({ model: "gpt-4o", messages, stream: true })
          .withResponse();
        for await (const chunk of data) void chunk;
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/completions streamed",
      async read() {
        const { data, response } = await openai.completions
          .create({ model: "gpt-4o", prompt: "hello there", stream: true })
          .withResponse();
        for await (const chunk of data) void chunk;
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/completions whole",
      async read() {
        const { response } = await openai.completions
          .create({ model: "gpt-4o", prompt: "hello there" })
          .withResponse();
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/responses streamed",
      async read() {
        const { data, response } = await openai.responses
          .create({ model: "gpt-4o", input: "hello there", stream: true })
          .withResponse();
        const types: string[] = [];
        for await (const event of data) types.push(event.type);
        expect(types.at(-1)).toBe("response.completed");
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/responses whole",
      async read() {
        const { response } = await openai.responses
          .create({ model: "gpt-4o", input: "hello there" })
          .withResponse();
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/messages streamed",
      async read() {
        const { data, response } = await anthropic.messages
          .create({ model: "gpt-4o", max_tokens: 50, messages, stream: true })
          .withResponse();
        const types: string[] = [];
        for await (const event of data) types.push(event.type);
        expect(types.at(-1)).toBe("message_stop");
        return response.headers.get("x-litellm-call-id");
      },
    },
    {
      name: "/v1/messages whole",
      async read() {
        const { response } = await anthropic.messages
          .create({ model: "gpt-4o", max_tokens: 50, messages })
          .withResponse();
        return response.headers.get("x-litellm-call-id");
      },
    },
  ];

  it.each(cases)("$name: held until journaled, and the spend is that request's", async (c) => {
    shut = gate();
    const before = recordedCalls;
    let finished = false;
    const reading = c.read().then((callId) => {
      finished = true;
      return callId;
    });
    reading.catch(() => undefined);

    // The upstream answered and the gateway reached its journaling step...
    for (let i = 0; i < 200 && recordedCalls === before; i++) await sleep(10);
    expect(recordedCalls).toBe(before + 1);
    // ...but the client has not seen the end of the answer while the journal has not confirmed.
    await sleep(150);
    expect(finished).toBe(false);

    shut.open();
    const callId = await reading;
    expect(callId).toBeTruthy();

    // The journaled record is this request's: it reaches the spend logs under its call id.
    let rows: { request_id: string; spend: number }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      const res = await fetch(`${gateway.url}/spend/logs?request_id=${callId}`, {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      });
      rows = (await res.json()) as typeof rows;
      if (rows.length === 0) await sleep(100);
    }
    expect(rows).toHaveLength(1);
    expect(rows[0]!.spend).toBeGreaterThan(0);
  });
});
