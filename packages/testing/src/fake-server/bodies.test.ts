import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { binaryStream } from "./binary-stream.ts";
import { json } from "./json.ts";
import { ndjson } from "./ndjson.ts";
import { rawBody } from "./raw-body.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

describe("json", () => {
  it("sends the serialized body with content-length", async () => {
    fake = await startFakeServer(
      json({ b: 1, a: "ü" }, { status: 202, headers: { "Retry-After": "7" } }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(202);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength('{"b":1,"a":"ü"}')));
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.text()).toBe('{"b":1,"a":"ü"}');
  });
});

describe("rawBody", () => {
  it("sends the exact bytes with the given content type", async () => {
    fake = await startFakeServer(
      rawBody("<html>502 Bad Gateway</html>", { status: 502, contentType: "text/html" }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(502);
    expect(res.headers["content-type"]).toBe("text/html");
    expect(res.text()).toBe("<html>502 Bad Gateway</html>");
  });

  it("can announce more than it sends and cut the body short", async () => {
    fake = await startFakeServer(
      rawBody('{"id":"x","choi', { headers: { "content-length": "23" }, endWith: "destroy" }),
    );
    const res = await rawRequest(fake.url);
    expect(res.headers["content-length"]).toBe("23");
    expect(res.text()).toBe('{"id":"x","choi');
    expect(res.error).toBeDefined();
  });
});

describe("ndjson", () => {
  it("serializes objects one per line and sends strings verbatim", async () => {
    fake = await startFakeServer(
      ndjson([{ done: false, n: 1 }, '{"partial":', "\n", { done: true }]),
    );
    const res = await rawRequest(fake.url);
    expect(res.headers["content-type"]).toBe("application/x-ndjson");
    expect(res.text()).toBe('{"done":false,"n":1}\n{"partial":\n\n{"done":true}\n');
  });
});

describe("binaryStream", () => {
  it("sends the frames byte for byte", async () => {
    const frames = [Buffer.from([0, 0, 0, 16, 0xff, 0x0a, 0x0d]), Buffer.from([1, 2, 3, 0x80])];
    fake = await startFakeServer(
      binaryStream(frames, {
        contentType: "application/vnd.amazon.eventstream",
        splitWrites: "mid-event",
        delayMs: 1,
      }),
    );
    const res = await rawRequest(fake.url);
    expect(res.headers["content-type"]).toBe("application/vnd.amazon.eventstream");
    expect(res.body.equals(Buffer.concat(frames))).toBe(true);
    expect(res.reads.length).toBeGreaterThan(1);
  });
});
