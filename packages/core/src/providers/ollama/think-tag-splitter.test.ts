import { describe, expect, it } from "vitest";
import { ThinkTagSplitter } from "./think-tag-splitter.ts";

function run(pieces: string[]) {
  const splitter = new ThinkTagSplitter();
  let content = "";
  let reasoning = "";
  for (const piece of [...pieces.map((p) => splitter.feed(p)), splitter.flush()]) {
    content += piece.content;
    reasoning += piece.reasoning;
  }
  return { content, reasoning };
}

describe("ThinkTagSplitter", () => {
  it("passes content through when it does not open with <think>", () => {
    expect(run(["Hello ", "<think> is a tag"])).toEqual({
      content: "Hello <think> is a tag",
      reasoning: "",
    });
    expect(run(["<", "b>bold</b>"])).toEqual({ content: "<b>bold</b>", reasoning: "" });
  });

  it("splits a leading think block, whatever the cut", () => {
    const text = "  <think>plan</think>\n\nanswer";
    for (let size = 1; size <= text.length; size++) {
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g")) ?? [];
      expect(run(pieces)).toEqual({ content: "answer", reasoning: "plan" });
    }
  });

  it("gives an unclosed think block as reasoning, and whitespace-only content as is", () => {
    expect(run(["<think>still thinking"])).toEqual({ content: "", reasoning: "still thinking" });
    expect(run(["  "])).toEqual({ content: "  ", reasoning: "" });
  });
});
