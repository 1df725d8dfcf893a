import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

// A graceful stop with a record the database refuses still pending (the `pnpm start` default:
// embedded PGlite, in-memory journal, so whatever the stop does not write is lost). It used to
// crash: the shutdown flush rejected on the poison batch, the process died of an unhandled
// rejection and the whole backlog, good spend included, was gone. Now the good records are
// written, the refused one is set aside and logged, and the process exits 0.

const PRICE = 0.0001;
const MASTER = "sk-shutdown-poison-master";

describe("SIGTERM with a poison spend record pending", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("writes the good spend, sets the bad record aside, logs it and exits 0", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-shutdown-poison-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.yaml");
    const model = (name: string, price: number) => [
      `  - model_name: ${name}`,
      "    litellm_params:",
      `      model: mock/${name}`,
      "      mock_response: one two three four",
      `      input_cost_per_token: ${price}`,
      `      output_cost_per_token: ${price}`,
    ];
    // "absurd" costs more than spend_logs.spend (numeric(20, 10)) can hold.
    await writeFile(
      config,
      ["model_list:", ...model("priced", PRICE), ...model("absurd", 1e12)].join("\n"),
    );
    const boot = async (): Promise<SpawnedGateway> => {
      const g = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: dataDir,
        LITELLM_MASTER_KEY: MASTER,
      });
      cleanups.push(async () => g.child.kill("SIGKILL"));
      return g;
    };

    const first = await boot();
    const { key } = await manage<{ key: string }>(first, MASTER, "/key/generate", {});
    const client = new OpenAI({ apiKey: key, baseURL: `${first.url}/v1`, maxRetries: 0 });
    const ask = (model: string, content: string) =>
      client.chat.completions
        .create({ model, messages: [{ role: "user", content }] })
        .withResponse();
    let cost = 0;
    const goodIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { data, response } = await ask("priced", `good ${i}`);
      cost += data.usage!.total_tokens * PRICE;
      goodIds.push(response.headers.get("x-litellm-call-id")!);
      if (i === 1) await ask("absurd", "too dear to log");
    }
    // At once, inside the flusher's one-second window: only the shutdown flush can write these.
    first.child.kill("SIGTERM");
    expect(await exited(first.child), first.output()).toBe(0);
    // Error lines only: startup progress names the migration that creates spend_logs_rejected.
    const lines = first
      .output()
      .split("\n")
      .filter((l) => l.includes("spend_logs_rejected") && l.includes('"level":"error"'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", code: "22003" });

    const second = await boot();
    const logs = await manage<{ request_id: string; spend: number }[]>(
      second,
      MASTER,
      `/spend/logs?api_key=${encodeURIComponent(key)}`,
    );
    expect(logs.map((l) => l.request_id).sort()).toEqual([...goodIds].sort());
    const info = await manage<{ info: { spend: number } }>(
      second,
      MASTER,
      `/key/info?key=${encodeURIComponent(key)}`,
    );
    expect(info.info.spend).toBeCloseTo(cost, 10);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});
