import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContextWindowExceededError,
  InvalidRequestError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { deployment, readFixture } from "./__fixtures__/fixtures.ts";
import { mapAnthropicError } from "./map-error.ts";

function map(status: number, fixture: string, headers: Record<string, string> = {}) {
  return mapAnthropicError({ status, headers, body: readFixture(fixture) }, deployment());
}

describe("mapAnthropicError", () => {
  it("recognises both context-length messages as ContextWindowExceededError", () => {
    for (const fixture of ["error-context-length.json", "error-context-max-tokens.json"]) {
      const error = map(400, fixture);
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(error).toMatchObject({
        status: 400,
        code: "context_length_exceeded",
        retryable: false,
      });
    }
    expect(map(400, "error-context-length.json").message).toBe(
      "prompt is too long: 210345 tokens > 200000 maximum",
    );
  });

  it("maps 429 with retry-after to a retryable RateLimitError carrying the hint", () => {
    const error = map(429, "error-rate-limit.json", { "retry-after": "7" });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 7000,
      provider: "anthropic",
    });
    expect(error.headers).toEqual({ "retry-after": "7" });
  });

  it("maps 529 overloaded_error to a retryable 503", () => {
    const error = map(529, "error-overloaded.json", { "retry-after": "2" });
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({
      status: 503,
      retryable: true,
      upstreamStatus: 529,
      retryAfterMs: 2000,
    });
  });

  it("maps 500 api_error to a retryable UpstreamError, unless x-should-retry says no", () => {
    expect(map(500, "error-api.json")).toBeInstanceOf(UpstreamError);
    expect(map(500, "error-api.json")).toMatchObject({ status: 500, retryable: true });
    expect(map(500, "error-api.json", { "x-should-retry": "false" }).retryable).toBe(false);
  });

  it("maps 401 to AuthenticationError and redacts the deployment key", () => {
    const error = map(401, "error-authentication.json");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe("invalid x-api-key");
    const echoed = mapAnthropicError(
      {
        status: 401,
        headers: {},
        body: JSON.stringify({
          type: "error",
          error: {
            type: "authentication_error",
            message: "bad key sk-ant-api03-test-key-0000000000",
          },
        }),
      },
      deployment(),
    );
    expect(echoed.message).not.toContain("test-key");
  });

  it("maps other 400s to InvalidRequestError and keeps the message", () => {
    const error = map(400, "error-invalid-request.json");
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe("messages: text content blocks must be non-empty");
  });

  it("copes with a non-JSON body (a proxy's HTML page)", () => {
    const error = mapAnthropicError(
      { status: 502, headers: {}, body: "<html>Bad gateway</html>" },
      deployment(),
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain("HTTP 502");
  });
});
