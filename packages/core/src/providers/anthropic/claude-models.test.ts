import { describe, expect, it } from "vitest";
import { defaultMaxTokens, parseClaudeModel, supportsAdaptiveThinking } from "./claude-models.ts";

describe("claude-models", () => {
  it.each([
    ["claude-sonnet-4-5-20250929", { family: "sonnet", major: 4, minor: 5 }],
    ["claude-opus-4-20250514", { family: "opus", major: 4, minor: 0 }],
    ["claude-haiku-4-5@20251001", { family: "haiku", major: 4, minor: 5 }],
    ["claude-3-7-sonnet-latest", { family: "sonnet", major: 3, minor: 7 }],
    ["claude-3-opus-20240229", { family: "opus", major: 3, minor: 0 }],
    ["claude-opus-4-6", { family: "opus", major: 4, minor: 6 }],
    ["claude-sonnet-5", { family: "sonnet", major: 5, minor: 0 }],
  ])("parses %s", (name, expected) => {
    expect(parseClaudeModel(name)).toEqual(expected);
  });

  it("defaults max_tokens to the model's output limit, 4096 when unknown", () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307")).toBe(4096);
    expect(defaultMaxTokens("claude-3-5-sonnet-20241022")).toBe(8192);
    expect(defaultMaxTokens("claude-3-7-sonnet-20250219")).toBe(64_000);
    expect(defaultMaxTokens("claude-sonnet-4-20250514")).toBe(64_000);
    expect(defaultMaxTokens("claude-opus-4-1")).toBe(32_000);
    expect(defaultMaxTokens("claude-opus-4-5-20251101")).toBe(64_000);
    expect(defaultMaxTokens("claude-opus-4-6")).toBe(128_000);
    expect(defaultMaxTokens("claude-haiku-4-5")).toBe(64_000);
    expect(defaultMaxTokens("claude-mythos-preview")).toBe(4096);
  });

  it("knows which models take adaptive thinking", () => {
    expect(supportsAdaptiveThinking("claude-opus-4-6")).toBe(true);
    expect(supportsAdaptiveThinking("claude-sonnet-4-6")).toBe(true);
    expect(supportsAdaptiveThinking("claude-sonnet-5")).toBe(true);
    expect(supportsAdaptiveThinking("claude-sonnet-4-5")).toBe(false);
    expect(supportsAdaptiveThinking("claude-haiku-4-5")).toBe(false);
  });
});
