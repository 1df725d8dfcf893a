import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeServer } from "@org/testing";
import { countRequestTokens } from "../catalog/count-request-tokens.ts";
import { manage } from "../testing/manage.ts";
import {
  FAIL_AFTER,
  FAIL_MARKER,
  PARTIAL_PRICE,
  WORDS,
  deliveredTokens,
  partialModels,
  startDrippingUpstream,
  streamedRequest,
  wordsSeen,
  type InferenceRoute,
} from "../testing/partial-stream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// "Every delivered answer is charged": a client that reads part of a stream and hangs up before
// the upstream's usage chunk, or a stream the upstream breaks mid-way, is charged for the tokens
// it was sent (the prompt, plus the delivered text counted with the gateway's tokenizer), on
// every inference route, passthrough or re-encoded. Before, such requests were logged with
// spend 0, so a key could read answer after answer for free by hanging up before the end.

interface SpendRow {
  request_id: string;
  status: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  metadata: { partial?: boolean };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("partially delivered streams are charged for what they delivered", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startDrippingUpstream();
    gateway = await startTestGateway({ config: { model_list: partialModels(upstream) } });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const newKey = async (body: Record<string, unknown> = {}) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", body)).key;

  const post = (key: string, path: string, body: unknown, signal?: AbortSignal) =>
    fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  /** Streams, reads until `words` words arrived, hangs up. */
  async function readThenHangUp(key: string, route: InferenceRoute, model: string, words = 3) {
    const { path, body } = streamedRequest(route, model, "tell me a long story");
    const controller = new AbortController();
    const res = await post(key, path, body, controller.signal);
    expect(res.status).toBe(200);
    const callId = res.headers.get("x-litellm-call-id")!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (wordsSeen(text) < words) {
      const { done, value } = await reader.read();
      if (done) throw new Error(`stream ended before ${words} words:\n${text}`);
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => undefined);
    return { callId, seen: wordsSeen(text), text };
  }

  async function spendRow(callId: string): Promise<SpendRow> {
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

  /** The row charges the prompt plus `from`..`to` delivered words, at the model's price. */
  function expectCharged(row: SpendRow, from: number, to: number) {
    expect(row.status).toBe("failure");
    expect(row.metadata.partial).toBe(true);
    expect(row.prompt_tokens).toBeGreaterThan(0);
    const allowed = Array.from({ length: to - from + 1 }, (_, i) => deliveredTokens(from + i));
    expect(allowed).toContain(row.completion_tokens);
    // Less than the whole answer: what was delivered, not what the upstream would have sent.
    expect(row.completion_tokens).toBeLessThan(deliveredTokens(WORDS.length));
    expect(row.spend).toBeGreaterThan(0);
    expect(row.spend).toBeCloseTo((row.prompt_tokens + row.completion_tokens) * PARTIAL_PRICE, 10);
  }

  const cases: { route: InferenceRoute; model: string }[] = [
    { route: "chat-passthrough", model: "partial" },
    { route: "chat", model: "partial" },
    { route: "chat", model: "partial-reencoded" },
    { route: "completions", model: "partial" },
    { route: "responses", model: "partial" },
    { route: "messages", model: "partial" },
  ];

  it.each(cases)("$route ($model): a client that hangs up mid-stream is charged", async (c) => {
    const key = await newKey();
    const { callId, seen } = await readThenHangUp(key, c.route, c.model);
    const row = await spendRow(callId);
    // The gateway may have sent a chunk or two more than the client had read when it hung up.
    expectCharged(row, seen, seen + 2);
    if (c.route === "chat" || c.route === "chat-passthrough") {
      const { body } = streamedRequest(c.route, c.model, "tell me a long story");
      expect(row.prompt_tokens).toBe(countRequestTokens(body as never));
    }
  });

  it.each(cases)("$route ($model): an upstream error mid-stream is charged", async (c) => {
    const key = await newKey();
    const { path, body } = streamedRequest(c.route, c.model, FAIL_MARKER);
    const res = await post(key, path, body);
    expect(res.status).toBe(200);
    const callId = res.headers.get("x-litellm-call-id")!;
    const text = await res.text();
    // Every word the upstream sent reached the client, then an error event in the route's format.
    expect(wordsSeen(text)).toBe(FAIL_AFTER);
    if (c.route === "messages") expect(text).toMatch(/event: error\ndata: \{"type":"error"/);
    else if (c.route === "responses") expect(text).toContain("event: response.failed");
    else {
      expect(text.trimEnd().split("\n\n").at(-1)).toMatch(/^data: \{"error":/);
      expect(text).not.toContain("[DONE]");
    }
    const row = await spendRow(callId);
    expectCharged(row, FAIL_AFTER, FAIL_AFTER);
  });

  it("a key that keeps hanging up is refused once what it was delivered exceeds its budget", async () => {
    const maxBudget = 0.04;
    const key = await newKey({ max_budget: maxBudget });
    const served: string[] = [];
    let refusal: { status: number; body: { error: { type: string } } } | undefined;
    for (let i = 0; i < 20 && refusal === undefined; i++) {
      const { path, body } = streamedRequest("chat", "partial", "tell me a long story");
      const controller = new AbortController();
      const res = await post(key, path, body, controller.signal);
      if (res.status !== 200) {
        refusal = { status: res.status, body: (await res.json()) as never };
        break;
      }
      const reader = res.body!.getReader();
      let text = "";
      while (wordsSeen(text) < 3) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      controller.abort();
      await reader.cancel().catch(() => undefined);
      served.push(res.headers.get("x-litellm-call-id")!);
      // The next request is admitted against the settled spend: wait for this one's.
      await spendRow(served.at(-1)!);
    }
    expect(refusal, "a key that never pays is never refused").toBeDefined();
    expect(refusal!.status).toBe(400);
    expect(refusal!.body.error.type).toBe("budget_exceeded");
    // Refused only once the partial answers it was charged for reached the budget.
    const rows = await Promise.all(served.map(spendRow));
    const spent = rows.reduce((sum, row) => sum + row.spend, 0);
    expect(spent).toBeGreaterThanOrEqual(maxBudget);
    expect(spent - rows.at(-1)!.spend).toBeLessThan(maxBudget);
    const info = await manage<{ info: { spend: number } }>(gateway, key, "/key/info");
    expect(info.info.spend).toBeCloseTo(spent, 10);
  });
});
