import { describe, expect, it } from "vitest";
import { fixtureFiles } from "../../__fixtures__/adapter-test-kit.ts";
import {
  AuthenticationError,
  ContextWindowExceededError,
  GatewayError,
  InvalidRequestError,
  RateLimitError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mistralProvider } from "./mistral-provider.ts";

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).text;
const deployment: ProviderDeployment = {
  provider: "mistral",
  model: "mistral-small-latest",
  apiKey: "mistral-key-abcdef",
  params: {},
};
const map = (status: number, name: string, headers: Record<string, string> = {}) =>
  mistralProvider.mapError({ status, headers, body: fixture(name) }, deployment);

describe("mistral: mapError", () => {
  it("reads a 422 whose message is an object of validation issues", () => {
    const error = map(422, "error-422-extra-forbidden.json");
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.status).toBe(422);
    expect(error.message).toBe("logprobs: Extra inputs are not permitted");
    expect(error.param).toBe("logprobs");
    expect(error.retryable).toBe(false);
  });

  it("reads validation issues sent as a JSON string", () => {
    const error = map(422, "error-422-message-string.json");
    expect(error.message).toBe("frequency_penalty: Extra inputs are not permitted");
    expect(error.param).toBe("frequency_penalty");
  });

  it("reads the newer detail/message list shape", () => {
    const error = map(422, "error-422-detail.json");
    expect(error.message).toBe(
      "messages.1.assistant.reasoning_content: Extra inputs are not permitted",
    );
    expect(error.code).toBe("3001");
  });

  it("recognises Mistral's context-length message", () => {
    const error = map(400, "error-400-context-length.json");
    expect(error).toBeInstanceOf(ContextWindowExceededError);
    expect(error.code).toBe("context_length_exceeded");
  });

  it("keeps a plain 400 message", () => {
    const error = map(400, "error-400-tool-call-id.json");
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain("must be a-z, A-Z, 0-9, with a length of 9");
  });

  it("maps 429 with retry-after", () => {
    const error = map(429, "error-429-rate-limit.json", { "retry-after": "2" });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBe(2000);
  });

  it("treats service tier capacity exceeded as rate limiting", () => {
    const error = map(503, "error-capacity-exceeded.json");
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryable).toBe(true);
  });

  it("maps 401 and 5xx", () => {
    expect(map(401, "error-401-unauthorized.json")).toBeInstanceOf(AuthenticationError);
    const server = mistralProvider.mapError(
      { status: 502, headers: {}, body: "<html>bad gateway</html>" },
      deployment,
    );
    expect(server).toBeInstanceOf(UpstreamError);
    expect(server.retryable).toBe(true);
  });
});
