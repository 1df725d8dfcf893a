import { describe, expect, it } from "vitest";
import { fixtureFiles } from "../../__fixtures__/adapter-test-kit.ts";
import {
  AuthenticationError,
  ContentPolicyError,
  ContextWindowExceededError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { azureProvider } from "./azure-provider.ts";

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).text;
const deployment: ProviderDeployment = {
  provider: "azure",
  model: "my-gpt4o",
  apiKey: "azure-key-0123456789",
  apiBase: "https://contoso.openai.azure.com",
  params: {},
};
const map = (status: number, body: string, headers: Record<string, string> = {}) =>
  azureProvider.mapError({ status, headers, body }, deployment);

describe("azure: mapError", () => {
  it("maps a filtered prompt to ContentPolicyError naming the filtered categories", () => {
    const error = map(400, fixture("error-400-content-filter.json"));
    expect(error).toBeInstanceOf(ContentPolicyError);
    expect(error.status).toBe(400);
    expect(error.code).toBe("content_policy_violation");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("content management policy");
    expect(error.message).toContain("(filtered: hate=high, violence=medium)");
    expect(error.provider).toBe("azure");
  });

  it("recognises ResponsibleAIPolicyViolation even without code content_filter", () => {
    const body = JSON.stringify({
      error: {
        message: "blocked",
        code: "BadRequest",
        innererror: { code: "ResponsibleAIPolicyViolation", content_filter_result: {} },
      },
    });
    expect(map(400, body)).toBeInstanceOf(ContentPolicyError);
  });

  it("reads retry-after-ms before retry-after on a 429", () => {
    const error = map(429, fixture("error-429-rate-limit.json"), {
      "retry-after-ms": "6000",
      "retry-after": "7",
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(6000);
    expect(error.retryable).toBe(true);
    expect(error.headers["retry-after"]).toBe("6");
  });

  it("reads retry-after alone", () => {
    expect(
      map(429, fixture("error-429-rate-limit.json"), { "retry-after": "3" }).retryAfterMs,
    ).toBe(3000);
  });

  it("maps DeploymentNotFound to a 404", () => {
    const error = map(404, fixture("error-404-deployment-not-found.json"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBe("DeploymentNotFound");
  });

  it("maps an invalid key to AuthenticationError", () => {
    expect(map(401, fixture("error-401-invalid-key.json"))).toBeInstanceOf(AuthenticationError);
  });

  it("maps a context-length 400", () => {
    expect(map(400, fixture("error-400-context-length.json"))).toBeInstanceOf(
      ContextWindowExceededError,
    );
  });

  it("treats 408 and 5xx as retryable", () => {
    expect(map(408, '{"error":{"code":"Timeout","message":"timed out"}}')).toBeInstanceOf(
      TimeoutError,
    );
    const error = map(503, '{"error":{"code":"ServiceUnavailable","message":"busy"}}');
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.retryable).toBe(true);
  });
});
