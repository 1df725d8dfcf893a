import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.ts";
import { carryLiteLLMParams, checkLiteLLMParams } from "./litellm-body-params.ts";

describe("checkLiteLLMParams", () => {
  it.each([
    { fallbacks: ["a", "b"] },
    { fallbacks: [{ a: ["b"] }, "c"] },
    { fallbacks: { a: ["b"], c: "d" } },
    { context_window_fallbacks: [{ a: ["b"] }], content_policy_fallbacks: null },
    { num_retries: 0, timeout: 0.5, stream_timeout: 30, disable_fallbacks: false },
    { metadata: { tags: ["x"], anything: { nested: 1 } } },
    { metadata: { user_id: "u" } },
    {},
  ])("accepts %j", (body) => {
    expect(() => checkLiteLLMParams(body)).not.toThrow();
  });

  it.each([
    ["fallbacks", { fallbacks: 3 }],
    ["fallbacks", { fallbacks: "b" }],
    ["fallbacks", { fallbacks: [""] }],
    ["fallbacks", { fallbacks: [{ a: [1] }] }],
    ["context_window_fallbacks", { context_window_fallbacks: [true] }],
    ["num_retries", { num_retries: -1 }],
    ["num_retries", { num_retries: 2.5 }],
    ["num_retries", { num_retries: "2" }],
    ["timeout", { timeout: 0 }],
    ["request_timeout", { request_timeout: "10" }],
    ["disable_fallbacks", { disable_fallbacks: "true" }],
    ["metadata.tags", { metadata: { tags: "x" } }],
    ["metadata.tags", { metadata: { tags: ["ok", 2] } }],
    ["extra_body", { extra_body: "x" }],
    ["extra_body.max_tokens", { extra_body: { max_tokens: 99999 } }],
  ])("refuses a bad %s with a 400 naming it", (param, body) => {
    const error = thrownBy(() => checkLiteLLMParams(body));
    expect(error.status).toBe(400);
    expect(error.toJSON().error).toMatchObject({ param, type: "invalid_request_error" });
    expect(error.message).toContain(param);
  });

  it("never echoes the value it refuses (a key pasted into the wrong field)", () => {
    for (const field of ["fallbacks", "num_retries", "timeout", "disable_fallbacks"]) {
      const error = thrownBy(() => checkLiteLLMParams({ [field]: "sk-live-secret-123" }));
      expect(JSON.stringify(error.toJSON())).not.toContain("sk-live-secret-123");
    }
  });
});

function thrownBy(fn: () => void): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a throw");
}

describe("carryLiteLLMParams", () => {
  it("copies only LiteLLM's parameters, and never user or metadata", () => {
    const to: Record<string, unknown> = { model: "m" };
    carryLiteLLMParams(
      { fallbacks: ["b"], mock_response: "x", user: "u", metadata: { tags: [] }, top_k: 3 },
      to,
    );
    expect(to).toEqual({ model: "m", fallbacks: ["b"], mock_response: "x" });
  });
});
