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
import { fixture, ollamaDeployment, response } from "./__fixtures__/fixtures.ts";
import { mapOllamaError } from "./map-error.ts";

const map = (body: string, status: number, headers: Record<string, string> = {}) =>
  mapOllamaError(response(body, status, headers), ollamaDeployment());

describe("Ollama error mapping", () => {
  it("maps a missing model (both message forms) to NotFoundError", () => {
    for (const name of ["error-404-model.json", "error-404-model-legacy.json"]) {
      const error = map(fixture(name), 404);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({
        status: 404,
        code: "model_not_found",
        provider: "ollama_chat",
        retryable: false,
      });
    }
    expect(map(fixture("error-404-model.json"), 404).message).toBe("model 'llama9' not found");
  });

  it("recognises Ollama's context overflow messages", () => {
    expect(map(fixture("error-400-context.json"), 400)).toBeInstanceOf(ContextWindowExceededError);
    expect(map('{"error":"the input length exceeds the context length"}', 400)).toBeInstanceOf(
      ContextWindowExceededError,
    );
    expect(
      map('{"error":"input exceeds maximum context length and cannot be truncated further"}', 500),
    ).toMatchObject({
      code: "context_length_exceeded",
    });
  });

  it("maps other statuses", () => {
    expect(map(fixture("error-400-tools.json"), 400)).toBeInstanceOf(InvalidRequestError);
    expect(
      map('{"error":"unauthorized","signin_url":"https://ollama.com/connect"}', 401),
    ).toBeInstanceOf(AuthenticationError);
    const limited = map('{"error":"too many requests"}', 429, { "retry-after": "3" });
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited).toMatchObject({ retryAfterMs: 3000, retryable: true });
    expect(map(fixture("error-500.json"), 500)).toMatchObject({
      constructor: UpstreamError,
      status: 500,
      retryable: true,
    });
    expect(map('{"error":"cloud model unreachable"}', 502)).toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(map('{"error":"busy"}', 503)).toBeInstanceOf(ServiceUnavailableError);
  });

  it("keeps non-JSON bodies (gin's 404 page) readable", () => {
    expect(map("404 page not found", 404).message).toBe(
      "Ollama returned HTTP 404: 404 page not found",
    );
  });
});
