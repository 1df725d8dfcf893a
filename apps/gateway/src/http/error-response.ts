import { GatewayError, InvalidRequestError, redactSecrets } from "@org/core";
import type { Logger } from "@org/observability";

/**
 * Every error leaves the gateway in OpenAI's envelope with the status its class fixes.
 * Anything that is not a GatewayError is a bug: it is logged and answered as a 500 without
 * its message (which could carry internals).
 */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError(500, "internal_server_error", "Internal server error", {
    code: "internal_error",
  });
}

export function errorResponse(error: unknown, logger?: Logger): Response {
  const gatewayError = toGatewayError(error);
  if (!(error instanceof GatewayError)) {
    logger?.error("unhandled error", { error });
  }
  const body = gatewayError.toJSON();
  body.error.message = redactSecrets(body.error.message);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    ...gatewayError.headers,
  };
  if (gatewayError.retryAfterMs !== undefined && headers["retry-after"] === undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(gatewayError.retryAfterMs / 1000)));
  }
  return new Response(JSON.stringify(body), { status: gatewayError.status, headers });
}

export function invalidJsonError(detail: string): InvalidRequestError {
  return new InvalidRequestError(`Request body is not valid JSON: ${detail}`, {
    code: "invalid_json",
  });
}
