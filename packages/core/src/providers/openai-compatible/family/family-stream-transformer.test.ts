import { describe, expect, it } from "vitest";
import type { ChatCompletionChunk } from "../../../openai/chat-chunk.ts";
import type { ChatStreamTransformer, StreamEvent } from "../../../provider/adapter.ts";
import { createFamilyStreamTransformer } from "./family-stream-transformer.ts";
import { rawFinishReasons } from "./raw-finish-reasons.ts";

/** A stand-in for the shared transformer: parses data, folds unknown reasons to stop. */
const inner = (): ChatStreamTransformer => ({
  onEvent(event: StreamEvent) {
    if (event.data === "[DONE]") return [];
    const chunk = JSON.parse(event.data) as ChatCompletionChunk;
    for (const choice of chunk.choices) {
      if (
        choice.finish_reason &&
        !["stop", "length", "tool_calls", "content_filter"].includes(choice.finish_reason)
      ) {
        choice.finish_reason = "stop";
      }
    }
    return [chunk];
  },
  onEnd: () => [],
});
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices,
    ...extra,
  });

describe("createFamilyStreamTransformer", () => {
  it("adds the assistant role to the first delta of each choice", () => {
    const t = createFamilyStreamTransformer(inner());
    const [first] = t.onEvent({
      data: chunk([{ index: 0, delta: { content: "a" }, finish_reason: null }]),
    });
    const [second] = t.onEvent({
      data: chunk([{ index: 0, delta: { content: "b" }, finish_reason: null }]),
    });
    expect(first?.choices[0]?.delta.role).toBe("assistant");
    expect(second?.choices[0]?.delta.role).toBeUndefined();
  });

  it("keeps usage reported on every chunk as one final usage chunk with the last total", () => {
    const t = createFamilyStreamTransformer(inner());
    const out = [
      ...t.onEvent({
        data: chunk([{ index: 0, delta: { content: "a" }, finish_reason: null }], {
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
      }),
      ...t.onEvent({
        data: chunk([{ index: 0, delta: {}, finish_reason: "stop" }], {
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }),
      }),
      ...t.onEvent({ data: "[DONE]" }),
      ...t.onEnd(),
    ];
    expect(out.filter((c) => c.usage)).toHaveLength(1);
    expect(out.at(-1)).toMatchObject({ id: "chatcmpl-1", choices: [], usage: { total_tokens: 5 } });
  });

  it("emits no usage chunk when the upstream reported none", () => {
    const t = createFamilyStreamTransformer(inner());
    const out = [
      ...t.onEvent({ data: chunk([{ index: 0, delta: {}, finish_reason: "stop" }]) }),
      ...t.onEnd(),
    ];
    expect(out).toHaveLength(1);
  });

  it("maps the n-th raw reason to the n-th finished choice", () => {
    const t = createFamilyStreamTransformer(inner());
    const [out] = t.onEvent({
      data: chunk([
        { index: 0, delta: {}, finish_reason: "eos" },
        { index: 1, delta: {}, finish_reason: null },
        { index: 2, delta: {}, finish_reason: "length" },
      ]),
    });
    expect(out?.choices[0]).toMatchObject({ finish_reason: "stop", provider_finish_reason: "eos" });
    expect(out?.choices[2]?.provider_finish_reason).toBeUndefined();
  });

  it("drops chunks the fixer rejects", () => {
    const t = createFamilyStreamTransformer(inner(), {
      fixChunk: (c) => (c.choices.length === 0 ? null : c),
    });
    expect(t.onEvent({ data: chunk([]) })).toEqual([]);
  });
});

describe("rawFinishReasons", () => {
  it("reads keys, not text that looks like them", () => {
    const data = JSON.stringify({
      choices: [{ delta: { content: '"finish_reason":"fake"' }, finish_reason: "eos" }],
    });
    expect(rawFinishReasons(data)).toEqual(["eos"]);
    expect(rawFinishReasons('{"choices":[{"finish_reason":null}]}')).toEqual([]);
  });
});
