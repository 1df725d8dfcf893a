import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { destroySocket } from "./destroy-socket.ts";
import { hang } from "./hang.ts";
import { json } from "./json.ts";
import { sse } from "./sse.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

let fake: FakeServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(...args: Parameters<typeof startFakeServer>): Promise<FakeServer> {
  fake = await startFakeServer(...args);
  return fake;
}

const bodyOf = async (url: string) => JSON.parse((await rawRequest(url)).text()) as unknown;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether `promise` settles within `ms` of real time. A guard against hanging forever with a
 * bound far above any normal duration, so a busy machine cannot make it fail: not a speed test.
 */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, guard]);
  } finally {
    clearTimeout(timer);
  }
}

describe("startFakeServer: recording", () => {
  it("listens on 127.0.0.1 on a random port", async () => {
    const server = await start(json({ ok: true }));
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("records method, path with query, lower-cased headers, raw and parsed body, time", async () => {
    const server = await start(json({ ok: true }));
    const before = Date.now();
    const raw = '{"model":"m", "n":1}';
    await rawRequest(`${server.url}/v1/chat/completions?api-version=2024-10-21`, {
      method: "POST",
      headers: { "X-Custom-Header": "Value", "content-type": "application/json" },
      body: raw,
    });
    const [recorded] = server.requests;
    expect(recorded).toMatchObject({
      method: "POST",
      path: "/v1/chat/completions?api-version=2024-10-21",
      pathname: "/v1/chat/completions",
      body: raw,
      json: { model: "m", n: 1 },
      aborted: false,
    });
    expect(recorded?.headers["x-custom-header"]).toBe("Value");
    expect(recorded?.timestamp).toBeGreaterThanOrEqual(before);
    expect(recorded?.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it("leaves json undefined for a body that is not JSON", async () => {
    const server = await start(json({}));
    await rawRequest(server.url, { method: "POST", body: "not json" });
    expect(server.requests[0]?.body).toBe("not json");
    expect(server.requests[0]?.json).toBeUndefined();
  });

  it("counts calls, optionally by path prefix", async () => {
    const server = await start(json({}));
    await rawRequest(`${server.url}/v1/embeddings`);
    await rawRequest(`${server.url}/v1/chat/completions`);
    await rawRequest(`${server.url}/v1/chat/completions?x=1`);
    expect(server.callCount()).toBe(3);
    expect(server.callCount("/v1/chat")).toBe(2);
    expect(server.callCount("/v2")).toBe(0);
  });
});

describe("startFakeServer: scripting", () => {
  it("answers with the queue in order, then the default", async () => {
    const server = await start(json({ n: "default" }));
    server.enqueue(json({ n: 1 }), () => json({ n: 2 }));
    server.enqueue(async (req) => json({ n: 3, path: req.path }));
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await bodyOf(`${server.url}/x`));
    expect(answers).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3, path: "/x" },
      { n: "default" },
      { n: "default" },
    ]);
  });

  it("setDefault replaces the default; reset restores it and forgets requests and queue", async () => {
    const server = await start(json({ n: "original" }));
    server.setDefault(json({ n: "replaced" }));
    expect(await bodyOf(server.url)).toEqual({ n: "replaced" });
    server.enqueue(json({ n: "queued" }));
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect(await bodyOf(server.url)).toEqual({ n: "original" });
    expect(server.callCount()).toBe(1);
  });

  it("authorize answers first and does not consume the queue", async () => {
    const server = await start(json({ n: "default" }), {
      authorize: (req) =>
        req.headers["x-key"] === "good" ? undefined : json({ denied: true }, { status: 401 }),
    });
    server.enqueue(json({ n: "queued" }));
    const denied = await rawRequest(server.url);
    expect(denied.status).toBe(401);
    expect(await bodyOf(server.url)).toEqual({ denied: true });
    const allowed = await rawRequest(server.url, { headers: { "x-key": "good" } });
    expect(JSON.parse(allowed.text())).toEqual({ n: "queued" });
  });

  it("answers 500 with the error when a responder throws", async () => {
    const server = await start(() => {
      throw new Error("broken responder");
    });
    const res = await rawRequest(server.url);
    expect(res.status).toBe(500);
    expect(res.text()).toContain("broken responder");
  });

  it("waitFor rejects when the condition is not met in time", async () => {
    const server = await start(json({}));
    await expect(server.waitFor((requests) => requests.length > 0, 50)).rejects.toThrow(/50 ms/);
  });
});

describe("startFakeServer: connection behaviour", () => {
  it("marks a request aborted when the client disconnects before an answer", async () => {
    const server = await start(hang());
    const controller = new AbortController();
    const pending = rawRequest(server.url, { signal: controller.signal });
    await server.waitFor((requests) => requests.length === 1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await server.waitFor((requests) => requests[0]?.aborted === true, 2000);
  });

  it("marks a request aborted when the client disconnects mid-stream", async () => {
    const server = await start(sse(["first"], { endWith: "hang" }));
    const req = request(server.url);
    req.on("error", () => {});
    req.on("response", (res) => res.once("data", () => req.destroy()));
    req.end();
    await server.waitFor((requests) => requests[0]?.aborted === true, 2000);
  });

  it("does not mark a completed request aborted", async () => {
    const server = await start(sse(["a", "b"]));
    await rawRequest(server.url);
    await sleep(50);
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it("close() releases a hanging request at once and does not count it as a client abort", async () => {
    const server = await start(hang());
    const pending = rawRequest(server.url);
    await server.waitFor((requests) => requests.length === 1);
    // The response never ends: close() that waited for it would never settle.
    expect(await settlesWithin(server.close(), 15_000)).toBe(true);
    await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it("close() also cuts idle keep-alive connections", async () => {
    const server = await start(json({ ok: true }));
    const agent = new Agent({ keepAlive: true });
    try {
      await rawRequest(server.url, { agent });
      await rawRequest(server.url, { agent });
      // One idle keep-alive connection, which the server has cut by the time close() settles.
      const idle = Object.values(agent.freeSockets).flat();
      expect(idle).toHaveLength(1);
      const idleClosed = new Promise((resolve) => idle[0]!.once("close", resolve));
      expect(await settlesWithin(server.close(), 15_000)).toBe(true);
      expect(await settlesWithin(idleClosed, 15_000)).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it("destroySocket() resets the connection", async () => {
    const server = await start(destroySocket());
    await expect(rawRequest(server.url)).rejects.toThrow(/ECONNRESET|socket hang up/);
    await sleep(20);
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it("endWith destroy cuts the body after the events that were sent", async () => {
    const server = await start(sse(["one", "two"], { endWith: "destroy" }));
    const res = await rawRequest(server.url);
    expect(res.status).toBe(200);
    expect(res.text()).toBe("data: one\n\ndata: two\n\n");
    expect(res.error).toBeDefined();
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it("endWith hang keeps the stream open until close()", async () => {
    const server = await start(sse(["one"], { endWith: "hang" }));
    const pending = rawRequest(server.url);
    await server.waitFor((requests) => requests.length === 1);
    await sleep(50);
    await server.close();
    const res = await pending;
    expect(res.text()).toBe("data: one\n\n");
    expect(res.error).toBeDefined();
    expect(server.requests[0]?.aborted).toBe(false);
  });

  it("close() is idempotent", async () => {
    const server = await start(json({}));
    await Promise.all([server.close(), server.close()]);
    await server.close();
  });
});
