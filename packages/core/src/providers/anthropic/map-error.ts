import {
  type GatewayError,
  type GatewayErrorOptions,
  ServiceUnavailableError,
} from "../../errors/gateway-error.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  billingError,
  mapUpstreamStatus,
  messageErrorFor,
  retryableUpstreamError,
  retryHintFromHeaders,
  shouldRetryOption,
} from "../common/map-upstream-error.ts";
import { AnthropicErrorBodySchema } from "./wire-schemas.ts";
import { parseJsonBody, unreadableErrorMessage } from "../common/read-error-body.ts";

/**
 * HTTP status of each documented Anthropic error type (docs "Errors": 400 invalid_request_error,
 * 401 authentication_error, 402 billing_error, 403 permission_error, 404 not_found_error,
 * 413 request_too_large, 429 rate_limit_error, 500 api_error, 504 timeout_error,
 * 529 overloaded_error). A mid-stream `error` event carries only the type.
 */
const STATUS_BY_TYPE: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function statusForErrorType(type: string | undefined): number {
  return (type === undefined ? undefined : STATUS_BY_TYPE[type]) ?? 500;
}

export interface AnthropicErrorDetails {
  type: string | undefined;
  message: string;
  requestId: string | undefined;
}

/** Reads `{"type":"error","error":{"type","message"},"request_id"}`; anything else is text. */
export function readAnthropicError(body: string, status: number): AnthropicErrorDetails {
  const parsed = parseJsonBody(body);
  const result = AnthropicErrorBodySchema.safeParse(parsed);
  if (result.success) {
    return {
      type: result.data.error.type,
      message: result.data.error.message,
      requestId: result.data.request_id ?? undefined,
    };
  }
  return {
    type: undefined,
    message: unreadableErrorMessage("Anthropic", status, body),
    requestId: undefined,
  };
}

/**
 * Maps a non-2xx Anthropic answer (or a mid-stream error payload) to the error family
 * (docs §4.4, §11.7). Context-length 400s ("prompt is too long: ...", "input length and
 * `max_tokens` exceed context limit") become ContextWindowExceededError so context-window
 * fallbacks fire; 429 keeps `retry-after`; 529 overloaded is a retryable 503; `x-should-retry`
 * (which Anthropic sends) overrides retryability as in the official SDK.
 */
export function mapAnthropicError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
): GatewayError {
  const status = response.status;
  const details = readAnthropicError(response.body, status);
  const message = redactSecrets(details.message, deployment.apiKey ? [deployment.apiKey] : []);
  const options: GatewayErrorOptions = {
    provider: "anthropic",
    upstreamStatus: status,
    ...retryHintFromHeaders(response.headers, { minSeconds: 1 }),
    ...shouldRetryOption(response.headers),
  };

  if (status === 400 || status === 413 || details.type === "invalid_request_error") {
    const byMessage = messageErrorFor(`${details.type ?? ""} ${details.message}`, message, options);
    if (byMessage !== undefined) return byMessage;
  }
  return mapUpstreamStatus(status, message, options, { byStatus: ANTHROPIC_STATUSES });
}

/** Where Anthropic differs from the shared table. */
const ANTHROPIC_STATUSES = {
  402: billingError,
  // 409 (conflict) is retried by the official SDK like 5xx; 503 is a plain server error here,
  // Anthropic's overload signal is 529.
  409: retryableUpstreamError,
  503: retryableUpstreamError,
  529: (message: string, options: GatewayErrorOptions) =>
    new ServiceUnavailableError(message, { code: "overloaded", ...options }),
};
