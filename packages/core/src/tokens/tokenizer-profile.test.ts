import { describe, expect, it } from "vitest";
import { tokenizerProfile } from "./tokenizer-profile.ts";

describe("tokenizerProfile", () => {
  it.each([
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-mini-2024-07-18", "o200k_base"],
    ["gpt-4.1", "o200k_base"],
    ["o3", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-5-nano", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["text-embedding-3-small", "cl100k_base"],
  ])("counts OpenAI's %s exactly with %s", (model, encoding) => {
    expect(tokenizerProfile({ provider: "openai", model })).toMatchObject({
      encoding,
      factor: 1,
      exact: true,
    });
  });

  it("estimates other providers from o200k_base with a family factor", () => {
    expect(
      tokenizerProfile({ provider: "anthropic", model: "claude-sonnet-4-20250514" }),
    ).toMatchObject({
      encoding: "o200k_base",
      factor: 1.25,
      exact: false,
      images: { kind: "anthropic" },
    });
    expect(tokenizerProfile({ provider: "anthropic", model: "claude-opus-4-7" }).factor).toBe(1.7);
    expect(
      tokenizerProfile({ provider: "bedrock", model: "us.anthropic.claude-opus-4-8" }).factor,
    ).toBe(1.7);
    expect(tokenizerProfile({ provider: "gemini", model: "gemini/gemini-2.5-pro" })).toMatchObject({
      factor: 1.1,
      images: { kind: "gemini" },
    });
    expect(tokenizerProfile({ provider: "groq", model: "openai/gpt-oss-120b" })).toMatchObject({
      factor: 1.15,
      exact: false,
    });
    expect(tokenizerProfile({ provider: "some_new_provider", model: "mystery-1" }).factor).toBe(
      1.25,
    );
  });

  it("counts an Azure deployment name with o200k_base, not claiming exactness", () => {
    expect(tokenizerProfile({ provider: "azure", model: "prod-deployment" })).toMatchObject({
      encoding: "o200k_base",
      factor: 1,
      exact: false,
    });
  });
});
