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
import { gpt4oAtFixedPrice } from "./priced-upstream.ts";

/**
 * A gateway on a fake clock in front of an upstream whose next answer can be held until the test
 * lets it go: for budget tests about requests in flight (across a window's turn, an admin's change).
 */
export async function startHeldAnswerGateway(options: {
  env?: Record<string, string | undefined>;
  budgetsKeyPrefix?: string;
}) {
  const upstream: FakeServer = await startFakeOpenAI();
  // At the start of a minute: a "30s" window created now ends 30 s later.
  const clock: FakeClock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 0));
  const gateway: TestGateway = await startTestGateway({
    config: {
      model_list: [gpt4oAtFixedPrice(upstream)],
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

export type HeldAnswerGateway = Awaited<ReturnType<typeof startHeldAnswerGateway>>;
