import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";
import { manage } from "../testing/manage.ts";

// With no Redis and no PostgreSQL (the `pnpm start` default: embedded PGlite, in-memory journal),
// spend recorded in the last second before a SIGTERM is still in the write-behind queue. A graceful
// stop must flush it, so that after a restart every served request is in the spend logs and in
// the key's running total.

const PRICE = 0.0001;
const MASTER = "sk-restart-master";

describe("spend survives a graceful restart on the embedded database", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("flushes journaled spend on SIGTERM and reads it back after restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-spend-restart-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.yaml");
    await writeFile(
      config,
      [
        "model_list:",
        "  - model_name: priced",
        "    litellm_params:",
        "      model: mock/priced",
        "      mock_response: one two three four",
        `      input_cost_per_token: ${PRICE}`,
        `      output_cost_per_token: ${PRICE}`,
      ].join("\n"),
    );
    const boot = async (): Promise<SpawnedGateway> => {
      const g = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: dataDir,
        LITELLM_MASTER_KEY: MASTER,
      });
      cleanups.push(async () => g.child.kill("SIGKILL"));
      return g;
    };
    const admin = <T>(g: SpawnedGateway, path: string, body?: unknown) =>
      manage<T>(g, MASTER, path, body);

    const first = await boot();
    const { key } = await admin<{ key: string }>(first, "/key/generate", { max_budget: 100 });
    const client = new OpenAI({ apiKey: key, baseURL: `${first.url}/v1`, maxRetries: 0 });
    let tokens = 0;
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 0) {
        const completion = await client.chat.completions.create({
          model: "priced",
          messages: [{ role: "user", content: `request ${i}` }],
        });
        tokens += completion.usage!.total_tokens;
      } else {
        const stream = await client.chat.completions.create({
          model: "priced",
          stream: true,
          stream_options: { include_usage: true },
          messages: [{ role: "user", content: `request ${i}` }],
        });
        for await (const chunk of stream) tokens += chunk.usage?.total_tokens ?? 0;
      }
    }
    // At once, inside the flusher's one-second window: only the shutdown flush can save it.
    first.child.kill("SIGTERM");
    expect(await exited(first.child)).toBe(0);

    const second = await boot();
    const logs = await admin<{ spend: number; api_key: string }[]>(second, "/spend/logs");
    expect(logs).toHaveLength(6);
    const expected = tokens * PRICE;
    expect(logs.reduce((sum, row) => sum + row.spend, 0)).toBeCloseTo(expected, 10);
    const info = await admin<{ info: { spend: number } }>(
      second,
      `/key/info?key=${encodeURIComponent(key)}`,
    );
    expect(info.info.spend).toBeCloseTo(expected, 10);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});
