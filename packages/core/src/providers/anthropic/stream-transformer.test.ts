import { describe, expect, it } from "vitest";
import { ServiceUnavailableError, UpstreamError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import { ChatCompletionChunkSchema } from "../../openai/chat-chunk.ts";
import { decodeSse } from "../../stream/sse-decoder.ts";
import {
  context,
  contentOf,
  readFixture,
  runStream,
  splitBytes,
  type ReadSplit,
} from "./__fixtures__/fixtures.ts";
import { createAnthropicStreamTransformer } from "./stream-transformer.ts";

async function stream(fixture: string, split: ReadSplit = "whole", request = {}) {
  const chunks = await runStream(
    createAnthropicStreamTransformer(context(request)),
    readFixture(fixture),
    split,
  );
  for (const chunk of chunks) expect(ChatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
  return chunks;
}

function finishChunks(chunks: ChatCompletionChunk[]) {
  return chunks.filter((chunk) => chunk.choices[0]?.finish_reason != null);
}

describe("createAnthropicStreamTransformer: text", () => {
  it("emits the role chunk, content deltas, the finish chunk and a final usage chunk", async () => {
    const chunks = await stream("text-stream.sse");
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(contentOf(chunks)).toBe("Hello, world!");

    const finish = finishChunks(chunks);
    expect(finish).toHaveLength(1);
    expect(finish[0]?.choices[0]).toMatchObject({
      finish_reason: "stop",
      provider_finish_reason: "end_turn",
    });

    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({
      prompt_tokens: 1225,
      completion_tokens: 6,
      total_tokens: 1231,
      prompt_tokens_details: { cached_tokens: 1200 },
    });
    // Every chunk carries the same id, created and model; ping produced nothing.
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(
      new Set(["chatcmpl-msg_01StreamText01"]),
    );
    expect(new Set(chunks.map((chunk) => chunk.created)).size).toBe(1);
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(
      new Set(["claude-sonnet-4-5-20250929"]),
    );
    expect(chunks).toHaveLength(6); // role, 3 deltas, finish, usage
  });

  it("gives the same chunks when every event is split mid-line across reads", async () => {
    const whole = await stream("text-stream.sse");
    const split = await stream("text-stream.sse", "mid-line");
    expect(split.map((chunk) => chunk.choices)).toEqual(whole.map((chunk) => chunk.choices));
  });

  it.each([1, 2, 3, 5, 7])(
    "keeps multi-byte characters intact when reads are %i bytes",
    async (size) => {
      const chunks = await stream("unicode-stream.sse", size);
      expect(contentOf(chunks)).toBe("Grüße 👋🏽 你好，世界 — ok");
    },
  );

  it("sanity: the byte splitter really cuts inside characters", () => {
    const parts = splitBytes("👋", 1);
    expect(parts).toHaveLength(4);
  });
});

describe("createAnthropicStreamTransformer: tool calls", () => {
  it("numbers tool calls 0..n by tool block, sends each header once, and assembles arguments", async () => {
    const chunks = await stream("tool-stream.sse", "mid-line");
    expect(contentOf(chunks)).toBe("Checking.");

    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    const headers = deltas.filter((delta) => delta.id !== undefined);
    expect(headers).toEqual([
      {
        index: 0,
        id: "toolu_01Bergen",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      },
      {
        index: 1,
        id: "toolu_02Oslo",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      },
      {
        index: 2,
        id: "toolu_03Time",
        type: "function",
        function: { name: "get_time", arguments: "" },
      },
    ]);
    const args = (index: number) =>
      deltas
        .filter((delta) => delta.index === index)
        .map((delta) => delta.function?.arguments ?? "")
        .join("");
    expect(JSON.parse(args(0))).toEqual({ city: "Bergen" });
    expect(JSON.parse(args(1))).toEqual({ city: "Oslo" });
    // A tool that only sent `partial_json: ""` ends with "{}", never "".
    expect(args(2)).toBe("{}");
    // No empty fragments are forwarded.
    expect(
      deltas.filter((delta) => delta.id === undefined && delta.function?.arguments === ""),
    ).toEqual([]);

    expect(finishChunks(chunks)[0]?.choices[0]?.finish_reason).toBe("tool_calls");
    expect(chunks[chunks.length - 1]?.usage).toMatchObject({
      prompt_tokens: 410,
      completion_tokens: 88,
    });
  });
});

describe("createAnthropicStreamTransformer: thinking and JSON mode", () => {
  it("streams thinking as reasoning_content and ends the block with its signature", async () => {
    const chunks = await stream("thinking-stream.sse", 11);
    const reasoning = chunks
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? "")
      .join("");
    expect(reasoning).toBe("17 * 23: 17*20 = 340, 17*3 = 51, so 391.");
    const blocks = chunks.flatMap(
      (chunk) => (chunk.choices[0]?.delta.thinking_blocks as unknown[]) ?? [],
    );
    expect(blocks).toEqual([
      {
        type: "thinking",
        thinking: "17 * 23: 17*20 = 340, 17*3 = 51, so 391.",
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      },
    ]);
    expect(contentOf(chunks)).toBe("17 × 23 = 391");
    expect(chunks[chunks.length - 1]?.usage).toMatchObject({
      completion_tokens: 120,
      completion_tokens_details: { reasoning_tokens: 96 },
    });
  });

  it("streams the JSON-mode tool's input as content and finishes with stop", async () => {
    const chunks = await stream("json-mode-stream.sse", "mid-line", {
      response_format: {
        type: "json_schema",
        json_schema: { name: "person", schema: { type: "object" } },
      },
    });
    expect(JSON.parse(contentOf(chunks))).toEqual({ name: "Ada", born: 1815 });
    expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined)).toBe(false);
    expect(finishChunks(chunks)[0]?.choices[0]).toMatchObject({
      finish_reason: "stop",
      provider_finish_reason: "tool_use",
    });
  });

  it("maps a refusal with no content block to content_filter", async () => {
    const chunks = await stream("refusal-stream.sse");
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason ?? null)).toEqual([
      null,
      "content_filter",
      null,
    ]);
    expect(chunks[2]?.usage).toMatchObject({ prompt_tokens: 30, completion_tokens: 0 });
  });
});

describe("createAnthropicStreamTransformer: failures", () => {
  it("emits the text so far, then throws the mid-stream error event as a retryable error", async () => {
    const transformer = createAnthropicStreamTransformer(context());
    const chunks: ChatCompletionChunk[] = [];
    let thrown: unknown;
    try {
      for await (const read of decodeSse(
        (async function* () {
          yield* splitBytes(readFixture("error-mid-stream.sse"), "mid-line");
        })(),
      )) {
        for (const event of read.events) chunks.push(...transformer.onEvent(event));
      }
    } catch (error) {
      thrown = error;
    }
    expect(contentOf(chunks)).toBe("Partial ans");
    expect(finishChunks(chunks)).toEqual([]); // no fake stop
    expect(thrown).toBeInstanceOf(ServiceUnavailableError);
    expect(thrown).toMatchObject({ retryable: true, upstreamStatus: 529, message: "Overloaded" });
  });

  it("throws a truncated-stream error when the stream ends before message_delta", async () => {
    await expect(stream("truncated-stream.sse")).rejects.toThrow(UpstreamError);
    await expect(stream("truncated-stream.sse")).rejects.toMatchObject({
      code: "stream_truncated",
    });
  });

  it("still emits usage when only message_stop was lost", async () => {
    const text = readFixture("text-stream.sse").replace(/event: message_stop\ndata: .*\n\n/, "");
    const chunks = await runStream(createAnthropicStreamTransformer(context()), text);
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(6);
  });

  it("ignores anything after message_stop", () => {
    const transformer = createAnthropicStreamTransformer(context());
    transformer.onEvent({ event: "message_stop", data: '{"type":"message_stop"}' });
    expect(
      transformer.onEvent({
        event: "content_block_delta",
        data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"late"}}',
      }),
    ).toEqual([]);
    expect(transformer.onEnd()).toEqual([]);
  });
});
