import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/index.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

describe("health routes (embedded PGlite)", () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway({ config: defaultConfig() });
  });
  afterAll(() => gateway?.close());

  it("serves the dashboard page at /ui without a key", async () => {
    const res = await fetch(`${gateway.url}/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    // The built single-page app (the root package's postinstall builds it): its shell and bundle.
    const page = await res.text();
    expect(page).toContain("<title>LLM gateway · dashboard</title>");
    expect(page).toMatch(/<script type="module"[^>]* src="\/ui\/assets\/[^"]+\.js"/);
  });

  it("liveliness needs no key", async () => {
    const res = await fetch(`${gateway.url}/health/liveliness`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("I'm alive!");
  });

  it("readiness needs the key and reports the database", async () => {
    expect((await fetch(`${gateway.url}/health/readiness`)).status).toBe(401);
    const res = await fetch(`${gateway.url}/health/readiness`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "healthy",
      db: "connected",
      database: "pglite",
    });
  });

  it("without litellm_settings.cache, LiteLLM's /cache/ping answers 404 saying how to turn it on", async () => {
    const res = await fetch(`${gateway.url}/cache/ping`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /litellm_settings.cache: true/,
    );
  });

  it("readiness turns unhealthy when the database is gone", async () => {
    const other = await startTestGateway({ config: defaultConfig() });
    await other.gateway.db.close();
    const res = await fetch(`${other.url}/health/readiness`, {
      headers: { authorization: `Bearer ${other.masterKey}` },
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unhealthy", db: "disconnected" });
    await other.close().catch(() => {});
  });

  it("/health reports per-model status", async () => {
    const res = await fetch(`${gateway.url}/health`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { healthy_count: number; healthy_endpoints: unknown[] };
    expect(body.healthy_count).toBe(2);
    expect(body.healthy_endpoints).toHaveLength(2);
  });
});
