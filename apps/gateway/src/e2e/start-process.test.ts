import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exited, spawnGateway } from "../testing/spawn-gateway.ts";

// The real entry point, as `pnpm start` runs it: a separate node process.
const start = spawnGateway;

describe("pnpm start (the real process)", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("starts with no config, generates and persists a master key, answers the mock model", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-start-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // A literal `--` (as pnpm 10 passes it) must not matter.
    const g = await start(["--", "--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    });
    cleanups.push(async () => {
      g.child.kill("SIGKILL");
    });
    const key = (await readFile(join(dataDir, "master-key"), "utf8")).trim();
    expect(key).toMatch(/^sk-/);
    expect(g.output()).toContain(key); // printed once, on the start that generated it
    expect(g.output()).toContain("built-in default (mock model)");
    expect(g.output()).toContain(dataDir);

    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "Hello" }] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]?.message.content).toContain("mock");

    const live = await fetch(`${g.url}/health/liveliness`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${g.url}/health/readiness`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "healthy", db: "connected" });

    g.child.kill("SIGTERM");
    expect(await exited(g.child)).toBe(0);

    // Second start: the stored key is reused and not printed again.
    const again = await start(["--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    });
    cleanups.push(async () => {
      again.child.kill("SIGKILL");
    });
    expect(again.output()).not.toContain(key);
    expect(again.output()).toContain("stored in");
    again.child.kill("SIGTERM");
    expect(await exited(again.child)).toBe(0);
  });

  it("never prints a configured master key, and reports config warnings at startup", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-start-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.yaml");
    await writeFile(
      config,
      [
        "model_list:",
        "  - model_name: fast",
        "    litellm_params:",
        "      model: mock/fast",
        "      mock_response: hi",
        "router_settings:",
        "  fallbacks: [{fast: [missing-model]}]",
        "general_settings:",
        "  master_key: sk-configured-secret-123",
      ].join("\n"),
    );
    const g = await start(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
    });
    cleanups.push(async () => {
      g.child.kill("SIGKILL");
    });
    expect(g.output()).not.toContain("sk-configured-secret-123");
    expect(g.output()).toContain("missing-model");
    g.child.kill("SIGTERM");
    expect(await exited(g.child)).toBe(0);
  });

  it("drains an in-flight stream on SIGTERM before exiting", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-start-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.yaml");
    await writeFile(
      config,
      [
        "model_list:",
        "  - model_name: slow",
        "    litellm_params:",
        "      model: mock/slow",
        "      mock_response: one two three four five six seven eight",
        "      mock_chunk_delay_ms: 150",
      ].join("\n"),
    );
    const g = await start(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
      LITELLM_MASTER_KEY: "sk-drain",
    });
    cleanups.push(async () => {
      g.child.kill("SIGKILL");
    });
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-drain", "content-type": "application/json" },
      body: JSON.stringify({
        model: "slow",
        stream: true,
        messages: [{ role: "user", content: "Hello" }],
      }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    g.child.kill("SIGTERM");
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain("eight");
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await exited(g.child)).toBe(0);
  });
});
