import { RateLimitError } from "@org/core";
import type { RateAcquireResult, RateRemaining } from "./rate-limiter.ts";

type Refusal = Extract<RateAcquireResult, { ok: false }>;

/**
 * LiteLLM's 429 for a limit that was hit ("Rate limit exceeded for api_key: ... Limit type:
 * requests. ..."), with `retry-after` (seconds, rounded up), `x-ratelimit-remaining-*` and
 * LiteLLM's `rate_limit_type` / `reset_at` headers.
 */
export function rateLimitError(refusal: Refusal, now: number): RateLimitError {
  const { descriptor, type, limit, retryAfterMs } = refusal;
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const resetAt = new Date(now + retryAfter * 1000);
  const resetText = `${resetAt.toISOString().slice(0, 19).replace("T", " ")} UTC`;
  const headers: Record<string, string> = {
    "retry-after": String(retryAfter),
    rate_limit_type: type,
    reset_at: resetText,
  };
  if (type === "requests") {
    headers["x-ratelimit-remaining-requests"] = "0";
    headers["x-ratelimit-limit-requests"] = String(limit);
  } else if (type === "tokens") {
    headers["x-ratelimit-remaining-tokens"] = "0";
    headers["x-ratelimit-limit-tokens"] = String(limit);
  }
  headers[`x-ratelimit-${descriptor.key}-remaining-${type}`] = "0";
  headers[`x-ratelimit-${descriptor.key}-limit-${type}`] = String(limit);
  return new RateLimitError(
    `Rate limit exceeded for ${descriptor.key}: ${descriptor.value}. Limit type: ${type}. Current limit: ${limit}, Remaining: 0. Limit resets at: ${resetText}`,
    { headers, retryAfterMs: retryAfter * 1000 },
  );
}

/** `x-ratelimit-*` headers for an admitted request (the tightest remaining allowances). */
export function rateLimitHeaders(remaining: RateRemaining): Record<string, string> {
  const headers: Record<string, string> = {};
  if (remaining.requests) {
    headers["x-ratelimit-remaining-requests"] = String(remaining.requests.remaining);
    headers["x-ratelimit-limit-requests"] = String(remaining.requests.limit);
  }
  if (remaining.tokens) {
    headers["x-ratelimit-remaining-tokens"] = String(remaining.tokens.remaining);
    headers["x-ratelimit-limit-tokens"] = String(remaining.tokens.limit);
  }
  return headers;
}
