import { describe, expect, it } from "vitest";
import { openaiChunks } from "./openai-chunks.ts";
import { openaiUsage } from "./openai-usage.ts";

type Parsed = {
  choices: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null }>;
  usage?: unknown;
  system_fingerprint?: string;
};
const parse = (events: string[]) =>
  events.filter((event) => event !== "[DONE]").map((event) => JSON.parse(event) as Parsed);
const toolDeltas = (events: string[]) =>
  parse(events).flatMap(
    (chunk) => (chunk.choices[0]?.delta["tool_calls"] as unknown[] | undefined) ?? [],
  );

describe("openaiChunks", () => {
  it("sends role, content, finish and [DONE] in OpenAI's framing and key order", () => {
    const events = openaiChunks({
      content: ["Hel", "lo"],
      id: "chatcmpl-9",
      created: 1,
      model: "gpt-4.1-mini",
    });
    expect(events).toEqual([
      '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","service_tier":"default","system_fingerprint":"fp_fake0001","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}',
      '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","service_tier":"default","system_fingerprint":"fp_fake0001","choices":[{"index":0,"delta":{"content":"Hel"},"logprobs":null,"finish_reason":null}]}',
      '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","service_tier":"default","system_fingerprint":"fp_fake0001","choices":[{"index":0,"delta":{"content":"lo"},"logprobs":null,"finish_reason":null}]}',
      '{"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1-mini","service_tier":"default","system_fingerprint":"fp_fake0001","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}',
      "[DONE]",
    ]);
  });

  it("with includeUsage puts usage:null on every chunk and one choices:[] usage chunk before [DONE]", () => {
    const usage = openaiUsage(61, 17);
    const events = openaiChunks({ content: "hi", includeUsage: true, usage });
    const chunks = parse(events);
    expect(events.at(-1)).toBe("[DONE]");
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage });
    expect(chunks.filter((chunk) => chunk.choices.length === 0)).toHaveLength(1);
  });

  it("without includeUsage has no usage field and no usage chunk", () => {
    const chunks = parse(openaiChunks({ content: "hi" }));
    expect(chunks.every((chunk) => !("usage" in chunk) && chunk.choices.length === 1)).toBe(true);
  });

  it("streams parallel tool calls one after another: header first, then argument fragments", () => {
    const events = openaiChunks({
      toolCalls: [
        { id: "call_A1", name: "get_weather", arguments: ['{"city":"Os', 'lo"}'] },
        { id: "call_B2", name: "get_time", arguments: '{"tz":"CET"}' },
      ],
    });
    expect(toolDeltas(events)).toEqual([
      {
        index: 0,
        id: "call_A1",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      },
      { index: 0, function: { arguments: '{"city":"Os' } },
      { index: 0, function: { arguments: 'lo"}' } },
      { index: 1, id: "call_B2", type: "function", function: { name: "get_time", arguments: "" } },
      { index: 1, function: { arguments: '{"tz":"CET"}' } },
    ]);
    expect(parse(events).at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("can interleave parallel tool calls", () => {
    const events = openaiChunks({
      interleaveToolCalls: true,
      toolCalls: [
        { id: "a", name: "f", arguments: ["{", "}"] },
        { id: "b", name: "g", arguments: { x: 1 } },
      ],
    });
    expect(toolDeltas(events).map((delta) => (delta as { index: number }).index)).toEqual([
      0, 1, 0, 1, 0,
    ]);
  });

  it("sends reasoning_content before the content", () => {
    const chunks = parse(openaiChunks({ reasoning: ["think"], content: "answer" }));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { reasoning_content: "think" },
      { content: "answer" },
      {},
    ]);
  });

  it("can leave out the finish chunk, [DONE] and optional fields for broken or minimal streams", () => {
    const events = openaiChunks({
      content: "x",
      finishReason: null,
      done: false,
      systemFingerprint: null,
      serviceTier: null,
    });
    expect(events).toHaveLength(2);
    expect(events.join("")).not.toMatch(
      /finish_reason":"|system_fingerprint|service_tier|\[DONE\]/,
    );
  });
});
