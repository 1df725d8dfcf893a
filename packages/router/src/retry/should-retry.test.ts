import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  InvalidRequestError,
  PermissionDeniedError,
  RateLimitError,
  UpstreamError,
} from "@org/core";
import type { GatewayError } from "@org/core";
import { describe, expect, it } from "vitest";
import { classifyError } from "./error-class.ts";
import { shouldRetry } from "./should-retry.ts";

function decide(error: GatewayError, over: Partial<Parameters<typeof shouldRetry>[0]> = {}) {
  return shouldRetry({
    error,
    errorClass: classifyError(error),
    healthy: 2,
    healthyUntried: 1,
    policyApplies: false,
    hasContextWindowFallbacks: false,
    hasContentPolicyFallbacks: false,
    ...over,
  });
}

describe("shouldRetry", () => {
  it("retries rate limits, timeouts and server errors while a deployment is healthy", () => {
    expect(decide(new RateLimitError("slow down"))).toBe(true);
    expect(decide(new UpstreamError("boom", { status: 500 }))).toBe(true);
    expect(decide(new UpstreamError("boom"), { healthy: 0, healthyUntried: 0 })).toBe(false);
  });

  it("does not retry 400s, 401 or 403", () => {
    expect(decide(new InvalidRequestError("bad"))).toBe(false);
    expect(decide(new AuthenticationError("no"))).toBe(false);
    expect(decide(new PermissionDeniedError("no"))).toBe(false);
  });

  it("retries a context-window error only on an untried deployment, and never with its own fallbacks", () => {
    const error = new ContextWindowExceededError("too long");
    expect(decide(error)).toBe(true);
    expect(decide(error, { healthyUntried: 0 })).toBe(false);
    expect(decide(error, { hasContextWindowFallbacks: true })).toBe(false);
  });

  it("lets a retry policy entry override retryability, but not a content-policy fallback", () => {
    expect(decide(new AuthenticationError("no"), { policyApplies: true })).toBe(true);
    expect(
      decide(new ContentPolicyError("no"), {
        policyApplies: true,
        hasContentPolicyFallbacks: true,
      }),
    ).toBe(false);
  });
});
