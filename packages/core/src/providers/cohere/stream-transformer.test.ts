import { describe, expect, it } from "vitest";
import { UpstreamError } from "../../errors/gateway-error.ts";
import { ChatCompletionChunkSchema } from "../../openai/chat-chunk.ts";
import {
  collect,
  fixture,
  inReadsOf,
  midLineReads,
  requestContext,
  runStream,
} from "./__fixtures__/fixtures.ts";
import { createCohereStreamTransformer } from "./stream-transformer.ts";

const transformer = () => createCohereStreamTransformer(requestContext({ stream: true }));
const whole = (name: string) => [new TextEncoder().encode(fixture(name))];

describe("Cohere stream transformer", () => {
  it("streams text: role chunk first, stable id, finish chunk, then a usage-only chunk", async () => {
    const chunks = await runStream(transformer(), whole("stream-text.sse"));
    for (const chunk of chunks)
      expect(ChatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(
      new Set(["chatcmpl-29f14a5a-11de-4cae-9800-25e4747408ea"]),
    );
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(["command-a-03-2025"]));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(collect(chunks)).toMatchObject({
      content: "Hello wörld 🌍, 日本語",
      finish: "stop",
      providerFinish: "COMPLETE",
    });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 69,
        completion_tokens: 9,
        total_tokens: 78,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    });
    expect(chunks.filter((chunk) => chunk.usage !== undefined)).toHaveLength(1);
  });

  it.each([1, 2, 3, 5, 17])(
    "gives the same output when reads are cut every %i bytes (mid-line, mid-character)",
    async (size) => {
      const expected = collect(await runStream(transformer(), whole("stream-text.sse")));
      expect(
        collect(await runStream(transformer(), inReadsOf(fixture("stream-text.sse"), size))),
      ).toEqual(expected);
    },
  );

  it("gives the same output when every event is cut in the middle of its data line", async () => {
    const expected = collect(await runStream(transformer(), whole("stream-tool-calls.sse")));
    expect(
      collect(await runStream(transformer(), midLineReads(fixture("stream-tool-calls.sse")))),
    ).toEqual(expected);
  });

  it("streams the tool plan as content and parallel tool calls with index, id and fragments", async () => {
    const chunks = await runStream(transformer(), inReadsOf(fixture("stream-tool-calls.sse"), 11));
    const result = collect(chunks);
    expect(result.content).toBe("I will search for the weather.");
    expect(result.calls).toEqual([
      {
        id: "get_weather_p1t92w7gfgq7",
        name: "get_weather",
        arguments: '{\n    "location": "Madrid"\n}',
        headers: 1,
      },
      {
        id: "get_weather_ay6nmvjgp9vn",
        name: "get_weather",
        arguments: '{\n    "location": "Brasília"\n}',
        headers: 1,
      },
      { id: "get_time_k2m4n6p8q0r1", name: "get_time", arguments: "{}", headers: 1 },
    ]);
    expect(result).toMatchObject({ finish: "tool_calls", providerFinish: "TOOL_CALL" });
    const header = chunks.find(
      (chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id !== undefined,
    );
    expect(header?.choices[0]?.delta.tool_calls?.[0]).toEqual({
      index: 0,
      id: "get_weather_p1t92w7gfgq7",
      type: "function",
      function: { name: "get_weather", arguments: "" },
    });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 913,
      completion_tokens: 83,
      total_tokens: 996,
    });
  });

  it("streams thinking as reasoning_content and ignores a trailing [DONE]", async () => {
    const chunks = await runStream(transformer(), whole("stream-thinking.sse"));
    expect(collect(chunks)).toMatchObject({
      reasoning: "Compare 9.9 and 9.11.",
      content: "9.9 is bigger.",
      finish: "stop",
    });
    expect(chunks.at(-1)?.choices).toEqual([]);
  });

  it("delivers text before a message-end error, then throws it", async () => {
    const seen: string[] = [];
    const t = transformer();
    const events = [...fixture("stream-error.sse").matchAll(/event: (.+)\ndata: (.+)\n/g)];
    const failure = (() => {
      try {
        for (const [, event, data] of events) {
          for (const chunk of t.onEvent({ event: event!, data: data! }))
            seen.push(chunk.choices[0]?.delta.content ?? "");
        }
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen.join("")).toBe("Partial answer");
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({
      message: "an internal error occurred during generation",
      retryable: true,
    });
  });

  it("throws on an error body sent as an event, and on a stream cut before message-end", async () => {
    expect(() => transformer().onEvent({ data: '{"message":"internal server error"}' })).toThrow(
      "internal server error",
    );
    await expect(runStream(transformer(), whole("stream-truncated.sse"))).rejects.toMatchObject({
      code: "stream_truncated",
    });
    expect(() => transformer().onEvent({ event: "content-delta", data: "{not json" })).toThrow(
      UpstreamError,
    );
  });
});
