import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { sse } from "./sse.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const events = [
  '{"id":"1","choices":[{"delta":{"content":"héllo 🙂"}}]}',
  "event: ping\ndata: {}\n\n",
  ": keep-alive\n\n",
  'data:{"crlf":true}\r\n\r\n',
  "[DONE]",
];
const expectedBody =
  'data: {"id":"1","choices":[{"delta":{"content":"héllo 🙂"}}]}\n\n' +
  "event: ping\ndata: {}\n\n" +
  ": keep-alive\n\n" +
  'data:{"crlf":true}\r\n\r\n' +
  "data: [DONE]\n\n";

describe("sse", () => {
  it("writes exactly the framed events, chunked, as text/event-stream", async () => {
    fake = await startFakeServer(sse(events));
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/event-stream");
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    expect(res.body.equals(Buffer.from(expectedBody, "utf8"))).toBe(true);
    expect(res.error).toBeUndefined();
  });

  it("takes status, headers and content type", async () => {
    fake = await startFakeServer(
      sse(["x"], {
        status: 201,
        headers: { "X-Request-Id": "req_1" },
        contentType: "text/event-stream; charset=utf-8",
      }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(201);
    expect(res.headers["x-request-id"]).toBe("req_1");
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  });

  it("byte-count splits arrive in several reads and reassemble exactly, unicode included", async () => {
    fake = await startFakeServer(sse(events, { splitWrites: 7, delayMs: 2 }));
    const res = await rawRequest(fake.url);
    expect(res.reads.length).toBeGreaterThan(1);
    expect(Math.max(...res.reads.map((read) => read.byteLength))).toBeLessThan(
      Buffer.byteLength(expectedBody),
    );
    expect(res.body.equals(Buffer.from(expectedBody, "utf8"))).toBe(true);
  });

  it("mid-line splits deliver partial lines", async () => {
    fake = await startFakeServer(
      sse(["first payload", "second payload"], { splitWrites: "mid-line", delayMs: 2 }),
    );
    const res = await rawRequest(fake.url);
    expect(res.text()).toBe("data: first payload\n\ndata: second payload\n\n");
    expect(res.reads.length).toBeGreaterThan(2);
    expect(res.reads.some((read) => !read.toString("utf8").endsWith("\n\n"))).toBe(true);
  });

  it("spaces events by delayMs", async () => {
    fake = await startFakeServer(sse(["a", "b", "c"], { delayMs: 40 }));
    const started = Date.now();
    await rawRequest(fake.url);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("firstByteDelayMs sends the headers at once and the body later", async () => {
    // A minute's delay: the headers arriving at all proves they were not held with the body,
    // and no body byte may have come with them.
    fake = await startFakeServer(sse(["a"], { firstByteDelayMs: 60_000 }));
    let bodyBytes = 0;
    const req = request(fake.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      req.on("response", (res) => {
        res.on("data", (chunk: Buffer) => (bodyBytes += chunk.length));
        res.on("error", () => {});
        resolve(res.statusCode);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodyBytes).toBe(0);
    req.destroy();
  });
});
