import type { ChatCompletionChunk, ChatStreamPart, ChunkDelta } from "@org/core";
import { describe, expect, it } from "vitest";
import type { StreamEnd } from "./tracked-stream.ts";
import { trackedStream } from "./tracked-stream.ts";

const part = (delta: ChunkDelta): ChatStreamPart => ({
  chunks: [
    {
      id: "c",
      object: "chat.completion.chunk",
      created: 0,
      model: "m",
      choices: [{ index: 0, delta, finish_reason: null }],
    } satisfies ChatCompletionChunk,
  ],
});

describe("trackedStream: the delivered text a cut stream is charged for", () => {
  it("holds content, reasoning, refusal and tool-call names and arguments", async () => {
    const ends: StreamEnd[] = [];
    async function* rest(): AsyncGenerator<ChatStreamPart> {
      yield part({ reasoning_content: "think " });
      yield part({ tool_calls: [{ index: 0, function: { name: "lookup", arguments: '{"q":' } }] });
      yield part({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] });
      yield part({ refusal: " no" });
    }
    const stream = trackedStream({
      first: part({ role: "assistant", content: "Hi " }),
      upstream: rest(),
      abortUpstream: () => {},
      clientSignal: undefined,
      assemble: false,
      onEnd: (end) => ends.push(end),
    });
    const iterator = stream[Symbol.asyncIterator]();
    for (let i = 0; i < 4; i++) await iterator.next();
    // The client leaves before the last part: only what was handed over counts.
    await iterator.return!();
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ status: "cancelled", usage: undefined });
    expect(ends[0]!.completionText).toBe('Hi think lookup{"q":"x"}');
  });
});
