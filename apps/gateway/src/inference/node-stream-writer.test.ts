import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer, type HttpBindings } from "@hono/node-server";
import { chatCompletionsFormat, UpstreamError, type ChatStreamPart } from "@org/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALREADY_SENT, writeStreamToNode } from "./node-stream-writer.ts";
import type { StreamPumpOptions } from "./stream-pump.ts";

// The server writes streamed answers to Node's response itself (issue 22): these run it behind
// @hono/node-server's real request listener, as the gateway does, and read it as a client.

const bytes = (text: string) => new TextEncoder().encode(text);
const format = { format: chatCompletionsFormat };
const encoder = () =>
  chatCompletionsFormat.createStreamEncoder({ model: "m", messages: [], stream: true });
const quiet = { error: () => {} };

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

type Options = StreamPumpOptions<unknown>;

/** A server whose every request is answered by `writeStreamToNode` with `options()`. */
async function serveStream(options: () => Options, beforeWrite?: (env: HttpBindings) => void) {
  const server = createAdaptorServer({
    fetch: (_request: Request, bindings: unknown) => {
      const env = bindings as HttpBindings;
      beforeWrite?.(env);
      void writeStreamToNode(
        env.outgoing,
        200,
        { "content-type": "text/event-stream", "x-test": "1" },
        options(),
        quiet,
      );
      return ALREADY_SENT;
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push({ close: () => server.close() });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function* raws(texts: string[]): AsyncGenerator<ChatStreamPart> {
  for (const text of texts) yield { chunks: [], raw: bytes(text) };
}

describe("writeStreamToNode", () => {
  it("answers with the headers, every event and the end marker after the spend, nothing added", async () => {
    const order: string[] = [];
    const url = await serveStream(() => ({
      ...format,
      encoder: encoder(),
      parts: raws(['data: {"a":1}\n\n', 'data: {"a":2}\n\ndata: [DONE]\n\n']),
      passthrough: true,
      beforeEnd: async () => {
        order.push("journaled");
      },
      onClose: () => order.push("closed"),
    }));
    const res = await fetch(url, { method: "POST" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-test")).toBe("1");
    expect(await res.text()).toBe('data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n');
    expect(order).toEqual(["journaled", "closed"]);
    // The connection is kept and answers again (node-server wrote nothing after the stream).
    const again = await fetch(url, { method: "POST" });
    expect(await again.text()).toContain("data: [DONE]");
  });

  it("ends a failed stream with the format's error event and no end marker", async () => {
    async function* failing(): AsyncGenerator<ChatStreamPart> {
      yield { chunks: [], raw: bytes('data: {"a":1}\n\n') };
      throw new UpstreamError("upstream broke");
    }
    const order: string[] = [];
    const url = await serveStream(() => ({
      ...format,
      encoder: encoder(),
      parts: failing(),
      passthrough: true,
      beforeEnd: async () => {
        order.push("journaled");
      },
      onClose: () => order.push("closed"),
    }));
    const text = await (await fetch(url, { method: "POST" })).text();
    const error = new UpstreamError("upstream broke").toJSON();
    expect(text).toBe(`data: {"a":1}\n\ndata: ${JSON.stringify(error)}\n\n`);
    expect(order).toEqual(["journaled", "closed"]);
  });

  it("stops the upstream read once when the client hangs up mid-stream", async () => {
    let returned = 0;
    let closed = 0;
    const url = await serveStream(() => ({
      ...format,
      encoder: encoder(),
      parts: {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return { done: false, value: { chunks: [], raw: bytes('data: {"a":1}\n\n') } };
          },
          return: async () => {
            returned++;
            return { done: true, value: undefined };
          },
        }),
      },
      passthrough: true,
      onClose: () => closed++,
    }));
    const client = new AbortController();
    const res = await fetch(url, { method: "POST", signal: client.signal });
    const reader = res.body!.getReader();
    await reader.read();
    client.abort();
    await vi.waitFor(() => expect(returned).toBe(1), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(returned).toBe(1);
    expect(closed).toBe(1);
  });

  it("reads upstream no faster than the client takes the bytes (waits for drain)", async () => {
    let read = 0;
    const big = bytes(`data: ${"x".repeat(64 * 1024)}\n\n`);
    const url = await serveStream(() => ({
      ...format,
      encoder: encoder(),
      parts: {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            read++;
            // A macrotask per part, like a socket read: without it, a writer that ignored
            // backpressure would starve this test's timers instead of failing it.
            await new Promise((resolve) => setImmediate(resolve));
            return { done: false, value: { chunks: [], raw: big } };
          },
          return: async () => ({ done: true, value: undefined }),
        }),
      },
      passthrough: true,
    }));
    // A client that reads the headers and then nothing.
    const req = httpRequest(url, { method: "POST" });
    const response = await new Promise<import("node:http").IncomingMessage>((resolve) => {
      req.on("response", resolve);
      req.end();
    });
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stalled = read;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Bounded by the socket buffers (a few MB on loopback), not by how fast the upstream is:
    // without waiting for drain the loop reads tens of thousands of 64 KB parts in this time.
    expect(read).toBe(stalled);
    expect(read * big.byteLength).toBeLessThan(64 * 1024 * 1024);
    req.destroy();
  });

  it("never starts a stream whose client is already gone, and releases it once", async () => {
    let returned = 0;
    let closed = 0;
    const url = await serveStream(
      () => ({
        ...format,
        encoder: encoder(),
        parts: {
          [Symbol.asyncIterator]: () => ({
            next: async () => ({ done: false, value: { chunks: [], raw: bytes("data: 1\n\n") } }),
            return: async () => {
              returned++;
              return { done: true, value: undefined };
            },
          }),
        },
        passthrough: true,
        onClose: () => closed++,
      }),
      (env) => env.outgoing.destroy(),
    );
    await expect(fetch(url, { method: "POST" })).rejects.toThrow();
    await vi.waitFor(() => expect(returned).toBe(1));
    expect(closed).toBe(1);
  });

  it("ALREADY_SENT stays a native Response when node-server replaced the global one first", async () => {
    // node-server's own lightweight Response would be answered again on top of the stream.
    createAdaptorServer({ fetch: () => new Response("") }); // replaces globalThis.Response
    vi.resetModules();
    const fresh = await import("./node-stream-writer.ts");
    const native = (await fetch("data:,")).constructor as typeof Response;
    expect(globalThis.Response).not.toBe(native);
    // Not `instanceof`: node-server's class inherits from the native one.
    expect(Object.getPrototypeOf(fresh.ALREADY_SENT)).toBe(native.prototype);
    const url = await serveStream(() => ({
      ...format,
      encoder: encoder(),
      parts: raws(["data: 1\n\n", "data: [DONE]\n\n"]),
      passthrough: true,
    }));
    // The freshly imported constant, used as the route would.
    const server = createAdaptorServer({
      fetch: (_request: Request, bindings: unknown) => {
        const env = bindings as HttpBindings;
        void fresh.writeStreamToNode(
          env.outgoing,
          200,
          {},
          {
            ...format,
            encoder: encoder(),
            parts: raws(["data: 2\n\n", "data: [DONE]\n\n"]),
            passthrough: true,
          },
          quiet,
        );
        return fresh.ALREADY_SENT;
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push({ close: () => server.close() });
    const port = (server.address() as AddressInfo).port;
    for (const target of [url, `http://127.0.0.1:${port}/`]) {
      const res = await fetch(target, { method: "POST" });
      expect(await res.text()).toMatch(/^data: \d\n\ndata: \[DONE\]\n\n$/);
    }
  });
});
