import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import {
  context,
  readFixture,
  runStream,
} from "../../providers/anthropic/__fixtures__/fixtures.ts";
import {
  type AnthropicSseEvent,
  createOpenAIToAnthropicStreamEncoder,
} from "./openai-to-anthropic-stream-encoder.ts";
import { createAnthropicStreamTransformer } from "../../providers/anthropic/stream-transformer.ts";

function encodeAll(chunks: readonly ChatCompletionChunk[]): AnthropicSseEvent[] {
  const encoder = createOpenAIToAnthropicStreamEncoder();
  return [...chunks.flatMap((chunk) => encoder.encode(chunk)), ...encoder.finish()];
}

/** Checks Anthropic's ordering rules: start first, blocks never overlap, delta + stop last. */
function expectAnthropicOrder(events: readonly AnthropicSseEvent[]): void {
  expect(events[0]?.event).toBe("message_start");
  expect(events.slice(-2).map((event) => event.event)).toEqual(["message_delta", "message_stop"]);
  let open: number | undefined;
  let next = 0;
  for (const { event, data } of events) {
    expect(data.type).toBe(event);
    if (event === "content_block_start") {
      expect(open).toBeUndefined();
      expect(data.index).toBe(next++);
      open = data.index as number;
    } else if (event === "content_block_delta") {
      expect(data.index).toBe(open);
    } else if (event === "content_block_stop") {
      expect(data.index).toBe(open);
      open = undefined;
    }
  }
  expect(open).toBeUndefined();
}

/** Rebuilds the final message from events, the way Anthropic's SDK MessageStream does. */
function accumulate(events: readonly { event?: string; data: Record<string, unknown> }[]) {
  const content: Record<string, unknown>[] = [];
  const json: string[] = [];
  let stopReason: unknown;
  let usage: Record<string, unknown> = {};
  for (const { data } of events) {
    if (data.type === "message_start")
      usage = { ...((data.message as { usage: object }).usage ?? {}) };
    if (data.type === "content_block_start") {
      content[data.index as number] = { ...(data.content_block as object) };
      json[data.index as number] = "";
    }
    if (data.type === "content_block_delta") {
      const index = data.index as number;
      const block = content[index] as Record<string, string>;
      const delta = data.delta as Record<string, string>;
      if (delta.type === "text_delta") block.text = `${block.text ?? ""}${delta.text ?? ""}`;
      if (delta.type === "thinking_delta")
        block.thinking = `${block.thinking ?? ""}${delta.thinking ?? ""}`;
      if (delta.type === "signature_delta") block.signature = delta.signature ?? "";
      if (delta.type === "input_json_delta")
        json[index] = `${json[index] ?? ""}${delta.partial_json ?? ""}`;
    }
    if (data.type === "content_block_stop") {
      const block = content[data.index as number] as Record<string, unknown>;
      if (block.type === "tool_use") block.input = JSON.parse(json[data.index as number] || "{}");
    }
    if (data.type === "message_delta") {
      stopReason = (data.delta as { stop_reason: unknown }).stop_reason;
      for (const [key, value] of Object.entries(data.usage as object))
        if (value != null) usage[key] = value;
    }
  }
  return { content, stopReason, usage };
}

function sseEvents(fixture: string): { event: string; data: Record<string, unknown> }[] {
  return readFixture(fixture)
    .split("\n\n")
    .filter((event) => event.trim() !== "")
    .map((event) => {
      const [eventLine = "", dataLine = ""] = event.split("\n");
      return {
        event: eventLine.slice("event: ".length),
        data: JSON.parse(dataLine.slice("data: ".length)),
      };
    });
}

const head = {
  id: "chatcmpl-abc",
  object: "chat.completion.chunk" as const,
  created: 1,
  model: "gpt-4o",
};
const chunk = (
  delta: ChatCompletionChunk["choices"][number]["delta"],
  finish: string | null = null,
) => ({ ...head, choices: [{ index: 0, delta, finish_reason: finish }] }) as ChatCompletionChunk;

describe("createOpenAIToAnthropicStreamEncoder", () => {
  it("emits Anthropic's exact event sequence for text followed by a tool call", () => {
    const events = encodeAll([
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Hi" }),
      chunk({ content: " there" }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_1", type: "function", function: { name: "f", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
      chunk({}, "tool_calls"),
      {
        ...head,
        choices: [],
        usage: {
          prompt_tokens: 20,
          completion_tokens: 5,
          total_tokens: 25,
          prompt_tokens_details: { cached_tokens: 8 },
        },
      },
    ]);
    expect(events).toEqual([
      {
        event: "message_start",
        data: {
          type: "message_start",
          message: {
            id: "msg_abc",
            type: "message",
            role: "assistant",
            model: "gpt-4o",
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: 0,
              output_tokens: 0,
              cache_creation_input_tokens: 0,
              cache_read_input_tokens: 0,
            },
          },
        },
      },
      {
        event: "content_block_start",
        data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      },
      {
        event: "content_block_delta",
        data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
      },
      {
        event: "content_block_delta",
        data: {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text: " there" },
        },
      },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      {
        event: "content_block_start",
        data: {
          type: "content_block_start",
          index: 1,
          content_block: { type: "tool_use", id: "call_1", name: "f", input: {} },
        },
      },
      {
        event: "content_block_delta",
        data: {
          type: "content_block_delta",
          index: 1,
          delta: { type: "input_json_delta", partial_json: '{"a":' },
        },
      },
      {
        event: "content_block_delta",
        data: {
          type: "content_block_delta",
          index: 1,
          delta: { type: "input_json_delta", partial_json: "1}" },
        },
      },
      { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
      {
        event: "message_delta",
        data: {
          type: "message_delta",
          delta: { stop_reason: "tool_use", stop_sequence: null },
          usage: {
            input_tokens: 12,
            output_tokens: 5,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 8,
          },
        },
      },
      { event: "message_stop", data: { type: "message_stop" } },
    ]);
  });

  it("streams sequential parallel calls live, one block each", () => {
    const events = encodeAll([
      chunk({
        tool_calls: [
          {
            index: 0,
            id: "call_a",
            type: "function",
            function: { name: "f", arguments: '{"x":1}' },
          },
        ],
      }),
      chunk({
        tool_calls: [
          { index: 1, id: "call_b", type: "function", function: { name: "g", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '{"y":2}' } }] }),
      chunk({}, "tool_calls"),
    ]);
    expectAnthropicOrder(events);
    expect(accumulate(events).content).toEqual([
      { type: "tool_use", id: "call_a", name: "f", input: { x: 1 } },
      { type: "tool_use", id: "call_b", name: "g", input: { y: 2 } },
    ]);
    // The second call's fragment went out live, inside its own open block.
    expect(events.filter((event) => event.event === "content_block_delta")).toHaveLength(2);
  });

  it("serializes interleaved parallel tool calls into whole, non-overlapping blocks", () => {
    const chunks = JSON.parse(
      readFixture("openai-chunks-interleaved.json"),
    ) as ChatCompletionChunk[];
    const events = encodeAll(chunks);
    expectAnthropicOrder(events);
    const message = accumulate(events);
    expect(message.content).toEqual([
      { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Oslo" } },
      { type: "tool_use", id: "call_b", name: "get_weather", input: { city: "Bergen" } },
    ]);
    expect(message.stopReason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 80, output_tokens: 30 });
  });

  it.each([
    "text-stream.sse",
    "tool-stream.sse",
    "thinking-stream.sse",
    "unicode-stream.sse",
    "refusal-stream.sse",
  ])(
    "round-trips %s: Anthropic SSE -> OpenAI chunks -> Anthropic events give the same message",
    async (fixture) => {
      const chunks = await runStream(
        createAnthropicStreamTransformer(context()),
        readFixture(fixture),
      );
      const events = encodeAll(chunks);
      expectAnthropicOrder(events);
      const original = accumulate(sseEvents(fixture));
      const rebuilt = accumulate(events);
      expect(rebuilt.content).toEqual(
        original.content.map((block) => {
          const copy = { ...block };
          if (copy.type === "text") delete copy.citations;
          return copy;
        }),
      );
      expect(rebuilt.stopReason).toBe(original.stopReason);
      expect(rebuilt.usage).toMatchObject({
        input_tokens: original.usage.input_tokens,
        output_tokens: original.usage.output_tokens,
        cache_read_input_tokens: original.usage.cache_read_input_tokens,
      });
      expect(events[0]?.data).toMatchObject({
        message: { id: (sseEvents(fixture)[0]?.data.message as { id: string }).id },
      });
    },
  );

  it("ends a stream that had no usage chunk at finish(), and only once", () => {
    const encoder = createOpenAIToAnthropicStreamEncoder({ model: "my-alias" });
    const events = [
      ...encoder.encode(chunk({ content: "x" })),
      ...encoder.encode(chunk({}, "length")),
    ];
    const end = encoder.finish();
    expectAnthropicOrder([...events, ...end]);
    expect(events[0]?.data).toMatchObject({ message: { model: "my-alias" } });
    expect(end.find((event) => event.event === "message_delta")?.data).toMatchObject({
      delta: { stop_reason: "max_tokens" },
    });
    expect(encoder.finish()).toEqual([]);
    expect(encoder.encode(chunk({ content: "late" }))).toEqual([]);
  });

  it("can end with Anthropic's error event instead", () => {
    const encoder = createOpenAIToAnthropicStreamEncoder();
    encoder.encode(chunk({ content: "partial" }));
    expect(encoder.error({ type: "overloaded_error", message: "Overloaded" })).toEqual([
      {
        event: "error",
        data: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
      },
    ]);
    expect(encoder.finish()).toEqual([]);
  });

  it("emits a complete message even when nothing arrived", () => {
    const events = createOpenAIToAnthropicStreamEncoder().finish();
    expect(events.map((event) => event.event)).toEqual([
      "message_start",
      "message_delta",
      "message_stop",
    ]);
  });
});
