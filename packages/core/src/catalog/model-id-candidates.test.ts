import { describe, expect, it } from "vitest";
import { modelIdCandidates } from "./model-id-candidates.ts";

describe("modelIdCandidates", () => {
  it("tries the id first, then without region prefix, then without snapshot suffix", () => {
    expect(modelIdCandidates("openai", "openai/GPT-4o-2024-08-06")).toEqual([
      "gpt-4o-2024-08-06",
      "gpt-4o",
    ]);
    expect(modelIdCandidates("bedrock", "bedrock/invoke/us.anthropic.claude-opus-4-7")).toEqual([
      "us.anthropic.claude-opus-4-7",
      "anthropic.claude-opus-4-7",
    ]);
    expect(modelIdCandidates("vertex_ai", "claude-opus-4-6@default")).toEqual([
      "claude-opus-4-6@default",
      "claude-opus-4-6",
    ]);
    expect(modelIdCandidates("anthropic", "claude-opus-4-1-20250805")).toEqual([
      "claude-opus-4-1-20250805",
      "claude-opus-4-1",
    ]);
  });
});
