import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "../../openai/chat-response.ts";
import { chatCompletionToChunks } from "./chat-completion-to-chunks.ts";

// A whole answer (a cache hit) replayed as a stream must carry what the answer carried.
describe("chatCompletionToChunks", () => {
  const base = { id: "c1", object: "chat.completion" as const, created: 1, model: "m" };

  it("keeps citations and each signed thinking block (text with its block, never twice)", () => {
    const blocks = [
      { type: "thinking", thinking: "first ", signature: "sig1" },
      { type: "redacted_thinking", data: "opaque" },
      { type: "thinking", thinking: "second", signature: "sig2" },
    ];
    const citation = { type: "url_citation", url_citation: { url: "https://example.com" } };
    const completion = {
      ...base,
      choices: [
        {
          index: 0,
          finish_reason: "stop",
          message: {
            role: "assistant",
            content: "answer",
            reasoning_content: "first second",
            thinking_blocks: blocks,
            annotations: [citation],
          },
        },
      ],
    } as unknown as ChatCompletion;
    const chunks = chatCompletionToChunks(completion);
    const deltas = chunks.map((c) => c.choices[0]!.delta as Record<string, unknown>);
    expect(deltas.flatMap((d) => (d["thinking_blocks"] as unknown[] | undefined) ?? [])).toEqual(
      blocks,
    );
    expect(deltas.map((d) => d["reasoning_content"] ?? "").join("")).toBe("first second");
    expect(deltas[0]!["role"]).toBe("assistant");
    expect(deltas.filter((d) => d["role"] !== undefined)).toHaveLength(1);
    expect(deltas.at(-1)).toMatchObject({ content: "answer", annotations: [citation] });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  it("without thinking blocks, one chunk per choice with the reasoning text", () => {
    const completion = {
      ...base,
      choices: [
        {
          index: 0,
          finish_reason: "stop",
          message: { role: "assistant", content: "a", reasoning_content: "why" },
        },
      ],
    } as unknown as ChatCompletion;
    const chunks = chatCompletionToChunks(completion);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.choices[0]!.delta).toEqual({
      role: "assistant",
      reasoning_content: "why",
      content: "a",
    });
  });
});
