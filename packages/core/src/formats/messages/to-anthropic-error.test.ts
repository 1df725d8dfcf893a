import { describe, expect, it } from "vitest";
import {
  ContextWindowExceededError,
  RateLimitError,
  ServiceUnavailableError,
  UpstreamError,
} from "../../errors/gateway-error.ts";
import { toAnthropicErrorBody } from "./to-anthropic-error.ts";

describe("toAnthropicErrorBody", () => {
  it("uses Anthropic's error types", () => {
    expect(toAnthropicErrorBody(new ContextWindowExceededError("prompt is too long"))).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "prompt is too long" },
    });
    expect(toAnthropicErrorBody(new RateLimitError("slow down")).error.type).toBe(
      "rate_limit_error",
    );
    expect(toAnthropicErrorBody(new ServiceUnavailableError("Overloaded")).error.type).toBe(
      "overloaded_error",
    );
    expect(toAnthropicErrorBody(new UpstreamError("boom", { status: 500 })).error.type).toBe(
      "api_error",
    );
  });
});
