import { describe, expect, it } from "vitest";
import { openaiCompletion } from "./openai-completion.ts";

describe("openaiCompletion", () => {
  it("builds a text completion in OpenAI's key order", () => {
    const text = JSON.stringify(
      openaiCompletion({ content: "Hi", id: "chatcmpl-1", created: 5, model: "gpt-x" }),
    );
    expect(text).toBe(
      '{"id":"chatcmpl-1","object":"chat.completion","created":5,"model":"gpt-x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_fake0001"}',
    );
  });

  it("with tool calls has null content, string arguments and finish_reason tool_calls", () => {
    const completion = openaiCompletion({
      toolCalls: [
        { id: "call_A1", name: "get_weather", arguments: { city: "Oslo" } },
        { id: "call_B2", name: "noop", arguments: "{}" },
      ],
    });
    expect(completion.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        content: null,
        tool_calls: [
          {
            id: "call_A1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
          { id: "call_B2", type: "function", function: { name: "noop", arguments: "{}" } },
        ],
      },
    });
  });

  it("honours an explicit finish reason (OpenAI's stop for a forced named tool)", () => {
    const completion = openaiCompletion({
      toolCalls: [{ id: "c", name: "f", arguments: "{}" }],
      finishReason: "stop",
    });
    expect(completion.choices[0]?.finish_reason).toBe("stop");
  });
});
