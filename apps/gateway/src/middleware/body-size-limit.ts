import { RequestTooLargeError } from "@org/core";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * Refuses bodies over `maxBytes` with a 413 in the error envelope.
 *
 * A request that declares its length (nearly all) is judged by its `content-length` header:
 * Node's parser never delivers more bytes than declared, so that is the body's size. Only
 * chunked bodies go through hono's `bodyLimit`, which counts them while reading. Why not
 * `bodyLimit` for everything: its first step (`if (!c.req.raw.body)`) makes @hono/node-server
 * build a full WHATWG Request per POST (undici Request, header conversion, a web stream, an
 * AbortController), and the route then reads the body through web streams instead of
 * node-server's direct read: about a tenth of the gateway's CPU per request.
 */
export function bodySizeLimit(maxBytes: number): MiddlewareHandler<GatewayEnv> {
  const tooLarge = () =>
    new RequestTooLargeError(`Request body exceeds the limit of ${maxBytes} bytes`);
  const chunked = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge();
    },
  });
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const headers = c.req.raw.headers;
    const length = headers.get("content-length");
    if (length !== null && !headers.has("transfer-encoding")) {
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    return chunked(c, next);
  });
}
