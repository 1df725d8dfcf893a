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
import { createOllamaStreamTransformer } from "./stream-transformer.ts";

const transformer = () => createOllamaStreamTransformer(requestContext({ stream: true }));
const whole = (name: string) => [new TextEncoder().encode(fixture(name))];

describe("Ollama stream transformer", () => {
  it("streams text: role chunk first, stable id, finish chunk, then a usage-only chunk", async () => {
    const chunks = await runStream(transformer(), whole("stream-text.ndjson"));
    for (const chunk of chunks)
      expect(ChatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["chatcmpl-call-test-1"]));
    expect(new Set(chunks.map((chunk) => chunk.created))).toEqual(
      new Set([Math.floor(Date.parse("2025-03-01T12:00:00.100Z") / 1000)]),
    );
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "" });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(collect(chunks)).toMatchObject({
      content: "Hello wörld 🌍, 日本語",
      finish: "stop",
      providerFinish: "stop",
    });
    expect(chunks.at(-1)).toEqual({
      id: "chatcmpl-call-test-1",
      object: "chat.completion.chunk",
      created: chunks[0]?.created,
      model: "llama3.2",
      choices: [],
      usage: { prompt_tokens: 26, completion_tokens: 4, total_tokens: 30 },
    });
  });

  it.each([1, 2, 3, 7, 29])(
    "gives the same output when reads are cut every %i bytes",
    async (size) => {
      const expected = collect(await runStream(transformer(), whole("stream-text.ndjson")));
      expect(
        collect(await runStream(transformer(), inReadsOf(fixture("stream-text.ndjson"), size))),
      ).toEqual(expected);
    },
  );

  it("gives the same output when every line is cut in the middle", async () => {
    const expected = collect(await runStream(transformer(), whole("stream-text.ndjson")));
    expect(
      collect(await runStream(transformer(), midLineReads(fixture("stream-text.ndjson")))),
    ).toEqual(expected);
  });

  it("streams thinking, then whole tool calls at consecutive indexes with minted ids", async () => {
    const chunks = await runStream(
      transformer(),
      inReadsOf(fixture("stream-tool-calls.ndjson"), 13),
    );
    const result = collect(chunks);
    expect(result.reasoning).toBe("Two cities, two calls.");
    expect(result.calls.map((call) => [call.name, call.arguments, call.headers])).toEqual([
      ["get_weather", '{"city":"Oslo"}', 1],
      ["get_weather", '{"city":"Brasília"}', 1],
      ["get_time", "{}", 1],
    ]);
    expect(new Set(result.calls.map((call) => call.id)).size).toBe(3);
    expect(result).toMatchObject({ finish: "tool_calls", providerFinish: "stop" });
    const first = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls !== undefined);
    expect(first?.choices[0]?.delta.tool_calls?.[0]).toMatchObject({
      index: 0,
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
    });
  });

  it.each([1, 4, 1000])(
    "moves <think> tags split across lines to reasoning_content (reads of %i)",
    async (size) => {
      const result = collect(
        await runStream(transformer(), inReadsOf(fixture("stream-think-tags.ndjson"), size)),
      );
      expect(result.reasoning).toBe("\nCompare decimals.\n");
      expect(result.content).toBe("9.9 is bigger.");
    },
  );

  it("delivers text before an error line, then throws it", async () => {
    const t = transformer();
    const seen: string[] = [];
    let failure: unknown;
    try {
      for (const line of fixture("stream-error.ndjson").trim().split("\n")) {
        for (const chunk of t.onEvent({ data: line }))
          seen.push(chunk.choices[0]?.delta.content ?? "");
      }
    } catch (error) {
      failure = error;
    }
    expect(seen.join("")).toBe("Partial answer");
    expect(failure).toBeInstanceOf(UpstreamError);
    expect(failure).toMatchObject({
      status: 500,
      retryable: true,
      message: "an error was encountered while running the model: unexpected EOF",
    });
  });

  it("throws when the stream ends without the done line", async () => {
    await expect(runStream(transformer(), whole("stream-truncated.ndjson"))).rejects.toMatchObject({
      code: "stream_truncated",
    });
  });
});
