import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import { sseEvent } from "../fake-server/sse-event.ts";
import { anthropicRequestId } from "./anthropic-ids.ts";

/** Anthropic's error types and the status each comes with (API docs, "Errors"). */
export const ANTHROPIC_ERROR_TYPES = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
} as const;

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: "Invalid request",
  authentication_error: "invalid x-api-key",
  billing_error: "Your credit balance is too low to access the Anthropic API.",
  permission_error: "Your API key does not have permission to use the specified resource.",
  not_found_error: "Not Found",
  request_too_large: "Request exceeds the maximum allowed number of bytes.",
  rate_limit_error: "Number of request tokens has exceeded your per-minute rate limit",
  api_error: "Internal server error",
  timeout_error: "Request timed out",
  overloaded_error: "Overloaded",
};

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
  request_id: string;
}

export function anthropicErrorBody(
  type: string,
  message?: string,
  requestId = anthropicRequestId(),
): AnthropicErrorBody {
  return {
    type: "error",
    error: { type, message: message ?? DEFAULT_MESSAGES[type] ?? type },
    request_id: requestId,
  };
}

export interface AnthropicErrorOptions {
  /** Defaults to the type that goes with the status. */
  type?: string;
  message?: string;
  headers?: Readonly<Record<string, string>>;
}

/**
 * An error answer as Anthropic sends it: the JSON envelope, `request-id`, and the
 * `x-should-retry` hint its SDKs obey (true for 408/409/429/5xx).
 */
export function anthropicError(status: number, options: AnthropicErrorOptions = {}): FakeReply {
  const type =
    options.type ??
    ANTHROPIC_ERROR_TYPES[status as keyof typeof ANTHROPIC_ERROR_TYPES] ??
    (status >= 500 ? "api_error" : "invalid_request_error");
  const requestId = anthropicRequestId();
  const retry = status === 408 || status === 409 || status === 429 || status >= 500;
  return json(anthropicErrorBody(type, options.message, requestId), {
    status,
    headers: { "request-id": requestId, "x-should-retry": String(retry), ...options.headers },
  });
}

export interface AnthropicRetryOptions {
  /** Sent verbatim as `retry-after` (seconds, or an HTTP date). */
  retryAfter?: number | string;
  message?: string;
}

/** 429 `rate_limit_error` with `retry-after` and exhausted `anthropic-ratelimit-*` headers. */
export function anthropicRateLimitError(options: AnthropicRetryOptions = {}): FakeReply {
  const reset = new Date(Date.now() + 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return anthropicError(429, {
    ...(options.message === undefined ? {} : { message: options.message }),
    headers: {
      "retry-after": String(options.retryAfter ?? 1),
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": reset,
    },
  });
}

/** 529 `overloaded_error` ("Overloaded"), retryable. */
export function anthropicOverloadedError(options: AnthropicRetryOptions = {}): FakeReply {
  return anthropicError(529, {
    ...(options.message === undefined ? {} : { message: options.message }),
    ...(options.retryAfter === undefined
      ? {}
      : { headers: { "retry-after": String(options.retryAfter) } }),
  });
}

export interface AnthropicContextLengthOptions {
  promptTokens?: number;
  maxTokens?: number;
}

/** 400 with Anthropic's context-length message, which gateways match on. */
export function anthropicContextLengthError(
  options: AnthropicContextLengthOptions = {},
): FakeReply {
  const prompt = options.promptTokens ?? 210_345;
  const max = options.maxTokens ?? 200_000;
  return anthropicError(400, { message: `prompt is too long: ${prompt} tokens > ${max} maximum` });
}

/** The `event: error` Anthropic sends mid-stream (then it closes the connection). */
export function anthropicStreamErrorEvent(type = "overloaded_error", message?: string): string {
  return sseEvent(JSON.stringify(anthropicErrorBody(type, message)), { event: "error" });
}
