import { describe, expect, it } from "vitest";
import { ServiceUnavailableError, UpstreamError } from "../../errors/gateway-error.ts";
import { ChatCompletionChunkSchema } from "../../openai/chat-chunk.ts";
import {
  collect,
  fixtureBytes,
  inReadsOf,
  requestContext,
  runStream,
} from "./__fixtures__/fixtures.ts";
import { createStreamTransformer } from "./stream-transformer.ts";
import { thoughtSignatureFromId } from "./tool-call-id.ts";

const transformer = (model = "gemini-2.0-flash") =>
  createStreamTransformer(requestContext({ stream: true }, { model }));

describe("Gemini stream transformer", () => {
  it("streams text with a role chunk, a finish chunk and a final usage-only chunk", async () => {
    const chunks = await runStream(transformer(), [fixtureBytes("stream-text.sse")]);
    for (const chunk of chunks)
      expect(ChatCompletionChunkSchema.safeParse(chunk).success).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(
      new Set(["chatcmpl-Lq_HaNu1GJjsz7IPo8fXmQ8"]),
    );
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(["gemini-2.0-flash"]));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: "assistant", content: "Hel" });
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role !== undefined)).toHaveLength(1);
    expect(collect(chunks)).toMatchObject({
      content: "Hello wörld 🌍, 日本語も。",
      finish: "stop",
      providerFinish: "STOP",
    });
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    // Cumulative usage: the last event's numbers, not a sum.
    expect(last?.usage).toEqual({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 });
    expect(chunks.filter((chunk) => chunk.usage !== undefined)).toHaveLength(1);
  });

  it.each([1, 2, 3, 7, 50])(
    "gives the same output when reads are cut every %i bytes (mid-line, mid-character)",
    async (size) => {
      const whole = collect(await runStream(transformer(), [fixtureBytes("stream-text.sse")]));
      const split = collect(
        await runStream(transformer(), inReadsOf(fixtureBytes("stream-text.sse"), size)),
      );
      expect(split).toEqual(whole);
    },
  );

  it("streams thoughts, text and whole parallel tool calls with stable indexes", async () => {
    const chunks = await runStream(
      transformer("gemini-2.5-flash"),
      inReadsOf(fixtureBytes("stream-tool-calls.sse"), 13),
    );
    const result = collect(chunks);
    expect(result.reasoning).toBe("**Planning**\n\nTwo cities, two calls.");
    expect(result.content).toBe("Checking both cities.");
    expect(result.finish).toBe("tool_calls");
    expect(result.calls.map((call) => [call.name, call.arguments])).toEqual([
      ["get_weather", '{"city":"Oslo","unit":"celsius"}'],
      ["get_weather", '{"city":"Bergen","unit":"celsius"}'],
      ["get_time", "{}"],
    ]);
    expect(thoughtSignatureFromId(result.calls[0]?.id ?? "")).toBe("CikBVKhc7mPz+/sig==");
    // Each call appears in exactly one delta, whole: id, type, name and all arguments.
    const deltas = chunks.flatMap((chunk) =>
      chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []),
    );
    expect(deltas.map((delta) => delta.index)).toEqual([0, 1, 2]);
    for (const delta of deltas)
      expect(delta).toMatchObject({ id: expect.stringMatching(/^call_/), type: "function" });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 80,
      completion_tokens: 90,
      total_tokens: 170,
      completion_tokens_details: { reasoning_tokens: 50 },
    });
  });

  it("throws the mapped error for an error event after partial text", async () => {
    const t = transformer();
    const seen: string[] = [];
    const recording = {
      onEvent: (event: { data: string }) => {
        const out = t.onEvent(event);
        seen.push(...out.map((chunk) => chunk.choices[0]?.delta.content ?? ""));
        return out;
      },
      onEnd: () => t.onEnd(),
    };
    const error = await runStream(recording, [fixtureBytes("stream-error.sse")]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ServiceUnavailableError).retryable).toBe(true);
    expect(seen.join("")).toBe("Partial answer");
  });

  it("treats a stream that closes before any finishReason as truncated", async () => {
    const error = await runStream(transformer(), [fixtureBytes("stream-truncated.sse")]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe("stream_truncated");
    await expect(runStream(transformer(), [])).rejects.toThrow(/before it finished/);
  });

  it("ends a blocked prompt with content_filter and still reports usage", async () => {
    const chunks = await runStream(transformer(), [fixtureBytes("stream-blocked-prompt.sse")]);
    expect(collect(chunks)).toMatchObject({
      content: "",
      finish: "content_filter",
      providerFinish: "SAFETY",
    });
    expect(chunks.at(-1)?.usage).toEqual({
      prompt_tokens: 7,
      completion_tokens: 0,
      total_tokens: 7,
    });
  });

  it("interleaves several candidates (n > 1) by index", () => {
    const t = transformer();
    const event = (candidates: unknown[]) => ({
      data: JSON.stringify({ candidates, responseId: "r1" }),
    });
    const chunks = [
      ...t.onEvent(
        event([
          { index: 0, content: { parts: [{ text: "A" }] } },
          { index: 1, content: { parts: [{ text: "B" }] } },
        ]),
      ),
      ...t.onEvent(
        event([{ index: 1, content: { parts: [{ text: "b" }] }, finishReason: "STOP" }]),
      ),
      ...t.onEvent(
        event([{ index: 0, content: { parts: [{ text: "a" }] }, finishReason: "MAX_TOKENS" }]),
      ),
      ...t.onEnd(),
    ];
    expect(collect(chunks, 0)).toMatchObject({ content: "Aa", finish: "length" });
    expect(collect(chunks, 1)).toMatchObject({ content: "Bb", finish: "stop" });
  });
});
