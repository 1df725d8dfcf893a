import { expect } from "vitest";
import { createFakeClock, type FakeClock } from "@org/budgets";
import {
  json,
  openaiCompletion,
  openaiUsage,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { manage } from "./manage.ts";
import { startTestGateway, type TestGateway } from "./start-test-gateway.ts";

/**
 * A gateway on a fake clock in front of an upstream whose next answer waits until the test lets
 * it go: for requests in flight across the turn of a budget window (budgets-window-turn tests).
 */
export async function startWindowTurnGateway(options: {
  env?: Record<string, string | undefined>;
  budgetsKeyPrefix?: string;
}) {
  const upstream: FakeServer = await startFakeOpenAI();
  // At the start of a minute: a "30s" window created now ends 30 s later.
  const clock: FakeClock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 0));
  const gateway: TestGateway = await startTestGateway({
    config: {
      model_list: [
        {
          model_name: "gpt-4o",
          litellm_params: {
            model: "openai/gpt-4o",
            api_key: "sk-up",
            api_base: `${upstream.url}/v1`,
            input_cost_per_token: 0.001,
            output_cost_per_token: 0.001,
          },
        },
      ],
    },
    clock,
    ...(options.env ? { env: options.env } : {}),
    ...(options.budgetsKeyPrefix ? { budgetsKeyPrefix: options.budgetsKeyPrefix } : {}),
  });
  const chat = (key: string, maxTokens: number) =>
    fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        max_tokens: maxTokens,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
  /** The next upstream answer waits for the returned function to be called. */
  const holdNextAnswer = (completionTokens: number) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    upstream.enqueue(async () => {
      await gate;
      return json(openaiCompletion({ content: "long", usage: openaiUsage(10, completionTokens) }));
    });
    return release;
  };
  return {
    upstream,
    clock,
    gateway,
    chat,
    holdNextAnswer,
    newKey: (fields: Record<string, unknown>) =>
      manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", fields),
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}

export type WindowTurnGateway = Awaited<ReturnType<typeof startWindowTurnGateway>>;

/**
 * A request in flight at the turn of a key's "30s" budget window holds its whole bound (more
 * than the budget): it ends, and is charged, in the new window, so the new window must count
 * its hold. Before, the turn dropped it and the new window admitted as if nothing were running.
 */
export async function requestInFlightAcrossTheTurn(t: WindowTurnGateway): Promise<void> {
  const { key } = await t.newKey({ max_budget: 1, budget_duration: "30s" });
  t.clock.advance(29_000); // 1 s before the window ends
  const release = t.holdNextAnswer(900);
  const running = t.chat(key, 1000); // holds ~1.0: all of the budget
  await t.upstream.waitFor((requests) => requests.length === 1);
  t.clock.advance(2000); // the next window
  const refused = await t.chat(key, 10);
  const body = (await refused.json()) as { error?: { type?: string } };
  expect(refused.status, JSON.stringify(body)).toBe(400);
  expect(body.error?.type).toBe("budget_exceeded");
  expect(t.upstream.callCount()).toBe(1);
  release();
  const done = await running;
  expect(done.status).toBe(200);
  await done.arrayBuffer();
  // It cost 0.91 in this window: the rest is free again.
  const after = await t.chat(key, 10);
  expect(after.status).toBe(200);
  expect(Number(after.headers.get("x-litellm-key-spend"))).toBeCloseTo(0.91, 6);
  await after.arrayBuffer();
}
