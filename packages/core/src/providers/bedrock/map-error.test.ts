import { describe, expect, it } from "vitest";
import { fixtureFiles } from "../../__fixtures__/adapter-test-kit.ts";
import {
  AuthenticationError,
  ContextWindowExceededError,
  InvalidRequestError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
  TimeoutError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { mapBedrockError } from "./map-error.ts";

const deployment: ProviderDeployment = {
  provider: "bedrock",
  model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
  params: {
    aws_access_key_id: "AKIAIOSFODNN7EXAMPLE",
    aws_secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
};

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).text;

function map(
  status: number,
  errorType: string | undefined,
  body: string,
  headers: Record<string, string> = {},
) {
  const all: Record<string, string> = { "x-amzn-requestid": "7b1c", ...headers };
  if (errorType)
    all["x-amzn-errortype"] = `${errorType}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
  return mapBedrockError({ status, headers: all, body }, deployment);
}

describe("mapBedrockError", () => {
  it.each([["error-context-length.json"], ["error-too-many-tokens.json"]])(
    "maps a 400 ValidationException about length (%s) to ContextWindowExceededError",
    (name) => {
      const error = map(400, "ValidationException", fixture(name));
      expect(error).toBeInstanceOf(ContextWindowExceededError);
      expect(error).toMatchObject({
        status: 400,
        code: "context_length_exceeded",
        retryable: false,
        provider: "bedrock",
        upstreamStatus: 400,
      });
      expect(error.message).toMatch(/^ValidationException: /);
    },
  );

  it("maps other validation errors to InvalidRequestError with the provider message", () => {
    const error = map(400, "ValidationException", fixture("error-validation.json"));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(
      "ValidationException: A conversation must start with a user message. Try again with a conversation that starts with a user message.",
    );
  });

  it("maps 429 ThrottlingException to a retryable RateLimitError with the retry hint", () => {
    const error = map(429, "ThrottlingException", fixture("error-throttling.json"), {
      "retry-after": "7",
    });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 7000 });
  });

  it("maps 429 ModelNotReadyException (body `Message`) to a retryable 503", () => {
    const error = map(429, "ModelNotReadyException", fixture("error-model-not-ready.json"));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ status: 503, retryable: true });
    expect(error.message).toMatch(/Model is not ready for inference/);
  });

  it("maps 503 ServiceUnavailableException and 500 InternalServerException as retryable", () => {
    expect(
      map(503, "ServiceUnavailableException", fixture("error-service-unavailable.json")),
    ).toBeInstanceOf(ServiceUnavailableError);
    const internal = map(500, "InternalServerException", '{"message":"Internal failure"}');
    expect(internal).toBeInstanceOf(UpstreamError);
    expect(internal).toMatchObject({ status: 500, retryable: true });
    expect(map(502, undefined, "<html>Bad gateway</html>")).toMatchObject({
      status: 502,
      retryable: true,
    });
  });

  it("maps 403 AccessDeniedException to PermissionDeniedError", () => {
    const error = map(403, "AccessDeniedException", fixture("error-access-denied.json"));
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error.retryable).toBe(false);
  });

  it("maps bad credentials (UnrecognizedClientException, InvalidSignatureException) to AuthenticationError", () => {
    expect(
      map(403, "UnrecognizedClientException", fixture("error-unrecognized-client.json")),
    ).toBeInstanceOf(AuthenticationError);
    expect(
      map(
        403,
        "InvalidSignatureException",
        '{"message":"The request signature we calculated does not match the signature you provided."}',
      ),
    ).toMatchObject({ status: 401, code: "invalid_api_key" });
    // Without the header, the body's __type names the error.
    expect(
      mapBedrockError(
        {
          status: 403,
          headers: {},
          body: '{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."}',
        },
        deployment,
      ),
    ).toBeInstanceOf(AuthenticationError);
  });

  it("maps 404, 408 and 424 model errors", () => {
    expect(map(404, "ResourceNotFoundException", '{"message":"Model not found"}')).toBeInstanceOf(
      NotFoundError,
    );
    expect(map(408, "ModelTimeoutException", '{"message":"Model timed out"}')).toBeInstanceOf(
      TimeoutError,
    );
    const modelError = map(
      424,
      "ModelErrorException",
      '{"message":"The model returned an error","originalStatusCode":500}',
    );
    expect(modelError).toBeInstanceOf(UpstreamError);
    expect(modelError).toMatchObject({ status: 502, upstreamStatus: 424, retryable: true });
  });

  it("keeps a named server exception an UpstreamError with its status, even as a 503", () => {
    // Only the status path (no exception name) reads a 503 as ServiceUnavailableError.
    const internal = map(503, "InternalServerException", '{"message":"Internal failure"}');
    expect(internal).toBeInstanceOf(UpstreamError);
    expect(internal).toMatchObject({ status: 503, retryable: true });
    expect(map(503, undefined, '{"message":"Try later"}')).toBeInstanceOf(ServiceUnavailableError);
  });

  it("redacts credentials the upstream echoes back", () => {
    const error = map(
      403,
      "UnrecognizedClientException",
      '{"message":"Key AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY is invalid"}',
    );
    expect(error.message).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(error.message).not.toContain("wJalrXUtnFEMI");
  });
});
