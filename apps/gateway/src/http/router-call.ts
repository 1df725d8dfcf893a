import { InvalidRequestError } from "@org/core";
import type { Context } from "hono";
import { resolveKeyAlias } from "@org/budgets";
import type { CallOptions } from "@org/router";
import type { GatewayEnv } from "../gateway-env.ts";
import { clientAbort } from "./client-abort.ts";
import type { GatewayRequestMetadata } from "../request-metadata.ts";

/**
 * The per-request options every route passes to the router: the gateway's request id (the
 * router's call id, under which spend, budget holds and rate-limit slots are kept; never the
 * client's), the client's abort (see client-abort.ts), and the caller's identity, which the budget hooks read (a
 * route that left it out would let a virtual key past its budget and limits). The client's own
 * `x-litellm-call-id` travels as `clientCallId` metadata into the spend log.
 *
 * Every model route calls this inside its error handling, so a bad `x-litellm-call-id` is
 * refused here, as a 400 in the route's envelope, before anything is reserved or called.
 */
export function routerCallOptions(
  c: Context<GatewayEnv>,
  callType: string,
): CallOptions<GatewayRequestMetadata> {
  const problem = c.get("callIdProblem");
  if (problem !== undefined) {
    throw new InvalidRequestError(problem, { param: "x-litellm-call-id", code: "invalid_header" });
  }
  // The router's post-call emits this request's event from here (see refused-request-events).
  c.set("routed", true);
  const clientCallId = c.get("clientCallId");
  // The response cache reads the request's Cache-Control (no-cache, no-store, max-age).
  const cacheControl = c.req.header("cache-control");
  const metadata: GatewayRequestMetadata = {
    identity: c.get("identity"),
    call_type: callType,
    route: c.req.routePath,
  };
  if (clientCallId !== undefined) metadata.clientCallId = clientCallId;
  if (cacheControl !== undefined) metadata.cacheControl = cacheControl;
  // The OTel spans continue the caller's trace (W3C Trace Context); the tracer validates it.
  const traceparent = c.req.header("traceparent");
  if (traceparent !== undefined) metadata.traceparent = traceparent;
  const tracestate = c.req.header("tracestate");
  if (tracestate !== undefined) metadata.tracestate = tracestate;
  // The arrival on the wall clock, from the monotonic stamp the request-context middleware took
  // (performance.timeOrigin drifts from Date.now() over a long uptime; this does not).
  metadata.receivedAt = Date.now() - (performance.now() - c.get("startedAt"));
  return { callId: c.get("requestId"), signal: clientAbort(c), metadata };
}

/**
 * Rewrites the request's model through the calling key's aliases (the key's, then its team's
 * `model_aliases`), as LiteLLM does before routing: the router then routes, and the budget hooks
 * check access on, the model actually called, never on the alias name. Call it right after the
 * body is validated, before anything reads `model`.
 */
export function applyKeyAlias(c: Context<GatewayEnv>, request: { model: string }): void {
  const identity = c.get("identity");
  if (identity?.kind === "virtual_key") request.model = resolveKeyAlias(identity, request.model);
}
