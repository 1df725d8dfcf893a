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

/**
 * The upstream-error mapping every provider shares. A provider's `map-error.ts` reads its own
 * error body (and its own codes: Anthropic's 529, Bedrock's exception names, Gemini's status
 * strings), then hands the status to `mapUpstreamStatus`, passing only the statuses it treats
 * differently. Keeping one table means a fix (say, how a 413 is classed) reaches every provider.
 */

/** Builds the error for one status; `status` is the upstream's. */
export type UpstreamErrorFactory = (
  message: string,
  options: GatewayErrorOptions,
  status: number,
) => GatewayError;

export interface UpstreamStatusRules {
  /** This provider's own statuses (or its own reading of a common one), checked first. */
  byStatus?: Readonly<Partial<Record<number, UpstreamErrorFactory>>>;
  /**
   * Any 4xx neither the provider nor the shared table names. Default: a GatewayError with the
   * upstream's status and type `invalid_request_error` (so a 422 stays a 422).
   */
  otherClientError?: UpstreamErrorFactory;
}

/** The shared table: the status classes the gateway's error family stands for. */
const SHARED_BY_STATUS: Readonly<Record<number, UpstreamErrorFactory>> = {
  400: (message, options) => new InvalidRequestError(message, options),
  401: (message, options) => new AuthenticationError(message, options),
  403: (message, options) => new PermissionDeniedError(message, options),
  404: (message, options) => new NotFoundError(message, options),
  408: (message, options) => new TimeoutError(message, options),
  413: (message, options) => new RequestTooLargeError(message, options),
  429: (message, options) => new RateLimitError(message, options),
  503: (message, options) => new ServiceUnavailableError(message, options),
};

/**
 * Maps an upstream HTTP status to the error family: 400 invalid request, 401 authentication,
 * 403 permission, 404 not found, 408 timeout, 413 request too large, 429 rate limit (retryable,
 * keeping the retry hint in `options`), 503 service unavailable, other 5xx a retryable
 * UpstreamError with that status, other 4xx an invalid request with that status, and anything
 * below 400 (an error payload inside a 200 or a stream) a retryable 502.
 * `options.retryable` (e.g. from `x-should-retry`) wins over the class's own default.
 */
export function mapUpstreamStatus(
  status: number,
  message: string,
  options: GatewayErrorOptions,
  rules: UpstreamStatusRules = {},
): GatewayError {
  const factory = rules.byStatus?.[status] ?? SHARED_BY_STATUS[status];
  if (factory !== undefined) return factory(message, options, status);
  if (status >= 500) return retryableUpstreamError(message, options, status);
  if (status >= 400) {
    return rules.otherClientError !== undefined
      ? rules.otherClientError(message, options, status)
      : new GatewayError(status, "invalid_request_error", message, options);
  }
  return retryableUpstreamError(message, options, 502);
}

/** A retryable UpstreamError carrying `status` (an explicit `options.retryable` still wins). */
export function retryableUpstreamError(
  message: string,
  options: GatewayErrorOptions,
  status: number,
): GatewayError {
  return new UpstreamError(message, { retryable: true, ...options, status });
}

/** 402 from providers that send one for an exhausted balance: not retryable, code billing_error. */
export function billingError(message: string, options: GatewayErrorOptions): GatewayError {
  return new GatewayError(402, "billing_error", message, { code: "billing_error", ...options });
}

/**
 * A ContextWindowExceededError if `text` (the provider's message, type and code, unredacted)
 * reads like a context overflow, so context-window fallbacks fire. `extraPatterns` are a
 * provider's own wordings the shared list does not cover.
 */
export function contextWindowErrorFor(
  text: string,
  message: string,
  options: GatewayErrorOptions,
  extraPatterns: readonly RegExp[] = [],
): GatewayError | undefined {
  if (!looksLikeContextWindowError(text) && !extraPatterns.some((pattern) => pattern.test(text)))
    return undefined;
  return new ContextWindowExceededError(message, { ...options, code: "context_length_exceeded" });
}

/** A ContentPolicyError if `text` reads like a safety-system refusal. */
export function contentPolicyErrorFor(
  text: string,
  message: string,
  options: GatewayErrorOptions,
): GatewayError | undefined {
  if (!looksLikeContentPolicyError(text)) return undefined;
  return new ContentPolicyError(message, { ...options, code: "content_policy_violation" });
}

/** Context window first, then content policy: the order every provider checks them in. */
export function messageErrorFor(
  text: string,
  message: string,
  options: GatewayErrorOptions,
): GatewayError | undefined {
  return (
    contextWindowErrorFor(text, message, options) ?? contentPolicyErrorFor(text, message, options)
  );
}

/** True for a 4xx that is about the request itself (not a timeout or a rate limit). */
export function isRequestError(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

export interface RetryHintOptions {
  /**
   * Smallest `retry-after` (seconds) forwarded to the client; 1 for providers whose SDKs
   * treat 0 as "no hint".
   */
  minSeconds?: number;
  /** Whether to forward the hint to the client as a `retry-after` header (default true). */
  forward?: boolean;
}

/**
 * Error options for the upstream's retry hint (`retry-after-ms`, `retry-after`): the delay in
 * `retryAfterMs` and, forwarded to the client, `retry-after` in whole seconds.
 */
export function retryHintOptions(
  retryAfterMs: number | undefined,
  hint: RetryHintOptions = {},
): GatewayErrorOptions {
  if (retryAfterMs === undefined) return {};
  if (hint.forward === false) return { retryAfterMs };
  const seconds = Math.max(hint.minSeconds ?? 0, Math.ceil(retryAfterMs / 1000));
  return { retryAfterMs, headers: { "retry-after": String(seconds) } };
}

/** `retryHintOptions` read from the response headers. */
export function retryHintFromHeaders(
  headers: Readonly<Record<string, string>>,
  hint: RetryHintOptions = {},
): GatewayErrorOptions {
  return retryHintOptions(parseRetryAfterMs(headers), hint);
}

/** Anthropic's `x-should-retry` hint, which both official SDKs honour over the status. */
export function shouldRetryOption(
  headers: Readonly<Record<string, string>>,
): Pick<GatewayErrorOptions, "retryable"> {
  const shouldRetry = headers["x-should-retry"];
  if (shouldRetry === "true") return { retryable: true };
  if (shouldRetry === "false") return { retryable: false };
  return {};
}
