import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  RequestTooLargeError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import {
  billingError,
  contextWindowErrorFor,
  isRequestError,
  mapUpstreamStatus,
  messageErrorFor,
  retryHintFromHeaders,
  retryHintOptions,
  shouldRetryOption,
} from "./map-upstream-error.ts";

const options = { provider: "test", upstreamStatus: 0 };

describe("mapUpstreamStatus", () => {
  it.each([
    [400, InvalidRequestError, 400, false],
    [401, AuthenticationError, 401, false],
    [403, PermissionDeniedError, 403, false],
    [404, NotFoundError, 404, false],
    [408, TimeoutError, 408, true],
    [413, RequestTooLargeError, 413, false],
    [429, RateLimitError, 429, true],
    [503, ServiceUnavailableError, 503, true],
    [500, UpstreamError, 500, true],
    [502, UpstreamError, 502, true],
    [504, UpstreamError, 504, true],
  ])("maps %i to its class, status and retryability", (status, klass, expected, retryable) => {
    const error = mapUpstreamStatus(status, "boom", { ...options, upstreamStatus: status });
    expect(error).toBeInstanceOf(klass);
    expect(error.status).toBe(expected);
    expect(error.retryable).toBe(retryable);
    expect(error.message).toBe("boom");
    expect(error.upstreamStatus).toBe(status);
    expect(error.provider).toBe("test");
  });

  it("keeps an unlisted 4xx (422, 409) as an invalid request with that status, not retryable", () => {
    for (const status of [409, 422, 451]) {
      const error = mapUpstreamStatus(status, "nope", options);
      expect(error.constructor).toBe(GatewayError);
      expect(error.status).toBe(status);
      expect(error.type).toBe("invalid_request_error");
      expect(error.retryable).toBe(false);
    }
  });

  it("treats an error payload under 400 (inside a 200 or a stream) as a retryable 502", () => {
    const error = mapUpstreamStatus(200, "mid-stream", options);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(true);
  });

  it("lets an explicit retryable hint win over the class default (x-should-retry)", () => {
    expect(mapUpstreamStatus(500, "x", { ...options, retryable: false }).retryable).toBe(false);
    expect(mapUpstreamStatus(429, "x", { ...options, retryable: false }).retryable).toBe(false);
    expect(mapUpstreamStatus(400, "x", { ...options, retryable: true }).retryable).toBe(true);
  });

  it("keeps the retry hint on a rate limit", () => {
    const error = mapUpstreamStatus(429, "slow down", { ...options, ...retryHintOptions(2500) });
    expect(error.retryAfterMs).toBe(2500);
    expect(error.headers).toEqual({ "retry-after": "3" });
  });

  it("uses the provider's own statuses first, then its rule for other 4xx", () => {
    const rules = {
      byStatus: { 503: (m: string) => new UpstreamError(m, { status: 503 }), 529: billingError },
      otherClientError: (m: string) => new InvalidRequestError(m),
    };
    expect(mapUpstreamStatus(503, "x", options, rules)).toBeInstanceOf(UpstreamError);
    expect(mapUpstreamStatus(529, "x", options, rules).status).toBe(402);
    expect(mapUpstreamStatus(422, "x", options, rules).status).toBe(400);
    // The shared table still answers the statuses the provider did not name.
    expect(mapUpstreamStatus(401, "x", options, rules)).toBeInstanceOf(AuthenticationError);
    // A 5xx is never an "other client error".
    expect(mapUpstreamStatus(500, "x", options, rules)).toBeInstanceOf(UpstreamError);
  });
});

describe("message classification", () => {
  it("recognises a context overflow before a content-policy refusal, with the family's codes", () => {
    const overflow = messageErrorFor("This model's maximum context length is 8192", "m", {
      code: "whatever",
    });
    expect(overflow).toBeInstanceOf(ContextWindowExceededError);
    expect(overflow?.code).toBe("context_length_exceeded");
    const refused = messageErrorFor("content_filter triggered", "m", { code: "whatever" });
    expect(refused).toBeInstanceOf(ContentPolicyError);
    expect(refused?.code).toBe("content_policy_violation");
    expect(messageErrorFor("maximum context length; content_filter", "m", {})).toBeInstanceOf(
      ContextWindowExceededError,
    );
  });

  it("leaves ordinary messages alone and accepts a provider's extra wordings", () => {
    expect(messageErrorFor("temperature must be <= 2", "m", {})).toBeUndefined();
    expect(contextWindowErrorFor("way past the window", "m", {})).toBeUndefined();
    expect(
      contextWindowErrorFor("way past the window", "m", {}, [/past the window/]),
    ).toBeInstanceOf(ContextWindowExceededError);
  });

  it("calls only request-shaped 4xx request errors", () => {
    expect([400, 404, 413, 422].every(isRequestError)).toBe(true);
    expect([200, 408, 429, 500].some(isRequestError)).toBe(false);
  });
});

describe("retry hints", () => {
  it("reads retry-after-ms before retry-after and forwards whole seconds", () => {
    expect(retryHintFromHeaders({ "retry-after-ms": "1200", "retry-after": "9" })).toEqual({
      retryAfterMs: 1200,
      headers: { "retry-after": "2" },
    });
    expect(retryHintFromHeaders({})).toEqual({});
  });

  it("applies a floor when asked, and can keep the hint without forwarding it", () => {
    expect(retryHintOptions(0)).toEqual({ retryAfterMs: 0, headers: { "retry-after": "0" } });
    expect(retryHintOptions(0, { minSeconds: 1 }).headers).toEqual({ "retry-after": "1" });
    expect(retryHintOptions(4000, { forward: false })).toEqual({ retryAfterMs: 4000 });
  });

  it("reads x-should-retry only when it is exactly true or false", () => {
    expect(shouldRetryOption({ "x-should-retry": "true" })).toEqual({ retryable: true });
    expect(shouldRetryOption({ "x-should-retry": "false" })).toEqual({ retryable: false });
    expect(shouldRetryOption({ "x-should-retry": "TRUE" })).toEqual({});
    expect(shouldRetryOption({})).toEqual({});
  });
});
