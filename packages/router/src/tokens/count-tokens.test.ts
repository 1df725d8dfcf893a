import { describe, expect, it } from "vitest";
import { estimateTokens } from "./count-tokens.ts";

describe("estimateTokens", () => {
  it("counts characters / 4 plus 4 per message", () => {
    expect(
      estimateTokens({
        model: "m",
        messages: [
          { role: "system", content: "x".repeat(40) },
          { role: "user", content: [{ type: "text", text: "y".repeat(8) }] },
        ],
      }),
    ).toBe(12 + 8);
  });

  it("counts embedding inputs", () => {
    expect(estimateTokens({ model: "m", input: ["abcd", "abcdefgh"] })).toBe(3);
    expect(estimateTokens({ model: "m", input: [[1, 2, 3]] })).toBe(3);
  });
});
