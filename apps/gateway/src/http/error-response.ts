import { validateHeaderName } from "node:http";
import {
  chatCompletionsFormat,
  GatewayError,
  InvalidRequestError,
  headerValue,
  redactSecrets,
  type InboundFormat,
} from "@org/core";
import type { Logger } from "@org/observability";

/**
 * Every error leaves the gateway with the status its class fixes, in the envelope of the format
 * the client speaks (OpenAI's unless told otherwise). Anything that is not a GatewayError is a
 * bug: it is logged and answered as a 500 without its message (which could carry internals).
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(500, "internal_server_error", "Internal server error", {
    code: "internal_error",
  });
}

export function errorResponse(
  error: unknown,
  logger?: Logger,
  format: Pick<InboundFormat, "errorBody"> = chatCompletionsFormat,
  /** The request's call id, for the log line (request_id on every line of a request). */
  requestId?: string,
): Response {
  if (!(error instanceof GatewayError)) {
    logger?.error("unhandled error", { request_id: requestId, error });
  }
  const visible = visibleError(error);
  return new Response(JSON.stringify(format.errorBody(visible)), {
    status: visible.status,
    headers: errorHeaders(visible),
  });
}

/**
 * The error as a client may see it: a GatewayError whose message has any secret (an API key an
 * upstream echoed) redacted. Every error body and error event is built from this.
 */
export function visibleError(error: unknown): GatewayError {
  const gatewayError = toGatewayError(error);
  const message = redactSecrets(gatewayError.message);
  if (message === gatewayError.message) return gatewayError;
  const copy = Object.create(Object.getPrototypeOf(gatewayError) as object) as GatewayError;
  return Object.assign(copy, gatewayError, { message });
}

/**
 * The headers of an error response: JSON, the error's own headers, retry-after. The error path
 * must not fail in turn, so every value is made sendable (percent-encoded where Node or the Fetch
 * API would refuse it) and a header whose name is not a valid token is dropped.
 */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  for (const [name, value] of Object.entries(error.headers)) {
    if (!isValidHeaderName(name) || name.toLowerCase() === "content-type") continue;
    headers[name] = headerValue(String(value));
  }
  if (error.retryAfterMs !== undefined && headers["retry-after"] === undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  }
  return headers;
}

function isValidHeaderName(name: string): boolean {
  try {
    validateHeaderName(name);
    return true;
  } catch {
    return false;
  }
}

export function invalidJsonError(detail: string): InvalidRequestError {
  return new InvalidRequestError(`Request body is not valid JSON: ${detail}`, {
    code: "invalid_json",
  });
}
