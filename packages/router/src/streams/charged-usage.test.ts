import { describe, expect, it } from "vitest";
import { chargedUsage } from "./charged-usage.ts";
import type { StreamEnd } from "./tracked-stream.ts";

const count = (text: string) => text.length;
const end = (status: StreamEnd["status"], usage: StreamEnd["usage"], text: string): StreamEnd => ({
  status,
  usage,
  completionChars: text.length,
  completionText: text,
  completion: undefined,
});
const usage = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

describe("chargedUsage", () => {
  it("counts the delivered text when the upstream sent no usage", () => {
    expect(chargedUsage(end("cancelled", undefined, "abcdef"), count)).toEqual({
      usage: undefined,
      estimatedCompletionTokens: 6,
    });
  });

  it("takes a finished stream's usage as it is, without counting", () => {
    const counted: string[] = [];
    const result = chargedUsage(end("success", usage(3, 2), "abcdef"), (text) => {
      counted.push(text);
      return text.length;
    });
    expect(result).toEqual({ usage: usage(3, 2), estimatedCompletionTokens: 0 });
    expect(counted).toEqual([]);
  });

  it("never charges a cut stream less than it delivered, whatever usage came early", () => {
    // A prompt-only (or running) usage arrived before the client hung up.
    expect(chargedUsage(end("cancelled", usage(3, 0), "abcdef"), count).usage).toEqual(usage(3, 6));
    expect(chargedUsage(end("failure", usage(3, 1), "abcdef"), count).usage).toEqual(usage(3, 6));
    // A usage that already covers the text stands.
    expect(chargedUsage(end("failure", usage(3, 9), "abcdef"), count).usage).toEqual(usage(3, 9));
  });
});
