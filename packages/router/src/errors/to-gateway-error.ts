import { GatewayError, UpstreamError, redactSecrets } from "@org/core";
import { isLocalFailure, localRequestError } from "./local-request-error.ts";

/**
 * Anything thrown by a call, as a GatewayError. Call functions are expected to throw the typed
 * family already (@org/core wraps whatever fails once the request is on its way). A RangeError
 * or TypeError that reaches us raw was thrown here, while building the request: a local failure,
 * the caller's 400 (LocalRequestError). Anything else (an unmapped network error) is an upstream
 * failure, retryable, with a redacted message.
 */
export function toGatewayError(error: unknown, secrets: readonly string[] = []): GatewayError {
  if (error instanceof GatewayError) {
    // A provider's mapped error is redacted by its adapter for the api_key it was given; the
    // deployment's other credentials (a key in api_base's query, extra_headers) only the router
    // knows, and an upstream may echo them (a 401 naming the URL it was called at).
    if (secrets.some((secret) => secret.length >= 4 && error.message.includes(secret))) {
      error.message = redactSecrets(error.message, secrets);
    }
    return error;
  }
  if (isLocalFailure(error)) return localRequestError(error, secrets);
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamError(redactSecrets(`Upstream call failed: ${message}`, secrets), {
    cause: error,
  });
}
