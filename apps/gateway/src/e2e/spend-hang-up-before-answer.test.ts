import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  delay,
  json,
  openaiChunks,
  openaiCompletion,
  routes,
  sse,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";
import { countRequestTokens } from "../catalog/count-request-tokens.ts";
import { manage } from "../testing/manage.ts";
import { streamedRequest, type InferenceRoute } from "../testing/partial-stream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A client that hangs up while the upstream works on its request (before any byte of the answer)
// is charged for the prompt the gateway sent: the upstream bills it (a non-streamed answer is
// usually generated and billed in full), so leaving just before the answer made any prompt free,
// as often as a key liked. Before, such requests were logged with 0 tokens and spend 0.

const PRICE = 0.001;
const THINKING_MS = 1_500;

interface SpendRow {
  status: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a client that hangs up before the answer is charged for its prompt", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    // Thinks for THINKING_MS before any byte, streamed or not.
    const answer = (req: RecordedRequest) => {
      const body = req.json as { model: string; stream?: boolean };
      if (body.stream === true) return sse(openaiChunks({ content: ["late ", "answer"] }));
      return json(openaiCompletion({ content: "late answer", model: body.model }));
    };
    upstream = await startFakeServer(
      routes({ "POST /v1/chat/completions": delay(THINKING_MS, answer) }),
    );
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "slow",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
              input_cost_per_token: PRICE,
              output_cost_per_token: PRICE,
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  async function spendRows(key: string, count: number): Promise<SpendRow[]> {
    const info = await manage<{ info: { token: string } }>(
      gateway,
      gateway.masterKey,
      `/key/info?key=${key}`,
    );
    for (let i = 0; i < 100; i++) {
      await gateway.gateway.budgets.flushSpendNow();
      const rows = await manage<SpendRow[]>(
        gateway,
        gateway.masterKey,
        `/spend/logs?api_key=${info.info.token}`,
      );
      if (rows.length >= count) return rows;
      await sleep(50);
    }
    throw new Error(`fewer than ${count} spend logs`);
  }

  const routesUnderTest: InferenceRoute[] = ["chat", "messages", "responses", "completions"];
  const cases = routesUnderTest.flatMap((route) =>
    [false, true].map((stream) => ({ route, stream })),
  );

  it.each(cases)("$route, stream $stream", async ({ route, stream }) => {
    const key = (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {}))
      .key;
    const { path, body } = streamedRequest(route, "slow", "a long prompt, ".repeat(50));
    const before = upstream.callCount();
    const controller = new AbortController();
    const pending = fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ ...body, stream }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    // The upstream has the request, and no answer yet.
    for (let i = 0; i < 100 && upstream.callCount() === before; i++) await sleep(10);
    expect(upstream.callCount()).toBe(before + 1);
    controller.abort();
    expect(await pending).toMatchObject({ name: "AbortError" });

    const [row] = await spendRows(key, 1);
    expect(row!.status).toBe("failure");
    if (route === "chat") {
      expect(row!.prompt_tokens).toBe(countRequestTokens({ ...body, model: "slow" } as never));
    }
    expect(row!.prompt_tokens).toBeGreaterThan(50);
    expect(row!.completion_tokens).toBe(0);
    expect(row!.spend).toBeCloseTo(row!.prompt_tokens * PRICE, 10);
  });
});
