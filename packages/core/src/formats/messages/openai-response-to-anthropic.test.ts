import { describe, expect, it } from "vitest";
import type { ChatCompletion } from "../../openai/chat-response.ts";
import { context, readFixture } from "../../providers/anthropic/__fixtures__/fixtures.ts";
import { openAIResponseToAnthropic } from "./openai-response-to-anthropic.ts";
import { parseAnthropicResponse } from "../../providers/anthropic/parse-response.ts";
import { AnthropicMessageSchema } from "../../providers/anthropic/wire-schemas.ts";

describe("openAIResponseToAnthropic", () => {
  it("turns an OpenAI completion with tool calls into an Anthropic message", () => {
    const completion = JSON.parse(readFixture("openai-completion-tools.json")) as ChatCompletion;
    const message = openAIResponseToAnthropic(completion);
    expect(AnthropicMessageSchema.safeParse(message).success).toBe(true);
    expect(message).toEqual({
      id: "msg_Bx9yZ0123456789",
      type: "message",
      role: "assistant",
      model: "gpt-4o-mini-2024-07-18",
      content: [
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Oslo" } },
        { type: "tool_use", id: "call_2", name: "get_time", input: {} },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 276,
        output_tokens: 40,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1024,
      },
    });
  });

  it.each([
    "text-response.json",
    "tool-use-response.json",
    "thinking-response.json",
    "stop-sequence-response.json",
    "max-tokens-response.json",
  ])("round-trips %s through parseAnthropicResponse", (fixture) => {
    const original = AnthropicMessageSchema.parse(JSON.parse(readFixture(fixture)));
    const back = openAIResponseToAnthropic(
      parseAnthropicResponse({ status: 200, headers: {}, body: readFixture(fixture) }, context()),
    );
    expect(back.id).toBe(original.id);
    expect(back.stop_reason).toBe(original.stop_reason);
    const comparable = original.content.map((block) => {
      if (block.type === "text") return { type: "text", text: block.text };
      if (block.type === "tool_use")
        return { type: "tool_use", id: block.id, name: block.name, input: block.input };
      return block;
    });
    expect(back.content).toEqual(comparable);
    expect(back.usage).toEqual({
      input_tokens: original.usage.input_tokens,
      output_tokens: original.usage.output_tokens,
      cache_creation_input_tokens: original.usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: original.usage.cache_read_input_tokens ?? 0,
    });
  });

  it("maps finish reasons and keeps a JSON-mode answer as text", () => {
    const base = JSON.parse(readFixture("openai-completion-tools.json")) as ChatCompletion;
    const withReason = (finish_reason: ChatCompletion["choices"][number]["finish_reason"]) =>
      openAIResponseToAnthropic({
        ...base,
        choices: [{ index: 0, finish_reason, message: { role: "assistant", content: "x" } }],
      }).stop_reason;
    expect(withReason("stop")).toBe("end_turn");
    expect(withReason("length")).toBe("max_tokens");
    expect(withReason("content_filter")).toBe("refusal");

    const json = parseAnthropicResponse(
      { status: 200, headers: {}, body: readFixture("json-mode-response.json") },
      context({ response_format: { type: "json_object" } }),
    );
    const message = openAIResponseToAnthropic(json);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.content).toEqual([{ type: "text", text: '{"name":"Ada","born":1815}' }]);
  });
});
