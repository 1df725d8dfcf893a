import { describe, expect, it } from "vitest";
import { DEFAULT_IMAGE_RULE, imageTokens } from "./image-tokens.ts";

describe("imageTokens", () => {
  it("follows OpenAI's tile formula (examples from OpenAI's vision docs)", () => {
    expect(imageTokens(DEFAULT_IMAGE_RULE, { width: 1024, height: 1024 }, "high")).toBe(765);
    expect(imageTokens(DEFAULT_IMAGE_RULE, { width: 2048, height: 4096 }, "high")).toBe(1105);
    expect(imageTokens(DEFAULT_IMAGE_RULE, { width: 4096, height: 8192 }, "low")).toBe(85);
    expect(imageTokens(DEFAULT_IMAGE_RULE, { width: 128, height: 64 }, "auto")).toBe(255);
    // Unknown size: the most tiles an image can have after scaling (8).
    expect(imageTokens(DEFAULT_IMAGE_RULE, undefined, undefined)).toBe(85 + 8 * 170);
  });

  it("follows OpenAI's patch formula", () => {
    const patches = { kind: "patches", multiplier: 1, maxPatches: 1536 } as const;
    expect(imageTokens(patches, { width: 1024, height: 1024 }, "high")).toBe(1024);
    expect(imageTokens(patches, { width: 1800, height: 2400 }, "low")).toBe(1452);
    expect(
      imageTokens({ ...patches, multiplier: 1.62 }, { width: 1024, height: 1024 }, undefined),
    ).toBe(1659);
    expect(imageTokens(patches, undefined, undefined)).toBe(1536);
  });

  it("estimates Anthropic and Gemini images by their documented rules", () => {
    expect(imageTokens({ kind: "anthropic" }, { width: 1000, height: 1000 }, undefined)).toBe(1334);
    expect(imageTokens({ kind: "anthropic" }, { width: 4000, height: 3000 }, undefined)).toBe(1600);
    expect(imageTokens({ kind: "gemini" }, { width: 300, height: 300 }, undefined)).toBe(258);
    expect(imageTokens({ kind: "gemini" }, { width: 1000, height: 1000 }, undefined)).toBe(1032);
    expect(imageTokens({ kind: "gemini" }, undefined, undefined)).toBe(1120);
  });
});
