import { GatewayError } from "@org/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { serve, type RunningServer } from "../server/serve.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A header value Node refuses must never turn a response into a plain-text `500 OK` (or an
// unhandled rejection): whatever puts it there, the caller gets a JSON error. The real app and
// server, with test routes that set the kind of values a model name or upstream could carry.
describe("invalid response header values", { timeout: 60_000 }, () => {
  let base: TestGateway;
  let running: RunningServer;
  let url: string;
  let streamCancelled: Promise<void>;

  beforeAll(async () => {
    base = await startTestGateway({});
    const app = createApp(base.gateway.deps);
    // Fetch's Headers refuse CR/LF and anything past Latin-1; Node also refuses controls.
    app.get("/test/hono-header", (c) => {
      c.header("x-model", "a\r\nb");
      return c.json({ ok: true });
    });
    app.get("/test/sync-control-char", (c) => c.json({ ok: true }, 200, { "x-model": "a\u0001b" }));
    app.get("/test/async-control-char", async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      return c.json({ ok: true }, 200, { "x-model": "a\u007fb" });
    });
    let cancelled!: () => void;
    streamCancelled = new Promise((resolve) => (cancelled = resolve));
    app.get("/test/stream-control-char", () => {
      const stream = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new TextEncoder().encode("data: x\n\n")),
        cancel: () => cancelled(),
      });
      return new Response(stream, {
        headers: { "content-type": "text/event-stream", "x-model": "a\u0002b" },
      });
    });
    app.get("/test/error-with-bad-headers", () => {
      throw new GatewayError(429, "rate_limit_error", "slow down", {
        headers: { "x-litellm-model-group": "naïve\r\nSet-Cookie: x=1", "bad name": "v" },
      });
    });
    running = await serve({
      fetch: app.fetch,
      port: 0,
      host: "127.0.0.1",
      inFlight: base.gateway.deps.inFlight,
      logger: base.gateway.deps.logger,
      drainTimeoutMs: 1000,
    });
    url = `http://127.0.0.1:${running.port}`;
  });
  afterAll(async () => {
    await running?.shutdown();
    await base?.close();
  });

  const get = (path: string) =>
    fetch(`${url}${path}`, { headers: { authorization: `Bearer ${base.masterKey}` } });

  async function expectJson500(path: string): Promise<void> {
    const res = await get(path);
    expect(res.status).toBe(500);
    expect(res.statusText).toBe("Internal Server Error");
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-model")).toBeNull();
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("internal_server_error");
  }

  it("a header Hono's Headers refuse (CR/LF): JSON 500 from onError", async () => {
    await expectJson500("/test/hono-header");
  });

  it("a control character only Node refuses, on the synchronous fast path: JSON 500, server alive", async () => {
    await expectJson500("/test/sync-control-char");
    await expectJson500("/test/sync-control-char");
    expect((await get("/health/liveliness")).status).toBe(200);
  });

  it("the same from an async handler: JSON 500, not plain-text `500 OK`", async () => {
    await expectJson500("/test/async-control-char");
  });

  it("a streamed response: JSON 500, and the stream is cancelled rather than drained", async () => {
    await expectJson500("/test/stream-control-char");
    await streamCancelled;
  });

  it("an error's own headers are made sendable: its status and JSON body survive", async () => {
    const res = await get("/test/error-with-bad-headers");
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("x-litellm-model-group")).toBe("na%C3%AFve%0D%0ASet-Cookie: x=1");
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("slow down");
  });
});
