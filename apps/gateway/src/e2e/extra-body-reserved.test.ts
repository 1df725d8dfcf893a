import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAnthropic, startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// `extra_body` is merged into the upstream body last (OpenAI SDK semantics). A key allowed only
// "cheap" must not use it to replace what the gateway decided and budgets on: the upstream
// model (billed on the operator's account at another model's price), n / max_tokens (the budget
// hold's bound), stream (a streamed answer the gateway would read as JSON and charge nothing
// for), the prompt. Such fields are refused with a 400 naming them, before any upstream call;
// other provider extras still pass through.

describe("extra_body cannot replace the fields the gateway routes and budgets on", () => {
  let openai: FakeServer;
  let anthropic: FakeServer;
  let gateway: TestGateway;
  let key: string;

  beforeAll(async () => {
    [openai, anthropic] = await Promise.all([
      startFakeOpenAI(),
      startFakeAnthropic({ apiKey: "sk-ant" }),
    ]);
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "cheap",
            litellm_params: {
              model: "openai/gpt-4o-mini",
              api_key: "sk-up",
              api_base: `${openai.url}/v1`,
            },
          },
          {
            model_name: "claude",
            litellm_params: {
              model: "anthropic/claude-3-5-haiku-20241022",
              api_key: "sk-ant",
              api_base: anthropic.url,
            },
          },
        ],
      },
    });
    key = (
      await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
        models: ["cheap", "claude"],
        max_budget: 1,
      })
    ).key;
  });
  afterAll(async () => {
    await gateway?.close();
    await openai?.close();
    await anthropic?.close();
  });

  const ask = (model: string, extra: Record<string, unknown>) =>
    new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: "user", content: "hi" }],
      extra_body: extra,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);

  for (const model of ["cheap", "claude"])
    for (const extra of [
      { model: "o1-pro" },
      { max_tokens: 1_000_000 },
      { max_completion_tokens: 1_000_000 },
      { n: 128 },
      { stream: true },
      { messages: [{ role: "user", content: "x".repeat(1000) }] },
    ]) {
      const field = Object.keys(extra)[0]!;
      it(`${model}: extra_body.${field} is a 400 naming it, and nothing goes upstream`, async () => {
        const before = openai.requests.length + anthropic.requests.length;
        const refused = await ask(model, extra).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
        expect((refused as Error).message).toContain(`extra_body.${field}`);
        expect(openai.requests.length + anthropic.requests.length).toBe(before);
      });
    }

  it("other provider fields in extra_body still reach the upstream", async () => {
    await ask("cheap", { guided_json: { type: "object" } });
    expect(openai.requests.at(-1)?.json).toMatchObject({
      model: "gpt-4o-mini",
      guided_json: { type: "object" },
    });
  });
});
