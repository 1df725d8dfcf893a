import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { spendLogsRejected } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Spend identity and what a client can put into the spend ledger, over HTTP:
// - every request is charged under the gateway's own id, whatever x-litellm-call-id it sent (a
//   reused call id used to be charged once: the writer skips request ids already logged);
// - a call id or a `user` that PostgreSQL could not index is refused at the edge, in the route's
//   envelope, before anything is charged;
// - a record the database refuses anyway (here: a cost past numeric(20, 10)) is set aside in
//   spend_logs_rejected and the rest of the ledger is written (it used to block every batch after).

const PRICE = 0.0001;
const ABSURD_PRICE = 1e12; // per token: a request costs more than spend_logs.spend can hold

const model = (name: string, price: number) => ({
  model_name: name,
  litellm_params: {
    model: `mock/${name}`,
    mock_response: "one two three four",
    input_cost_per_token: price,
    output_cost_per_token: price,
  },
});

describe("spend identity and bounded client values over HTTP", () => {
  let gateway: TestGateway;
  let key: string;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: { model_list: [model("priced", PRICE), model("absurd", ABSURD_PRICE)] },
    });
    ({ key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      max_budget: 1e6,
    }));
    openai = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
  });

  type Log = { request_id: string; spend: number; metadata: Record<string, unknown> };
  const logsOfKey = async () => {
    await gateway.gateway.budgets.flushSpendNow();
    return manage<Log[]>(
      gateway,
      gateway.masterKey,
      `/spend/logs?api_key=${encodeURIComponent(key)}`,
    );
  };
  const keySpend = async () =>
    (await manage<{ info: { spend: number } }>(gateway, gateway.masterKey, `/key/info?key=${key}`))
      .info.spend;

  it("charges every request that reuses one x-litellm-call-id, and echoes the client's id", async () => {
    const before = await logsOfKey();
    const spendBefore = await keySpend();
    const callId = "client-call-1";
    let cost = 0;
    for (let i = 0; i < 3; i++) {
      const { data, response } = await openai.chat.completions
        .create(
          { model: "priced", messages: [{ role: "user", content: `same id ${i}` }] },
          { headers: { "x-litellm-call-id": callId } },
        )
        .withResponse();
      expect(response.headers.get("x-litellm-call-id")).toBe(callId);
      cost += data.usage!.total_tokens * PRICE;
    }
    const added = (await logsOfKey()).filter(
      (l) => !before.some((b) => b.request_id === l.request_id),
    );
    expect(added).toHaveLength(3);
    // Each under its own gateway id, the client's id kept beside it.
    expect(new Set(added.map((l) => l.request_id)).size).toBe(3);
    for (const log of added) {
      expect(log.request_id).not.toBe(callId);
      expect(log.metadata.litellm_call_id).toBe(callId);
    }
    expect(added.reduce((s, l) => s + l.spend, 0)).toBeCloseTo(cost, 10);
    expect(await keySpend()).toBeCloseTo(spendBefore + cost, 10);
  });

  it("without a client call id, the echoed id is the spend log's request id", async () => {
    const { response } = await openai.chat.completions
      .create({ model: "priced", messages: [{ role: "user", content: "no id" }] })
      .withResponse();
    const id = response.headers.get("x-litellm-call-id")!;
    expect((await logsOfKey()).map((l) => l.request_id)).toContain(id);
  });

  const refusedCallIds = [
    ["2,800 characters", "c".repeat(2800)],
    ["257 characters", "c".repeat(257)],
    ["a space", "call id"],
    ["a non-ASCII character", "caf\u00e9"],
  ] as const;

  for (const [what, callId] of refusedCallIds) {
    it(`refuses an x-litellm-call-id with ${what}: 400 naming the header, nothing charged`, async () => {
      const before = (await logsOfKey()).length;
      const error = await openai.chat.completions
        .create(
          { model: "priced", messages: [{ role: "user", content: "bad id" }] },
          { headers: { "x-litellm-call-id": callId } },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const bad = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(bad.message).toContain("x-litellm-call-id");
      expect(bad.param).toBe("x-litellm-call-id");
      // The refused id is not echoed back.
      expect(bad.headers?.get("x-litellm-call-id")).not.toBe(callId);
      expect((await logsOfKey()).length).toBe(before);
    });
  }

  it("accepts a call id of exactly 256 visible ASCII characters", async () => {
    const callId = `${"a".repeat(250)}-._:~/`;
    const { response } = await openai.chat.completions
      .create(
        { model: "priced", messages: [{ role: "user", content: "long id" }] },
        { headers: { "x-litellm-call-id": callId } },
      )
      .withResponse();
    expect(response.headers.get("x-litellm-call-id")).toBe(callId);
  });

  it("refuses a bad call id on /v1/messages in Anthropic's envelope", async () => {
    const anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
    const error = await anthropic.messages
      .create(
        { model: "priced", max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
        { headers: { "x-litellm-call-id": "x".repeat(3000) } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const body = (error as InstanceType<typeof Anthropic.BadRequestError>).error as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("x-litellm-call-id");
  });

  it("refuses a `user` longer than 512 characters with a 400 naming `user`, on every model route", async () => {
    const before = (await logsOfKey()).length;
    const user = "u".repeat(2800);
    const chat = await openai.chat.completions
      .create({ model: "priced", user, messages: [{ role: "user", content: "long user" }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("user");
    expect((chat as Error).message).toContain("maximum length 512");

    const completion = await openai.completions
      .create({ model: "priced", user, prompt: "long user" })
      .catch((e: unknown) => e);
    expect((completion as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("user");

    const anthropic = new Anthropic({ apiKey: key, baseURL: gateway.url, maxRetries: 0 });
    const message = await anthropic.messages
      .create({
        model: "priced",
        max_tokens: 16,
        metadata: { user_id: user },
        messages: [{ role: "user", content: "long user" }],
      })
      .catch((e: unknown) => e);
    expect(message).toBeInstanceOf(Anthropic.BadRequestError);
    expect((message as Error).message).toContain("'user'");

    // 512 is still fine, and is charged to that end user.
    await openai.chat.completions.create({
      model: "priced",
      user: "e".repeat(512),
      messages: [{ role: "user", content: "longest user" }],
    });
    expect((await logsOfKey()).length).toBe(before + 1);
  });

  it("refuses a `user` holding a NUL character", async () => {
    const error = await openai.chat.completions
      .create({ model: "priced", user: "a\u0000b", messages: [{ role: "user", content: "nul" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("user");
  });

  it("a request whose spend the database refuses is set aside; the requests around it are charged", async () => {
    // A key of its own with no budget: the ledger holds the absurd cost, which would refuse the
    // requests after it on a key with one.
    ({ key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {}));
    openai = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const before = await logsOfKey();
    const spendBefore = await keySpend();
    const rejectedBefore = gateway.gateway.budgets.spendRejectedCount();
    let goodCost = 0;
    const good = async (i: number) => {
      const c = await openai.chat.completions.create({
        model: "priced",
        messages: [{ role: "user", content: `good ${i}` }],
      });
      goodCost += c.usage!.total_tokens * PRICE;
    };
    await good(1);
    const { response } = await openai.chat.completions
      .create({ model: "absurd", messages: [{ role: "user", content: "too dear to log" }] })
      .withResponse();
    const poisonId = response.headers.get("x-litellm-call-id")!;
    await good(2);
    await good(3);

    // Used to reject (numeric field overflow) on every flush, for this batch and all after it.
    const added = (await logsOfKey()).filter(
      (l) => !before.some((b) => b.request_id === l.request_id),
    );
    expect(added).toHaveLength(3);
    expect(added.map((l) => l.request_id)).not.toContain(poisonId);
    expect(await keySpend()).toBeCloseTo(spendBefore + goodCost, 10);
    expect(gateway.gateway.budgets.spendRejectedCount()).toBe(rejectedBefore + 1);
    const rows = await gateway.gateway.db.db.select().from(spendLogsRejected);
    const row = rows.find((r) => r.requestId === poisonId);
    expect(row?.errorCode).toBe("22003");
    expect(JSON.parse(row!.record)).toMatchObject({ requestId: poisonId, model: "mock/absurd" });

    // And spend keeps flowing afterwards.
    await good(4);
    expect((await logsOfKey()).length).toBe(before.length + 4);
  });
});
