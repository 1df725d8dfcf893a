import { readFileSync } from "node:fs";
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
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapOpenAIError } from "./map-error.ts";

const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8");
const deployment: ProviderDeployment = {
  provider: "openai",
  model: "gpt-4o",
  apiKey: "sk-proj-abcdefghijklmnop1234",
  params: {},
};
const map = (status: number, body: string, headers: Record<string, string> = {}) =>
  mapOpenAIError({ status, headers, body }, deployment, "openai");

describe("mapOpenAIError", () => {
  it("maps a 400 context_length_exceeded to ContextWindowExceededError", () => {
    const error = map(400, fixture("error-400-context-length.json"));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("context_length_exceeded");
    expect(error.param).toBe("messages");
    expect(error.provider).toBe("openai");
    expect(error.upstreamStatus).toBe(400);
    expect(error.message).toContain("maximum context length is 128000 tokens");
    expect(error.retryable).toBe(false);
  });

  it("recognises context-length errors by message only (vLLM flat shape)", () => {
    const error = map(400, fixture("error-vllm-flat.json"));
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.code).toBe("context_length_exceeded");
  });

  it("maps content policy errors", () => {
    expect(map(400, fixture("error-400-content-policy.json"))).toBeInstanceOf(ContentPolicyError);
  });

  it("maps a 401 and redacts the echoed key", () => {
    const error = map(401, fixture("error-401-invalid-key.json"));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.message).not.toContain("abcdefghijklmnop");
    expect(error.message).toContain("[REDACTED]");
    expect(error.retryable).toBe(false);
  });

  it("maps a 429 with retry-after seconds", () => {
    const error = map(429, fixture("error-429-rate-limit.json"), { "retry-after": "7" });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.headers["retry-after"]).toBe("7");
  });

  it("prefers retry-after-ms, and reads an HTTP-date retry-after", () => {
    expect(
      map(429, fixture("error-429-rate-limit.json"), {
        "retry-after-ms": "1500",
        "retry-after": "9",
      }).retryAfterMs,
    ).toBe(1500);
    const date = new Date(Date.now() + 30_000).toUTCString();
    const fromDate = map(429, fixture("error-429-rate-limit.json"), {
      "retry-after": date,
    }).retryAfterMs;
    expect(fromDate).toBeGreaterThan(25_000);
    expect(fromDate).toBeLessThanOrEqual(30_000);
  });

  it("does not retry insufficient_quota", () => {
    const error = map(429, fixture("error-429-insufficient-quota.json"));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(false);
    expect(error.code).toBe("insufficient_quota");
  });

  it("maps 5xx to a retryable UpstreamError keeping the status", () => {
    const error = map(503, fixture("error-503-overloaded.json"), { "retry-after": "2" });
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.status).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(2000);
  });

  it("maps the other statuses", () => {
    expect(
      map(
        403,
        '{"error":{"message":"Country not supported","code":"unsupported_country_region_territory"}}',
      ),
    ).toBeInstanceOf(PermissionDeniedError);
    expect(
      map(404, '{"error":{"message":"The model `x` does not exist","code":"model_not_found"}}'),
    ).toBeInstanceOf(NotFoundError);
    expect(map(408, "")).toBeInstanceOf(TimeoutError);
    expect(
      map(
        400,
        '{"error":{"message":"Unsupported parameter: max_tokens","param":"max_tokens","code":"unsupported_parameter"}}',
      ),
    ).toBeInstanceOf(InvalidRequestError);
    const teapot = map(418, "short and stout");
    expect(teapot).toBeInstanceOf(GatewayError);
    expect(teapot.status).toBe(418);
    expect(teapot.message).toContain("short and stout");
  });

  it("honours x-should-retry", () => {
    expect(map(500, "{}", { "x-should-retry": "false" }).retryable).toBe(false);
  });

  it("keeps non-JSON bodies short and redacted", () => {
    const error = map(502, `<html>${"x".repeat(2000)} Bearer abcdefghijklmnopqrstuvwxyz</html>`);
    expect(error.message.length).toBeLessThan(600);
    expect(map(502, "proxy says Bearer abcdefghijklmnopqrstuvwxyz").message).not.toContain(
      "abcdefghijklmnop",
    );
  });
});
