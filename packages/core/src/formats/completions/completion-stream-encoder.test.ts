import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import {
  chunk,
  parseCompletionRequest as parse,
  usage,
} from "./__fixtures__/completion-fixtures.ts";
import { createCompletionStreamEncoder } from "./completion-stream-encoder.ts";

describe("createCompletionStreamEncoder", () => {
  it("turns chat chunks into text_completion chunks, skipping the role chunk", () => {
    const encoder = createCompletionStreamEncoder(parse({ prompt: "x", stream: true }));
    const out = [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      { ...chunk({}), choices: [], usage },
    ].flatMap((c) => encoder.encode(c));
    expect(out).toEqual([
      {
        id: "cmpl-abc",
        object: "text_completion",
        created: 1_700_000_000,
        model: "gpt-4o-2024-08-06",
        choices: [{ text: "Hel", index: 0, logprobs: null, finish_reason: null }],
      },
      {
        id: "cmpl-abc",
        object: "text_completion",
        created: 1_700_000_000,
        model: "gpt-4o-2024-08-06",
        choices: [{ text: "lo", index: 0, logprobs: null, finish_reason: null }],
      },
      {
        id: "cmpl-abc",
        object: "text_completion",
        created: 1_700_000_000,
        model: "gpt-4o-2024-08-06",
        choices: [{ text: "", index: 0, logprobs: null, finish_reason: "stop" }],
      },
      {
        id: "cmpl-abc",
        object: "text_completion",
        created: 1_700_000_000,
        model: "gpt-4o-2024-08-06",
        choices: [],
        usage,
      },
    ]);
  });

  it("echoes the prompt once per choice, in front of its first text", () => {
    const encoder = createCompletionStreamEncoder(parse({ prompt: "Hello", echo: true, n: 2 }));
    const two: ChatCompletionChunk = {
      ...chunk({}),
      choices: [
        { index: 0, delta: { content: " a" }, finish_reason: null },
        { index: 1, delta: { content: " b" }, finish_reason: null },
      ],
    };
    const texts = [two, chunk({ content: " c" })]
      .flatMap((c) => encoder.encode(c))
      .flatMap((c) => c.choices.map((choice) => [choice.index, choice.text]));
    expect(texts).toEqual([
      [0, "Hello a"],
      [1, "Hello b"],
      [0, " c"],
    ]);
  });

  it("keeps text offsets across chunks for logprobs", () => {
    const encoder = createCompletionStreamEncoder(parse({ prompt: "x", logprobs: 0 }));
    const lp = (token: string) => ({
      content: [{ token, logprob: -1, bytes: null, top_logprobs: [] }],
    });
    const out = [
      chunk({ content: "Hi" }, null, { logprobs: lp("Hi") }),
      chunk({ content: " you" }, null, { logprobs: lp(" you") }),
    ].flatMap((c) => encoder.encode(c));
    expect(out.map((c) => c.choices[0]?.logprobs?.text_offset)).toEqual([[0], [2]]);
  });
});
