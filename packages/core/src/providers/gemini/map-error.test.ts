import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContextWindowExceededError,
  GatewayError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { fixture, geminiDeployment } from "./__fixtures__/fixtures.ts";
import { mapGeminiError } from "./map-error.ts";

const map = (status: number, body: string, headers: Record<string, string> = {}) =>
  mapGeminiError({ status, headers, body }, geminiDeployment());

describe("mapGeminiError", () => {
  it("maps 429 RESOURCE_EXHAUSTED with RetryInfo to a retryable rate limit with retryAfterMs", () => {
    const error = map(429, fixture("error-429-resource-exhausted.json"));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 34_000,
      upstreamStatus: 429,
      provider: "gemini",
    });
    expect(error.headers).toEqual({ "retry-after": "34" });
    expect(error.message).toMatch(/^You exceeded your current quota/);
  });

  it("reads fractional retry delays, and falls back to a retry-after header", () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: "slow down",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" }],
      },
    });
    expect(map(429, body).retryAfterMs).toBe(1500);
    const bare = JSON.stringify({
      error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" },
    });
    expect(map(429, bare, { "retry-after": "7" }).retryAfterMs).toBe(7000);
  });

  it("recognises the token-limit message as a context window error", () => {
    const error = map(400, fixture("error-400-context-length.json"));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({ status: 400, code: "context_length_exceeded", retryable: false });
  });

  it("maps an invalid API key (400 + API_KEY_INVALID) to an authentication error", () => {
    const error = map(400, fixture("error-400-api-key-invalid.json"));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
  });

  it("maps the other canonical codes", () => {
    expect(map(403, fixture("error-403-permission-denied.json"))).toBeInstanceOf(
      PermissionDeniedError,
    );
    const unavailable = map(503, fixture("error-503-unavailable.json"));
    expect(unavailable).toBeInstanceOf(ServiceUnavailableError);
    expect(unavailable).toMatchObject({
      retryable: true,
      message: "The model is overloaded. Please try again later.",
    });
    const internal = map(500, fixture("error-500-internal.json"));
    expect(internal).toBeInstanceOf(UpstreamError);
    expect(internal).toMatchObject({ status: 500, retryable: true });
    expect(
      map(
        504,
        JSON.stringify({ error: { code: 504, message: "Deadline", status: "DEADLINE_EXCEEDED" } }),
      ),
    ).toBeInstanceOf(TimeoutError);
    expect(
      map(
        404,
        JSON.stringify({
          error: { code: 404, message: "models/x is not found", status: "NOT_FOUND" },
        }),
      ),
    ).toMatchObject({
      constructor: NotFoundError,
      code: "NOT_FOUND",
    });
    const invalid = map(
      400,
      JSON.stringify({ error: { code: 400, message: "Bad field", status: "INVALID_ARGUMENT" } }),
    );
    expect(invalid).toBeInstanceOf(InvalidRequestError);
    expect(invalid).toMatchObject({ code: "INVALID_ARGUMENT", retryable: false });
  });

  it("handles array-wrapped bodies and non-JSON bodies", () => {
    expect(map(429, `[${fixture("error-429-resource-exhausted.json")}]`).retryAfterMs).toBe(34_000);
    const html = map(502, "<html><body>Bad Gateway</body></html>");
    expect(html).toBeInstanceOf(UpstreamError);
    expect(html.message).toContain("HTTP 502");
    expect(map(418, "")).toBeInstanceOf(GatewayError);
  });

  it("redacts the deployment's key if Google echoes it", () => {
    const key = geminiDeployment().apiKey ?? "";
    const error = map(
      400,
      JSON.stringify({
        error: { code: 400, message: `Key ${key} is wrong`, status: "INVALID_ARGUMENT" },
      }),
    );
    expect(error.message).not.toContain(key);
    expect(error.message).toContain("[REDACTED]");
  });
});
