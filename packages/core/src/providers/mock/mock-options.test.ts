import { describe, expect, it } from "vitest";
import { estimateMockTokens } from "./estimate-mock-tokens.ts";
import { splitWords } from "./mock-chat-answer.ts";
import { resolveMockOptions } from "./mock-options.ts";

const deployment = (provider: string, params: Record<string, unknown> = {}) => ({
  provider,
  model: "m",
  params,
});

describe("resolveMockOptions", () => {
  it("is off for real deployments without mock settings", () => {
    expect(resolveMockOptions(deployment("openai"), {})).toBeUndefined();
    expect(resolveMockOptions(deployment("openai", { mock_response: "" }), {})).toBeUndefined();
    expect(resolveMockOptions(deployment("openai"), { mock_timeout: false })).toBeUndefined();
  });

  it("reads LiteLLM's names from litellm_params and the request, the request winning", () => {
    expect(
      resolveMockOptions(deployment("openai", { mock_response: "a", mock_delay: "0.5" }), {
        mock_response: "b",
      }),
    ).toEqual({
      response: "b",
      delayMs: 500,
    });
    expect(resolveMockOptions(deployment("openai"), { mock_timeout: true })).toEqual({
      timeout: true,
    });
    expect(resolveMockOptions(deployment("mock"), {})).toEqual({});
  });
});

describe("mock text helpers", () => {
  it("splits text at word boundaries, keeping every character", () => {
    expect(splitWords("The sea  is 🌊 wide.")).toEqual(["The ", "sea  ", "is ", "🌊 ", "wide."]);
    expect(splitWords("  lead")).toEqual(["  lead"]);
    expect(splitWords("")).toEqual([]);
  });

  it("estimates a token per four code points", () => {
    expect(estimateMockTokens("")).toBe(0);
    expect(estimateMockTokens("abcd")).toBe(1);
    expect(estimateMockTokens("abcde")).toBe(2);
    expect(estimateMockTokens("🌊🌊🌊🌊")).toBe(1);
  });
});
