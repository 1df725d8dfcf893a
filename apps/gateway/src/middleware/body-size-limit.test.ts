import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { GatewayEnv } from "../gateway-env.ts";
import { errorResponse } from "../http/error-response.ts";
import { bodySizeLimit } from "./body-size-limit.ts";

function app(maxBytes: number) {
  const hono = new Hono<GatewayEnv>();
  hono.onError((error) => errorResponse(error));
  hono.use(bodySizeLimit(maxBytes));
  hono.post("/echo", async (c) => c.text(await c.req.text()));
  return hono;
}

function chunkedBody(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://gateway/echo", {
    method: "POST",
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);

describe("bodySizeLimit", () => {
  it("refuses a declared length over the limit with a 413 in the error envelope", async () => {
    const res = await app(10).request(post("x".repeat(11), { "content-length": "11" }));
    expect(res.status).toBe(413);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("request_too_large");
    expect(body.error.message).toContain("10 bytes");
  });

  it("passes a declared length at the limit, body intact", async () => {
    const res = await app(10).request(post("0123456789", { "content-length": "10" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("0123456789");
  });

  it("counts a chunked body while reading it: over the limit is a 413", async () => {
    const res = await app(10).request(post(chunkedBody(["01234", "56789", "!"])));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      "request_too_large",
    );
  });

  it("passes a chunked body within the limit, body intact", async () => {
    const res = await app(10).request(post(chunkedBody(["01234", "5678"])));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("012345678");
  });
});
