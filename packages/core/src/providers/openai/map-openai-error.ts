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
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import {
  looksLikeContentPolicyError,
  looksLikeContextWindowError,
} from "../../errors/error-message-patterns.ts";
import { parseRetryAfterMs } from "../../errors/parse-retry-after.ts";
import { redactSecrets } from "../../errors/redact.ts";
import type { UpstreamResponse } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { isRecord } from "../../util/is-record.ts";

/** What an OpenAI-style error body says, whichever of the family's shapes it came in. */
export interface OpenAIErrorDetails {
  message: string;
  type: string | null;
  param: string | null;
  /** String codes as sent; numeric codes (OpenRouter, old vLLM) as their decimal string. */
  code: string | null;
}

/**
 * Maps a non-2xx answer (or an error payload inside a 200 / a stream) from an OpenAI-compatible
 * upstream to the error family, per docs/provider-wire-formats.md §1.4 and §11.7.
 * The provider's message is kept (clients rely on it) but passed through `redactSecrets`,
 * with the deployment's own key as an extra secret: OpenAI echoes part of a wrong key back.
 */
export function mapOpenAIError(
  response: UpstreamResponse,
  deployment: ProviderDeployment,
  provider: string,
): GatewayError {
  const details = readOpenAIError(response.body, response.status);
  const secrets = deployment.apiKey ? [deployment.apiKey] : [];
  const message = redactSecrets(details.message, secrets);
  const status = response.status;
  const retryAfterMs = parseRetryAfterMs(response.headers);
  const shouldRetry = response.headers["x-should-retry"];

  const options: GatewayErrorOptions = {
    provider,
    upstreamStatus: status,
    param: details.param,
    ...(details.code === null ? {} : { code: details.code }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(retryAfterMs === undefined
      ? {}
      : { headers: { "retry-after": String(Math.ceil(retryAfterMs / 1000)) } }),
    // Anthropic-style explicit hint, honoured by both official SDKs.
    ...(shouldRetry === "true" ? { retryable: true } : {}),
    ...(shouldRetry === "false" ? { retryable: false } : {}),
  };
  const classified = `${details.code ?? ""} ${details.type ?? ""} ${details.message}`;

  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    if (details.code === "context_length_exceeded" || looksLikeContextWindowError(classified)) {
      return new ContextWindowExceededError(message, {
        ...options,
        code: "context_length_exceeded",
      });
    }
    if (
      details.code === "content_policy_violation" ||
      details.code === "content_filter" ||
      looksLikeContentPolicyError(classified)
    ) {
      return new ContentPolicyError(message, { ...options, code: "content_policy_violation" });
    }
  }

  switch (status) {
    case 400:
    case 422:
      return status === 400
        ? new InvalidRequestError(message, options)
        : new GatewayError(422, "invalid_request_error", message, options);
    case 401:
      return new AuthenticationError(message, options);
    case 403:
      return new PermissionDeniedError(message, options);
    case 404:
      return new NotFoundError(message, options);
    case 408:
      return new TimeoutError(message, options);
    case 413:
      return new RequestTooLargeError(message, options);
    case 429:
      // `insufficient_quota` is a billing state, not a burst: retrying the same key cannot work.
      return new RateLimitError(message, {
        ...options,
        ...(details.code === "insufficient_quota" ? { retryable: shouldRetry === "true" } : {}),
      });
  }
  if (status >= 500 || status === 409) {
    // 409 (lock contention) is retried by the official SDKs, like 5xx.
    return new UpstreamError(message, { retryable: true, ...options, status });
  }
  if (status >= 400) return new GatewayError(status, "invalid_request_error", message, options);
  // An error payload inside a 2xx (HTTP 200 + error body, or a mid-stream error event).
  return new UpstreamError(message, { retryable: true, ...options, status: 502 });
}

/**
 * Reads `{"error":{message,type,param,code}}`, vLLM's flat `{"object":"error",message,...}`,
 * `{"error":"text"}` (Ollama) or `{"message":"..."}`; any other body becomes the message
 * (truncated: an HTML error page from a proxy is not a useful message).
 */
export function readOpenAIError(body: string, status: number): OpenAIErrorDetails {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) {
    const inner = parsed.error;
    const source = isRecord(inner) ? inner : parsed;
    const message =
      typeof inner === "string"
        ? inner
        : typeof source.message === "string"
          ? source.message
          : undefined;
    if (message !== undefined) {
      return {
        message,
        type: typeof source.type === "string" ? source.type : null,
        param: typeof source.param === "string" ? source.param : null,
        code: codeString(source.code),
      };
    }
  }
  const text = body.trim();
  return {
    message:
      text === ""
        ? `Upstream returned HTTP ${status}`
        : `Upstream returned HTTP ${status}: ${text.slice(0, 500)}`,
    type: null,
    param: null,
    code: null,
  };
}

/**
 * The HTTP status an error payload inside a 200 stands for: OpenRouter and old vLLM put the
 * status in a numeric `code`; otherwise it is a server-side failure.
 */
export function statusOfErrorPayload(payload: Record<string, unknown>): number {
  const inner = isRecord(payload.error) ? payload.error : payload;
  const code = inner.code;
  return typeof code === "number" && code >= 400 && code <= 599 ? code : 500;
}

function codeString(code: unknown): string | null {
  if (typeof code === "string") return code;
  if (typeof code === "number") return String(code);
  return null;
}
