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
    expect(chargedUsage(end("cancelled", undefined, "abcdef"), count, 5)).toEqual({
      usage: undefined,
      estimatedCompletionTokens: 6,
    });
  });

  it("takes a finished stream's usage as it is, without counting", () => {
    const counted: string[] = [];
    const result = chargedUsage(
      end("success", usage(3, 2), "abcdef"),
      (text) => {
        counted.push(text);
        return text.length;
      },
      5,
    );
    expect(result).toEqual({ usage: usage(3, 2), estimatedCompletionTokens: 0 });
    expect(counted).toEqual([]);
  });

  it("never charges a cut stream less than it delivered, whatever usage came early", () => {
    // A prompt-only (or running) usage arrived before the client hung up.
    expect(chargedUsage(end("cancelled", usage(3, 0), "abcdef"), count, 5).usage).toEqual(
      usage(3, 6),
    );
    expect(chargedUsage(end("failure", usage(3, 1), "abcdef"), count, 5).usage).toEqual(
      usage(3, 6),
    );
    // A usage that already covers the text stands.
    expect(chargedUsage(end("failure", usage(3, 9), "abcdef"), count, 5).usage).toEqual(
      usage(3, 9),
    );
  });

  it("stands its own counts in for zeros: the prompt's, and the delivered text's", () => {
    expect(chargedUsage(end("success", usage(0, 0), "abcdef"), count, 5).usage).toEqual(
      usage(5, 6),
    );
    expect(chargedUsage(end("success", usage(3, 0), "abcdef"), count, 5).usage).toEqual(
      usage(3, 6),
    );
    // An empty answer is 0 tokens indeed.
    expect(chargedUsage(end("success", usage(3, 0), ""), count, 5).usage).toEqual(usage(3, 0));
  });

  it("takes a usage with negative, non-numeric or absurd counts as none", () => {
    for (const odd of [usage(-3, 2), usage(3, -2), usage(3, 2 ** 31), usage(3, 1.5)]) {
      expect(chargedUsage(end("success", odd, "abcdef"), count, 5)).toEqual({
        usage: undefined,
        estimatedCompletionTokens: 6,
      });
    }
    const strings = { prompt_tokens: "3", completion_tokens: "2", total_tokens: "5" };
    expect(
      chargedUsage(end("success", strings as never, "abcdef"), count, 5).usage,
    ).toBeUndefined();
  });
});
