import { createMiddleware } from "hono/factory";
import { KeyAuthError } from "@org/budgets";
import { GatewayError } from "@org/core";
import type { CallType, RecordRequestOptions, RequestEvent } from "@org/observability";
import { classifyError } from "@org/router";
import type { GatewayEnv } from "../gateway-env.ts";

/**
 * The one event of an inference request refused before the router ran: a missing, bad, blocked
 * or expired key (401), a route the key may not use (403), a body too large (413), a malformed
 * body or header (400), a missing `user` under enforce_user_param. The router's post-call emits
 * every other request's event (its own refusals included: model access 403, limits 429, budget
 * 400, unknown model), exactly once; a route marks `routed` when it hands the request to the
 * router, so this middleware emits only for the requests the router never saw: never twice.
 *
 * Mounted before auth on the inference paths only, so it sees each one's final status, also when
 * auth throws (Hono's onError answers inside the chain). The event carries what is known without
 * reading the body: the route, the status and error class, and the caller when auth resolved it,
 * or the hash of a held key auth refused (blocked, expired); an unknown key is never hashed here:
 * a flood of invented keys must not become labels.
 */
export function refusedRequestEvents(
  publish: (event: RequestEvent, trace?: RecordRequestOptions) => void,
  callType: CallType,
  route: string,
) {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    await next();
    if (c.get("routed") === true) return;
    const status = c.res.status;
    if (status < 400) return;
    const endTime = Date.now();
    const identity = c.get("identity");
    const key = identity?.kind === "virtual_key" ? identity : undefined;
    const error = c.error instanceof GatewayError ? c.error : undefined;
    // A held key refused at auth (blocked, expired, team blocked) is named by its hash.
    const keyHash =
      identity?.keyHash ?? (error instanceof KeyAuthError ? error.keyHash : undefined);
    const event: RequestEvent = {
      callId: c.get("callId"),
      route,
      callType,
      stream: false,
      // The arrival on the wall clock, from the monotonic stamp taken by request-context.
      startTime: endTime - (performance.now() - c.get("startedAt")),
      endTime,
      ...(keyHash ? { keyHash } : {}),
      ...(key?.keyAlias ? { keyAlias: key.keyAlias } : {}),
      ...(key?.teamId ? { teamId: key.teamId } : {}),
      ...(key?.teamAlias ? { teamAlias: key.teamAlias } : {}),
      ...(key?.userId ? { userId: key.userId } : {}),
      ...(key?.organizationId ? { orgId: key.organizationId } : {}),
      requestedModel: "",
      cacheHit: false,
      retries: 0,
      fallbacks: [],
      status: "failure",
      httpStatus: status,
      errorClass: error ? classifyError(error) : classOfStatus(status),
      errorStatus: status,
      // Auth refusals name the presented key (abbreviated) and its hash: kept out of the sinks.
      ...(error && status !== 401 ? { errorMessage: error.message } : {}),
      tags: [],
    };
    // Its server span (OTel) continues the caller's trace like a routed request's.
    const traceparent = c.req.header("traceparent");
    const tracestate = c.req.header("tracestate");
    publish(event, {
      ...(traceparent !== undefined ? { traceparent } : {}),
      ...(tracestate !== undefined ? { tracestate } : {}),
    });
  });
}

/** LiteLLM's call types (the route table's) → the event's surface, as request-event-of maps them. */
export function surfaceOf(litellmCallType: string): CallType {
  switch (litellmCallType) {
    case "atext_completion":
      return "completion";
    case "aembedding":
      return "embedding";
    case "anthropic_messages":
      return "messages";
    case "aresponses":
      return "responses";
    default:
      return "chat";
  }
}

/** LiteLLM's exception name for a status answered without a typed error (route validation). */
function classOfStatus(status: number): string {
  if (status === 401) return "AuthenticationError";
  if (status === 403) return "PermissionDeniedError";
  if (status === 404) return "NotFoundError";
  if (status === 408) return "TimeoutError";
  if (status === 429) return "RateLimitError";
  if (status >= 500) return "InternalServerError";
  return "BadRequestError";
}
