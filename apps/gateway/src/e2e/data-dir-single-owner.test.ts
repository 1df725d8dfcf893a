import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

// The embedded PGlite database belongs to one process: a second gateway on the same data
// directory would keep its own copy in memory and the two would overwrite each other's writes.
describe("one gateway per embedded data directory (real processes)", { timeout: 300_000 }, () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(dataDir: string): Promise<SpawnedGateway> {
    const g = await spawnGateway(["--port", "0", "--host", "127.0.0.1"], {
      GATEWAY_DATA_DIR: dataDir,
      LITELLM_MASTER_KEY: "sk-owner",
    });
    cleanups.push(async () => {
      g.child.kill("SIGKILL");
      await exited(g.child);
    });
    return g;
  }

  it("refuses a second start on the same directory, and starts again after the owner was killed -9", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-owner-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await start(dataDir);
    const pglite = join(dataDir, "pglite");
    // The banner also shows the upstream timeout in force (LiteLLM's 6000 s default here).
    expect(first.output()).toContain(
      "Upstream timeout: 6000 s (100 min) per call (LiteLLM's default",
    );

    // Another port, same directory: must exit non-zero before serving, saying who holds it.
    const second = await start(dataDir).then(
      () => {
        throw new Error("the second gateway started on a directory another one owns");
      },
      (error: Error) => error.message,
    );
    expect(second).toMatch(/gateway exited with [1-9]/);
    expect(second).toContain(pglite);
    expect(second).toContain(`pid ${first.child.pid}`);
    expect(second).not.toMatch(/URL:\s+http/);

    // The first one is unaffected.
    const ok = await fetch(`${first.url}/health/liveliness`);
    expect(ok.status).toBe(200);

    // A crash leaves the lock file behind; its pid is dead, so the next start takes it over.
    first.child.kill("SIGKILL");
    await exited(first.child);
    const third = await start(dataDir);
    const res = await fetch(`${third.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-owner", "content-type": "application/json" },
      body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "Hello" }] }),
    });
    expect(res.status).toBe(200);
    third.child.kill("SIGTERM");
    expect(await exited(third.child)).toBe(0);
  });
});
