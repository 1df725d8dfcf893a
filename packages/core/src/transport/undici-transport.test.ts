import { afterEach, describe, expect, it } from "vitest";
import { TimeoutError, UpstreamError } from "../errors/gateway-error.ts";
import { closed, startLocalServer, type LocalServer } from "../__fixtures__/start-local-server.ts";
import { createUndiciTransport } from "./undici-transport.ts";
import type { Transport } from "./transport.ts";

let server: LocalServer | undefined;
let transport: Transport | undefined;

afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

describe("createUndiciTransport", () => {
  it("reuses one keep-alive connection for sequential requests and lower-cases header names", async () => {
    server = await startLocalServer((_req, res, body) => {
      res.writeHead(200, { "Content-Type": "application/json", "X-Request-ID": "req-1" });
      res.end(JSON.stringify({ echo: body }));
    });
    transport = createUndiciTransport();
    for (let i = 0; i < 3; i++) {
      const response = await transport.send({
        url: `${server.origin}/v1/chat?x=${i}`,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: `{"i":${i}}`,
      });
      expect(response.status).toBe(200);
      expect(response.headers["x-request-id"]).toBe("req-1");
      expect(response.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(await response.text())).toEqual({ echo: `{"i":${i}}` });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(server.connections()).toBe(1);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/chat?x=0",
      "/v1/chat?x=1",
      "/v1/chat?x=2",
    ]);
  });

  it("does not open a connection per request when requests follow back-to-back", async () => {
    server = await startLocalServer((_req, res) => res.end("{}"));
    transport = createUndiciTransport();
    for (let i = 0; i < 20; i++) {
      const response = await transport.send({
        url: `${server.origin}/x`,
        method: "POST",
        headers: {},
        body: "{}",
      });
      await response.text();
    }
    // undici frees a socket for the pool a microtask after the body ends, so a request sent
    // in that gap may open one more socket; after that both stay warm and are reused.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it("streams the body as the server writes it", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      await gate;
      res.end("data: two\n\n");
    });
    transport = createUndiciTransport();
    const response = await transport.send({
      url: `${server.origin}/s`,
      method: "GET",
      headers: {},
    });
    const iterator = response.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    release();
    const rest: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next())
      rest.push(new TextDecoder().decode(r.value));
    expect(rest.join("")).toBe("data: two\n\n");
  });

  it("turns a refused connection into a retryable UpstreamError", async () => {
    const probe = await startLocalServer(() => {});
    const origin = probe.origin;
    await probe.close();
    transport = createUndiciTransport();
    const error = await transport
      .send({ url: `${origin}/x`, method: "GET", headers: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(true);
    expect((error as UpstreamError).message).toContain("ECONNREFUSED");
  });

  it("turns a reset connection into a retryable UpstreamError", async () => {
    server = await startLocalServer((req) => req.socket.destroy());
    transport = createUndiciTransport();
    const error = await transport
      .send({ url: `${server.origin}/x`, method: "GET", headers: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).retryable).toBe(true);
  });

  it("turns a headers timeout into a TimeoutError", async () => {
    server = await startLocalServer(() => {
      /* never answers */
    });
    transport = createUndiciTransport();
    const error = await transport
      .send({ url: `${server.origin}/x`, method: "GET", headers: {} }, { headersTimeoutMs: 100 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it("turns a body timeout into a TimeoutError while reading", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
    });
    transport = createUndiciTransport();
    const response = await transport.send(
      { url: `${server.origin}/x`, method: "GET", headers: {} },
      { bodyTimeoutMs: 100 },
    );
    const read = async () => {
      for await (const _ of response.body) {
        /* drain */
      }
    };
    await expect(read()).rejects.toBeInstanceOf(TimeoutError);
  });

  it("rejects with the signal's reason when aborted, and closes the upstream socket", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      upstreamClosed = closed(res);
    });
    transport = createUndiciTransport();
    const controller = new AbortController();
    const reason = new Error("client went away");
    const pending = transport.send(
      { url: `${server.origin}/x`, method: "GET", headers: {} },
      { signal: controller.signal },
    );
    await waitFor(() => server?.requests.length === 1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await upstreamClosed;
  });

  // It says `signalEndsBody`, so callChat reads its bodies without racing the signal: an abort
  // after the headers must fail a pending read itself, with and without a response size limit.
  for (const maxResponseBytes of [undefined, 1_000_000]) {
    it(`fails pending body reads when the signal aborts after the headers (limit: ${maxResponseBytes ?? "none"})`, async () => {
      const upstreamClosed: Promise<void>[] = [];
      server = await startLocalServer((_req, res) => {
        upstreamClosed.push(closed(res));
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n"); // then nothing more: only the abort can end the reads
      });
      transport = createUndiciTransport(maxResponseBytes === undefined ? {} : { maxResponseBytes });
      const send = async () => {
        const controller = new AbortController();
        const response = await transport!.send(
          { url: `${server!.origin}/x`, method: "GET", headers: {} },
          { signal: controller.signal },
        );
        expect(response.signalEndsBody).toBe(true);
        return { response, controller };
      };

      const whole = await send();
      const text = whole.response.text();
      whole.controller.abort(new Error("client went away"));
      await expect(text).rejects.toBeDefined();

      const streamed = await send();
      const reader = streamed.response.body[Symbol.asyncIterator]();
      await reader.next(); // the first event
      const next = reader.next();
      streamed.controller.abort(new Error("client went away"));
      await expect(next).rejects.toBeDefined();
      await Promise.all(upstreamClosed);
    });
  }

  it("rejects with an AbortError when the signal has no reason of its own", async () => {
    server = await startLocalServer(() => {});
    transport = createUndiciTransport();
    const controller = new AbortController();
    const pending = transport.send(
      { url: `${server.origin}/x`, method: "GET", headers: {} },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
}
