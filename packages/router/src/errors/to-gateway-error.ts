import { GatewayError, UpstreamError, redactSecrets } from "@org/core";

/**
 * Anything thrown by a call, as a GatewayError. Call functions are expected to throw the typed
 * family already; anything else (a bug, an unmapped network error) is an upstream failure,
 * retryable, with a redacted message.
 */
export function toGatewayError(error: unknown, secrets: readonly string[] = []): GatewayError {
  if (error instanceof GatewayError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(redactSecrets(`Upstream call failed: ${message}`, secrets), {
    cause: error,
  });
}
