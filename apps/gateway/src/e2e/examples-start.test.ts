import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.ts";
import { examplePath } from "../testing/examples-dir.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Each example config as `pnpm start --config examples/<file>` uses it: the real gateway is
// built from it (router settings, strategies, aliases accepted) and serves its model groups.
// No request leaves the machine: only the keyless mock model is called.

/** Starts the gateway on an example with no provider key set, checks its model list, runs `more`. */
async function withExample(
  file: string,
  more?: (gateway: TestGateway) => Promise<void>,
  env: Record<string, string> = {},
) {
  const loaded = await loadConfig({ path: examplePath(file), env });
  const gateway = await startTestGateway({ loaded });
  try {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey });
    const listed = (await client.models.list()).data.map((model) => model.id);
    const groups = loaded.router.modelList.map((entry) => entry.model_name);
    const aliases = Object.keys(loaded.router.settings.model_group_alias ?? {});
    expect(new Set(listed)).toEqual(new Set([...groups, ...aliases]));
    await more?.(gateway);
  } finally {
    await gateway.close();
  }
}

// Each test starts a gateway (PGlite migrations): slow on a loaded machine.
describe("the examples start the real gateway", { timeout: 120_000 }, () => {
  it("config.yaml: lists every group and the alias; its mock model answers with no key and is priced", async () => {
    await withExample("config.yaml", async (gateway) => {
      const admin = { authorization: `Bearer ${gateway.masterKey}` };
      const { key } = (await (
        await fetch(`${gateway.url}/key/generate`, { method: "POST", headers: admin, body: "{}" })
      ).json()) as { key: string };
      const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
      const answer = await client.chat.completions.create({
        model: "mock",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(answer.choices[0]?.message.content).toBe("Hello from the mock model");
      // Spend is flushed to the database in batches (about every second).
      let spend = 0;
      for (let i = 0; i < 50 && spend === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        const info = (await (
          await fetch(`${gateway.url}/key/info?key=${key}`, { headers: admin })
        ).json()) as { info: { spend: number } };
        spend = info.info.spend;
      }
      expect(spend).toBeGreaterThan(0);
    });
  });

  it("load-balancing.yaml: the gateway starts and lists every group", async () => {
    await withExample("load-balancing.yaml");
  });

  it("caching.yaml: without a Redis it refuses to start naming what to set; with one it starts", async () => {
    // A cache type that needs Redis, with none configured: a clear start error, never a gateway
    // that silently serves every request uncached.
    await expect(withExample("caching.yaml")).rejects.toThrow(
      /redis-semantic needs a Redis: set cache_params.host/,
    );
    // The file names port 6379: with CI's Redis there (REDIS_HOST as the file expects), it starts.
    const url = process.env.TEST_REDIS_URL;
    if (url === undefined || new URL(url).port !== "6379") return;
    await withExample("caching.yaml", undefined, { REDIS_HOST: new URL(url).hostname });
  });
});
