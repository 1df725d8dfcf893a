import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { closed, startLocalServer, type LocalServer } from "../__fixtures__/start-local-server.ts";
import { ResponseTooLargeError } from "./response-too-large-error.ts";
import { createUndiciTransport } from "./undici-transport.ts";
import type { Transport } from "./transport.ts";

const LIMIT = 64 * 1024;
let server: LocalServer | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  transport = undefined;
  server = undefined;
});

const limited = () =>
  createUndiciTransport({
    maxResponseBytes: LIMIT,
    maxResponseSetting: "general_settings.max_response_size_mb",
  });

/**
 * Writes 64 KB chunks, honouring back-pressure, until the client goes away or `max` bytes
 * are out; resolves with the bytes written. Without a limit a client would read all of them.
 */
async function writeUntilClosed(res: ServerResponse, max: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  let written = 0;
  const gone = closed(res);
  let isGone = false;
  void gone.then(() => (isGone = true));
  while (!isGone && written < max) {
    written += chunk.length;
    if (!res.write(chunk)) {
      await Promise.race([new Promise((r) => res.once("drain", r)), gone]);
    }
  }
  if (!isGone) res.end();
  return written;
}

describe("createUndiciTransport with maxResponseBytes", () => {
  it("refuses a body whose content-length is over the limit without reading it", async () => {
    let upstreamClosed: Promise<void> | undefined;
    server = await startLocalServer((_req, res) => {
      upstreamClosed = closed(res);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": 100 * 1024 * 1024,
      });
      res.write("{"); // and never the rest: the client must not wait for 100 MB
    });
    transport = limited();
    const response = await transport.send({
      url: `${server.origin}/x`,
      method: "POST",
      headers: {},
    });
    const error = await response.text().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({
      status: 502,
      code: "upstream_response_too_large",
      retryable: false,
    });
    expect((error as Error).message).toContain("0.063 MB");
    expect((error as Error).message).toContain("100 MB");
    expect((error as Error).message).toContain("general_settings.max_response_size_mb");
    await upstreamClosed; // the socket was closed, not kept to drain 100 MB
  });

  it("stops reading a chunked body as soon as it passes the limit, and closes the connection", async () => {
    let sent: Promise<number> | undefined;
    const ceiling = 256 * 1024 * 1024;
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" }); // chunked: no length
      sent = writeUntilClosed(res, ceiling);
    });
    transport = limited();
    const response = await transport.send({
      url: `${server.origin}/x`,
      method: "POST",
      headers: {},
    });
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
    // The upstream was cut off: it got nowhere near what it wanted to send (socket buffers on
    // loopback hold a few MB at most).
    expect(await sent).toBeLessThan(ceiling / 4);
  });

  it("also limits an error body", async () => {
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      await writeUntilClosed(res, LIMIT * 4);
    });
    transport = limited();
    const response = await transport.send({
      url: `${server.origin}/x`,
      method: "GET",
      headers: {},
    });
    expect(response.status).toBe(500);
    await expect(response.text()).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it("reads a body up to the limit whole, multi-byte characters split across chunks included", async () => {
    const text = "é".repeat(LIMIT / 2); // exactly LIMIT bytes
    server = await startLocalServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += 1001) res.write(bytes.subarray(i, i + 1001));
      res.end();
    });
    transport = limited();
    const response = await transport.send({
      url: `${server.origin}/x`,
      method: "GET",
      headers: {},
    });
    expect(await response.text()).toBe(text);
  });
});
