import { describe, expect, it } from "vitest";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import { GatewayError, UpstreamError } from "../../errors/gateway-error.ts";
import { context, readFixture } from "./__fixtures__/fixtures.ts";
import { parseAnthropicResponse } from "./parse-response.ts";

function parse(fixture: string, request = {}) {
  const completion = parseAnthropicResponse(
    { status: 200, headers: {}, body: readFixture(fixture) },
    context(request),
  );
  // Whatever we produce must be a valid OpenAI completion.
  expect(ChatCompletionSchema.safeParse(completion).success).toBe(true);
  return completion;
}

describe("parseAnthropicResponse", () => {
  it("maps a text answer, with cache reads and writes added into prompt_tokens", () => {
    const completion = parse("text-response.json");
    expect(completion).toMatchObject({
      id: "chatcmpl-msg_01TextAnswer0001",
      object: "chat.completion",
      model: "claude-sonnet-4-5-20250929",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "Hello! How can I help?" },
          finish_reason: "stop",
          provider_finish_reason: "end_turn",
        },
      ],
      usage: {
        prompt_tokens: 1510,
        completion_tokens: 8,
        total_tokens: 1518,
        prompt_tokens_details: { cached_tokens: 1200, cache_creation_tokens: 300 },
        cache_read_input_tokens: 1200,
        cache_creation_input_tokens: 300,
      },
    });
    expect(typeof completion.created).toBe("number");
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it("maps tool_use blocks to tool_calls with JSON-string arguments", () => {
    const completion = parse("tool-use-response.json");
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.content).toBe("Checking both cities.");
    expect(choice?.message.tool_calls).toEqual([
      {
        id: "toolu_01Bergen",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
      },
      {
        id: "toolu_02Oslo",
        type: "function",
        function: { name: "get_weather", arguments: '{"city":"Oslo","unit":"celsius"}' },
      },
    ]);
    expect(completion.usage).toMatchObject({
      prompt_tokens: 410,
      completion_tokens: 38,
      total_tokens: 448,
    });
    expect(completion.usage?.prompt_tokens_details).toEqual({ cached_tokens: 0 });
  });

  it("gives content null when the answer is only tool calls, and '{}' for a no-argument tool", () => {
    const message = parse("tool-only-response.json").choices[0]?.message;
    expect(message?.content).toBeNull();
    expect(message?.tool_calls?.[0]?.function.arguments).toBe("{}");
  });

  it("maps thinking to reasoning_content and keeps signed thinking_blocks", () => {
    const completion = parse("thinking-response.json");
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("17 × 23 = 391");
    expect(message?.reasoning_content).toBe("The user wants 17 * 23. 17 * 23 = 391.");
    expect(message?.thinking_blocks).toEqual([
      {
        type: "thinking",
        thinking: "The user wants 17 * 23. 17 * 23 = 391.",
        signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
      },
      {
        type: "redacted_thinking",
        data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP",
      },
    ]);
    expect(completion.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 96 });
  });

  it("returns the JSON-mode tool input as content with finish_reason stop", () => {
    const completion = parse("json-mode-response.json", {
      response_format: { type: "json_object" },
    });
    const choice = completion.choices[0];
    expect(choice?.message.content).toBe('{"name":"Ada","born":1815}');
    expect(choice?.message.tool_calls).toBeUndefined();
    expect(choice?.finish_reason).toBe("stop");
    expect(choice?.provider_finish_reason).toBe("tool_use");
  });

  it("keeps a json_tool_call as a tool call when the client did not ask for JSON mode", () => {
    const choice = parse("json-mode-response.json").choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    expect(choice?.message.tool_calls?.[0]?.function.name).toBe("json_tool_call");
  });

  it("maps refusal, stop_sequence and max_tokens stop reasons", () => {
    const refusal = parse("refusal-response.json").choices[0];
    expect(refusal?.finish_reason).toBe("content_filter");
    expect(refusal?.message.content).toBe("");
    expect(parse("stop-sequence-response.json").choices[0]?.finish_reason).toBe("stop");
    expect(parse("stop-sequence-response.json").choices[0]?.provider_finish_reason).toBe(
      "stop_sequence",
    );
    expect(parse("max-tokens-response.json").choices[0]?.finish_reason).toBe("length");
  });

  it("throws the mapped error for an error body inside a 200", () => {
    const run = () =>
      parseAnthropicResponse(
        { status: 200, headers: {}, body: readFixture("error-overloaded.json") },
        context(),
      );
    expect(run).toThrow(GatewayError);
    try {
      run();
    } catch (error) {
      expect(error).toMatchObject({ status: 503, retryable: true, upstreamStatus: 529 });
    }
  });

  it("rejects a body that is not an Anthropic message", () => {
    const run = (body: string) => () =>
      parseAnthropicResponse({ status: 200, headers: {}, body }, context());
    expect(run("<html>")).toThrow(UpstreamError);
    expect(run('{"id":"x"}')).toThrow(/invalid message/);
  });
});
