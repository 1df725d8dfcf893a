import {
  looksLikeContentPolicyError,
  looksLikeContextWindowError,
} from "../../errors/error-message-patterns.ts";
import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  GatewayError,
  type GatewayErrorOptions,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { parseRetryAfterMs } from "../../errors/parse-retry-after.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { CohereErrorBodySchema } from "./wire-schemas.ts";

/** Reads `{"message": "..."}`; any other body becomes the message, truncated. */
export function readCohereError(body: string, status: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const result = CohereErrorBodySchema.safeParse(parsed);
  if (result.success) return result.data.message;
  const text = body.trim();
  return text === ""
    ? `Cohere returned HTTP ${status}`
    : `Cohere returned HTTP ${status}: ${text.slice(0, 500)}`;
}

/**
 * Maps a non-2xx Cohere answer (or a mid-stream failure) to the error family, per Cohere's
 * "Errors" reference: 400 bad request ("too many tokens: ..." is a context overflow), 401 and
 * 498 (invalid token) authentication, 402 billing limit reached (not retryable), 404 unknown
 * model, 429 rate limit (trial keys included), 499 request cancelled, 5xx server errors
 * (retryable; 503 is a retryable 503).
 */
export function mapCohereError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const status = response.status;
  const raw = readCohereError(response.body, status);
  const message = redactSecrets(raw, deployment.apiKey ? [deployment.apiKey] : []);
  const retryAfterMs = parseRetryAfterMs(response.headers);
  const options: GatewayErrorOptions = {
    provider: "cohere",
    upstreamStatus: status,
    ...(retryAfterMs === undefined
      ? {}
      : {
          retryAfterMs,
          headers: { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
        }),
  };

  if (status === 400 || status === 413 || status === 422) {
    if (looksLikeContextWindowError(raw)) return new ContextWindowExceededError(message, options);
    if (looksLikeContentPolicyError(raw)) return new ContentPolicyError(message, options);
  }

  switch (status) {
    case 400:
      return new InvalidRequestError(message, options);
    case 401:
    case 498:
      return new AuthenticationError(message, options);
    case 402:
      return new GatewayError(402, "billing_error", message, { code: "billing_error", ...options });
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, options);
    case 408:
      return new TimeoutError(message, options);
    case 413:
      return new RequestTooLargeError(message, options);
    case 422:
      return new GatewayError(422, "invalid_request_error", message, options);
    case 429:
      return new RateLimitError(message, options);
    case 499:
      // Cohere cancelled the request on its side ("request cancelled"); another try can work.
      return new UpstreamError(message, { ...options, status: 502, retryable: true });
    case 501:
      return new UpstreamError(message, { ...options, status: 501, retryable: false });
    case 503:
      return new ServiceUnavailableError(message, options);
  }
  if (status >= 500) return new UpstreamError(message, { retryable: true, ...options, status });
  if (status >= 400) return new GatewayError(status, "invalid_request_error", message, options);
  return new UpstreamError(message, { retryable: true, ...options, status: 502 });
}
