import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");

// A model_max_budget without a window starts from the key's recorded spend on that model
// (model_spend) whenever its ledger line is opened again: after a restart, or on another
// instance. Spend on `openai/gpt-4o` (a wildcard route) answers to the key's `gpt-4o` budget
// (LiteLLM's match), so it must count there too: it was recorded under `openai/gpt-4o` and the
// budget started again from what `gpt-4o` alone had spent.
describe.skipIf(!databaseUrl)("a windowless model budget after a restart (real PG)", () => {
  const schema = `gw_model_budget_restart_${randomBytes(4).toString("hex")}`;
  let upstream: FakeServer;
  let sql: postgres.Sql;
  const gateways: TestGateway[] = [];

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    sql = postgres(databaseUrl!, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close().catch(() => undefined);
    await upstream?.close();
    if (sql) {
      await sql.unsafe(`drop schema if exists "${schema}" cascade`);
      await sql.end();
    }
  });

  const start = async () => {
    const params = {
      api_key: "sk-up",
      api_base: `${upstream.url}/v1`,
      input_cost_per_token: 0.01,
      output_cost_per_token: 0.01,
    };
    const gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "gpt-4o", litellm_params: { model: "openai/gpt-4o", ...params } },
          { model_name: "openai/*", litellm_params: { model: "openai/*", ...params } },
        ],
      },
      databaseUrl,
      env: { DATABASE_SCHEMA: schema },
    });
    gateways.push(gateway);
    return gateway;
  };

  const chat = (gateway: TestGateway, key: string) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model: "openai/gpt-4o",
      max_tokens: 5,
      messages: [{ role: "user", content: "hi" }],
    });

  it("spend under openai/gpt-4o still counts against the key's gpt-4o budget", async () => {
    const first = await start();
    const { key } = await manage<{ key: string }>(first, first.masterKey, "/key/generate", {
      model_max_budget: { "gpt-4o": 0.25 },
    });
    let served = 0;
    for (; served < 15; served++) {
      const refused = await chat(first, key).then(
        () => false,
        () => true,
      );
      if (refused) break;
    }
    expect(served).toBeGreaterThan(0);
    expect(served).toBeLessThan(15);
    await first.close();
    gateways.length = 0;

    const second = await start();
    await expect(chat(second, key)).rejects.toMatchObject({ status: 400 });
  });
});
