import { AuthenticationError, PermissionDeniedError, RateLimitError } from "@org/core";
import { describe, expect, it } from "vitest";
import { explainUpstreamCredentialsError } from "./upstream-credentials-error.ts";

describe("explainUpstreamCredentialsError", () => {
  it("says the provider refused the deployment's key, keeping status, code and its message", () => {
    const upstream = new AuthenticationError("Incorrect API key provided: sk-ab***cd.", {
      provider: "openai",
      upstreamStatus: 401,
      code: "invalid_api_key",
    });
    const error = explainUpstreamCredentialsError(upstream, "gpt-4o");
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key", provider: "openai" });
    expect(error.message).toBe(
      'The upstream provider (openai) rejected the credentials configured for model group "gpt-4o" (HTTP 401), not your key to this gateway: check the deployment\'s api_key. Provider message: Incorrect API key provided: sk-ab***cd.',
    );
  });

  it("explains a 403 as refused access", () => {
    const error = explainUpstreamCredentialsError(
      new PermissionDeniedError("no access", { provider: "anthropic", upstreamStatus: 403 }),
      "claude",
    );
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.message).toMatch(/^The upstream provider \(anthropic\) refused access/);
  });

  it("leaves the gateway's own errors and other statuses alone", () => {
    const own = new AuthenticationError("Invalid API key.");
    expect(explainUpstreamCredentialsError(own, "g")).toBe(own);
    const limited = new RateLimitError("slow down", { upstreamStatus: 429 });
    expect(explainUpstreamCredentialsError(limited, "g")).toBe(limited);
  });
});
