import type { HttpBindings } from "@hono/node-server";
import { CallAbort, type AbortLike } from "@org/core";
import type { Context } from "hono";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * The client going away, as the abort the router hands each attempt. Under @hono/node-server,
 * reading `c.req.raw.signal` builds an AbortController for the request (~5-7 µs, the largest
 * single node-internal cost of a proxied request in the profiles, issue 22); the router needs
 * only `aborted` and abort listeners, which a CallAbort tied to the response's `close` gives.
 * Same rule as node-server's own signal: the response closing before it was fully written
 * (the client hung up, or its request stream errored) is an abort; a finished response is not.
 * Where there is no Node response (`app.request()` in tests, another runtime) the Request's
 * own signal is used.
 */
export function clientAbort(c: Context<GatewayEnv>): AbortLike {
  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing;
  if (outgoing === undefined) return c.req.raw.signal;
  const abort = new CallAbort();
  const onClose = () => {
    if (!outgoing.writableFinished) {
      abort.abort(new DOMException("Client connection prematurely closed.", "AbortError"));
    }
  };
  if (outgoing.closed || outgoing.destroyed) onClose();
  else outgoing.once("close", onClose);
  return abort;
}
