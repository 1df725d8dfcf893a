import { AuthenticationError, type GatewayError, PermissionDeniedError } from "@org/core";

/**
 * A provider's 401/403 goes to the client with LiteLLM's status, but with a message that says
 * whose credentials failed. An SDK shows "401 Incorrect API key provided" the same way whether
 * the gateway refused the caller's key or the provider refused the deployment's, and callers
 * then rotate the wrong key. The provider's own (redacted) words are kept after the explanation.
 */
export function explainUpstreamCredentialsError(
  error: GatewayError,
  modelGroup: string,
): GatewayError {
  const status = error.upstreamStatus;
  if ((status !== 401 && status !== 403) || error.status !== status) return error;
  const provider = error.provider ?? "unknown";
  const what = status === 401 ? "rejected the credentials" : "refused access with the credentials";
  const message =
    `The upstream provider (${provider}) ${what} configured for model group "${modelGroup}" ` +
    `(HTTP ${status}), not your key to this gateway: check the deployment's api_key. ` +
    `Provider message: ${error.message}`;
  const options = {
    param: error.param,
    code: error.code,
    retryable: error.retryable,
    provider,
    upstreamStatus: status,
    headers: error.headers,
    cause: error,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
  return status === 401
    ? new AuthenticationError(message, options)
    : new PermissionDeniedError(message, options);
}
