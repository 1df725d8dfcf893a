import { describe, expect, it } from "vitest";
import { chunk, usage } from "../__fixtures__/fakes.ts";
import { StreamAssembler } from "./stream-assembler.ts";

describe("StreamAssembler", () => {
  it("joins the deltas' logprobs per choice (a cached answer must keep what logprobs: true asked)", () => {
    const a = new StreamAssembler();
    const lp = (token: string) => ({ token, logprob: -1, bytes: null, top_logprobs: [] });
    const withLogprobs = (text: string, finish: "stop" | null) =>
      chunk(null, {
        choices: [
          {
            index: 0,
            delta: { content: text },
            finish_reason: finish,
            logprobs: { content: [lp(text)], refusal: null },
          },
        ],
      });
    a.add(withLogprobs("Hel", null));
    a.add(withLogprobs("lo", "stop"));
    const choice = a.completion().choices[0]!;
    expect(choice.message.content).toBe("Hello");
    expect(choice.logprobs).toEqual({ content: [lp("Hel"), lp("lo")], refusal: null });
    // Citations streamed in deltas are part of the answer too.
    const cited = new StreamAssembler();
    const citation = { type: "url_citation", url_citation: { url: "https://example.com" } };
    cited.add(
      chunk(null, {
        choices: [
          {
            index: 0,
            delta: { content: "see", annotations: [citation] } as never,
            finish_reason: "stop",
          },
        ],
      }),
    );
    expect(cited.completion().choices[0]!.message.annotations).toEqual([citation]);
    // A stream without logprobs assembles without the field, as before.
    const plain = new StreamAssembler();
    plain.add(chunk("x"));
    expect(plain.completion().choices[0]).not.toHaveProperty("logprobs");
  });

  it("joins content and tool-call deltas into one completion", () => {
    const a = new StreamAssembler();
    a.add(chunk("Hel"));
    a.add(chunk("lo"));
    a.add(
      chunk(null, {
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [
                {
                  index: 0,
                  id: "call_1",
                  type: "function",
                  function: { name: "f", arguments: '{"a"' },
                },
              ],
            },
            finish_reason: null,
          },
        ],
      }),
    );
    a.add(
      chunk(null, {
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: ":1}" } }] },
            finish_reason: "tool_calls",
          },
        ],
      }),
    );
    a.add(chunk(null, { usage: usage(3, 4) }));
    const c = a.completion();
    expect(c.choices[0]).toEqual({
      index: 0,
      message: {
        role: "assistant",
        content: "Hello",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
        ],
      },
      finish_reason: "tool_calls",
    });
    expect(c.usage).toEqual(usage(3, 4));
  });
});
