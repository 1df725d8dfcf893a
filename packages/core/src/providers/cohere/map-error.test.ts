import { describe, expect, it } from "vitest";
import {
  AuthenticationError,
  ContextWindowExceededError,
  InvalidRequestError,
  NotFoundError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { cohereDeployment, fixture, response, TEST_KEY } from "./__fixtures__/fixtures.ts";
import { mapCohereError } from "./map-error.ts";

const map = (name: string, status: number, headers: Record<string, string> = {}) =>
  mapCohereError(response(fixture(name), status, headers), cohereDeployment());

describe("Cohere error mapping", () => {
  it("recognises context overflow ('too many tokens') as ContextWindowExceededError", () => {
    const error = map("error-400-too-many-tokens.json", 400);
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error).toMatchObject({
      status: 400,
      code: "context_length_exceeded",
      retryable: false,
      provider: "cohere",
    });
    expect(error.message).toMatch(/^too many tokens/);
  });

  it("maps other 400s, auth, billing and unknown models", () => {
    expect(map("error-400-invalid.json", 400)).toBeInstanceOf(InvalidRequestError);
    expect(map("error-401.json", 401)).toBeInstanceOf(AuthenticationError);
    expect(map("error-401.json", 498)).toMatchObject({ status: 401, type: "authentication_error" });
    expect(map("error-402.json", 402)).toMatchObject({
      status: 402,
      type: "billing_error",
      retryable: false,
    });
    expect(map("error-404-model.json", 404)).toBeInstanceOf(NotFoundError);
  });

  it("keeps a 429's retry-after and makes it retryable", () => {
    const error = map("error-429-trial.json", 429, { "retry-after": "7" });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
      headers: { "retry-after": "7" },
    });
    expect(map("error-429-trial.json", 429).retryAfterMs).toBeUndefined();
  });

  it("makes 5xx and cancelled requests retryable", () => {
    expect(map("error-500.json", 500)).toMatchObject({
      constructor: UpstreamError,
      status: 500,
      retryable: true,
    });
    expect(map("error-500.json", 503)).toBeInstanceOf(ServiceUnavailableError);
    expect(
      mapCohereError(response('{"message":"request cancelled"}', 499), cohereDeployment()),
    ).toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(map("error-500.json", 501).retryable).toBe(false);
  });

  it("redacts the key and copes with bodies that are not Cohere's", () => {
    const echoed = mapCohereError(
      response(`{"message":"bad key ${TEST_KEY}"}`, 401),
      cohereDeployment(),
    );
    expect(echoed.message).toBe("bad key [REDACTED]");
    const html = mapCohereError(response("<html>Bad Gateway</html>", 502), cohereDeployment());
    expect(html).toMatchObject({
      status: 502,
      retryable: true,
      message: "Cohere returned HTTP 502: <html>Bad Gateway</html>",
    });
  });
});
